package io.modelmonitor.operator.judgement;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.alerting.AlertEvent;
import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.RollbackMethod;
import io.modelmonitor.api.v1alpha1.RollbackRecord;
import io.modelmonitor.api.v1alpha1.RollbackSpec;
import io.modelmonitor.evaluation.Judgement;
import io.modelmonitor.operator.config.OperatorConfig;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.status.Announcer;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusAggregator;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.operator.target.ControllerRollback;
import io.modelmonitor.operator.target.RollsBackItself;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.target.TargetObservation;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.operator.target.TemplateOwnedElsewhere;
import io.modelmonitor.rollback.RevisionHistory;
import io.modelmonitor.rollback.RollbackPlanner;

/**
 * Carries out rollbacks: decides with {@link RollbackPlanner}, writes the intent on the target, restores the
 * pod template like {@code kubectl rollout undo} (with the current collector in it), follows the rollout to its
 * end, and reports every step in status, Events and alerts.
 */
public final class RollbackCoordinator {

    static final int MAX_BREACHED_HASHES = 20;

    private final Announcer announcer;
    private final OperatorConfig config;

    public RollbackCoordinator(Announcer announcer, OperatorConfig config) {
        this.announcer = announcer;
        this.config = config;
    }

    /**
     * Follows a rollback in flight (also one an earlier operator process started). Returns true while one is in
     * flight, in which case nothing else should be judged this round.
     */
    public boolean followInFlight(ModelMonitor monitor, TargetObservation seen, StatusAggregator state) {
        return follow(monitor, seen.target(), seen.rollbackInFlight(), state);
    }

    private boolean follow(ModelMonitor monitor, Target target, Optional<RollbackRecord> intent, StatusAggregator state) {
        ModelMonitorStatus status = state.status();
        RevisionHistory history = target.history();
        Optional<RollbackPlanner.Revision> current = history.current();
        if (intent.isEmpty()) {
            noticeNewRevision(monitor, state, current);
            return false;
        }
        RollbackRecord record = intent.get();
        if (status.getLastRollback() == null || !record.getTime().equals(status.getLastRollback().getTime())) {
            // Decided by an earlier operator process that stopped before it could say so: say it now, once.
            status.setLastRollback(record);
            announceTriggered(monitor, record, state);
        }
        if (record.getMethod() != null && record.getMethod() != RollbackMethod.restoreTemplate) {
            return followController(monitor, target, record, state);
        }
        Optional<PodTemplateSpec> restored = history.template(record.getToTemplateHash());
        if (restored.isEmpty()) {
            fail(monitor, state, target, "the pod template of revision " + record.getToRevision() + " is gone");
            return false;
        }
        PodTemplateSpec desired = withCurrentCollector(monitor, restored.get(), target);
        if (!Serialization.asJson(desired).equals(Serialization.asJson(target.template()))) {
            try {
                target.restoreTemplate(desired);
            } catch (KubernetesClientException e) {
                fail(monitor, state, target, "patching the " + target.kind() + " failed: HTTP " + e.getCode());
                return true;
            }
        }
        // Done when every pod runs the restored model, compared on the user's part of the template: the collector in
        // it is today's, which need not be the one that revision ran with (so its template hash may differ).
        // The revision the workload's controller records as current must run it (not only the template we patched:
        // a stale revision record would credit the rollback to the wrong ReplicaSet).
        String restoredModel = CollectorSidecar.userPart(restored.get());
        boolean done = target.readiness().allReady() && current.isPresent()
                && CollectorSidecar.userPart(target.template()).equals(restoredModel)
                && history.template(current.get().templateHash()).map(CollectorSidecar::userPart)
                        .filter(restoredModel::equals).isPresent();
        if (!done && timedOut(monitor, record, state)) {
            fail(monitor, state, target, "it did not roll out within rollback.timeout "
                    + monitor.getSpec().getRollback().getTimeout() + " (" + target.readiness().message() + ")");
            target.annotate(Annotations.ROLLBACK_INTENT, null);
            return false;
        }
        if (!done) {
            status.setPhase(Phase.RollingBack);
            state.condition(StatusConditions.ROLLED_BACK, false, Reason.ROLLBACK_IN_PROGRESS, "rolling back from revision "
                    + record.getFromRevision() + " to " + record.getToRevision() + ": " + record.getReason());
            return true;
        }
        target.annotate(Annotations.ROLLBACK_INTENT, null);
        if (!current.get().templateHash().equals(record.getToTemplateHash())) {
            // The restored model runs in a ReplicaSet of its own (today's collector): that is the revision restored.
            record.setToTemplateHash(current.get().templateHash());
            status.setLastRollback(record);
        }
        String message = "rolled back from revision " + record.getFromRevision() + " to " + record.getToRevision()
                + " (now revision " + current.get().number() + "): " + record.getReason();
        state.condition(StatusConditions.ROLLED_BACK, true, Reason.ROLLBACK_SUCCEEDED, message);
        status.setPhase(Phase.RolledBack);
        announcer.announce(monitor, Reason.ROLLBACK_SUCCEEDED, message, state, rollback(Phase.RolledBack, record));
        return true;
    }

    /** A rollback asked of the target's own controller (an Argo abort, a KServe canary's traffic): asked once, then followed. */
    private boolean followController(ModelMonitor monitor, Target target, RollbackRecord record, StatusAggregator state) {
        Optional<ControllerRollback> own = RollsBackItself.of(target, record.getFromTemplateHash());
        if (own.isEmpty()) {
            fail(monitor, state, target, "its update to revision " + record.getFromRevision()
                    + " is no longer in progress (a new template, promoted, or its canary removed), so its controller "
                    + "has nothing to go back from");
            target.annotate(Annotations.ROLLBACK_INTENT, null);
            return false;
        }
        if (!own.get().asked()) {
            try {
                own.get().ask();
            } catch (KubernetesClientException e) {
                fail(monitor, state, target, "asking it to " + own.get().action() + " failed: HTTP " + e.getCode());
                return true;
            }
        }
        if (!own.get().done()) {
            if (timedOut(monitor, record, state)) {
                fail(monitor, state, target, "its controller did not " + own.get().action() + " within rollback.timeout "
                        + monitor.getSpec().getRollback().getTimeout() + " (" + target.readiness().message() + ")");
                target.annotate(Annotations.ROLLBACK_INTENT, null);
                return false;
            }
            rollingBack(state, record, "asked " + target.kind() + " " + target.name() + " to " + own.get().action());
            return true;
        }
        target.annotate(Annotations.ROLLBACK_INTENT, null);
        String message = "rolled back from revision " + record.getFromRevision() + " to " + record.getToRevision() + " ("
                + own.get().result() + "): " + record.getReason();
        state.condition(StatusConditions.ROLLED_BACK, true, Reason.ROLLBACK_SUCCEEDED, message);
        state.status().setPhase(Phase.RolledBack);
        announcer.announce(monitor, Reason.ROLLBACK_SUCCEEDED, message, state, rollback(Phase.RolledBack, record));
        return true;
    }

    private static boolean timedOut(ModelMonitor monitor, RollbackRecord record, StatusAggregator state) {
        return state.now().isAfter(Instant.parse(record.getTime())
                .plus(Durations.parse(monitor.getSpec().getRollback().getTimeout())));
    }

    /** A user deployed a new template after our rollback: that revision is judged afresh, rollbacks are possible again. */
    private void noticeNewRevision(ModelMonitor monitor, StatusAggregator state, Optional<RollbackPlanner.Revision> current) {
        RollbackRecord last = state.status().getLastRollback();
        List<String> breached = state.status().getBreachedTemplateHashes() == null ? List.of()
                : state.status().getBreachedTemplateHashes();
        if (last != null && current.isPresent() && breached.contains(current.get().templateHash())
                && !current.get().templateHash().equals(last.getToTemplateHash()) && last.getMethod() != RollbackMethod.abort
                && StatusConditions.isTrue(state.status().getConditions(), StatusConditions.ROLLED_BACK)) {
            reverted(monitor, state, current.get(), last);
            return;
        }
        if (last == null || current.isEmpty() || current.get().templateHash().equals(last.getToTemplateHash())
                || !StatusConditions.isTrue(state.status().getConditions(), StatusConditions.ROLLED_BACK)
                        && !StatusConditions.isTrue(state.status().getConditions(), StatusConditions.ROLLBACK_EXHAUSTED)) {
            return;
        }
        String message = "revision " + current.get().number() + " was deployed after the rollback to revision "
                + last.getToRevision() + "; it is evaluated afresh";
        state.condition(StatusConditions.ROLLED_BACK, false, Reason.NEW_REVISION, message);
        state.condition(StatusConditions.ROLLBACK_EXHAUSTED, false, Reason.NEW_REVISION, message);
    }

    /**
     * A template rolled back from is what the target runs again: someone re-applied it, most often a GitOps tool
     * syncing from a repository that still holds it. Said once; the revision is judged again, and a confirmed breach
     * is rolled back again after the cooldown (so the two never flap faster than that).
     */
    private void reverted(ModelMonitor monitor, StatusAggregator state, RollbackPlanner.Revision current, RollbackRecord last) {
        String message = "revision " + current.number() + " runs template " + current.templateHash() + " again, which "
                + "breached and was rolled back (last rollback at " + last.getTime() + "): something re-applied it, such "
                + "as a GitOps sync from a repository that still holds it; revert it there, or let a rollout tool roll "
                + "back (src/docs/targets.md, Injection and GitOps). It is judged again; a confirmed breach is rolled back after "
                + "rollback.cooldown";
        if (state.notYet(StatusConditions.ROLLED_BACK, Reason.ROLLBACK_REVERTED, message)) {
            announcer.announce(monitor, Reason.ROLLBACK_REVERTED, message, state, alert -> alert);
        }
        state.condition(StatusConditions.ROLLED_BACK, false, Reason.ROLLBACK_REVERTED, message);
    }

    /** A breach was confirmed on the current revision: roll back, or say why not. */
    void onConfirmedBreach(ModelMonitor monitor, Target target, StatusAggregator state, Judgement breach, String breachMessage) {
        onConfirmedBreach(monitor, target, state, breach, breachMessage, null);
    }

    /** As above; {@code cost} is what the mistakes cost meanwhile (spec.costs), for the rollback record, or null. */
    void onConfirmedBreach(ModelMonitor monitor, Target target, StatusAggregator state, Judgement breach, String breachMessage,
            String cost) {
        ModelMonitorStatus status = state.status();
        RevisionHistory history = target.history();
        Optional<RollbackPlanner.Revision> current = history.current();
        current.ifPresent(r -> markBreached(status, r.templateHash()));
        RollbackSpec spec = monitor.getSpec().getRollback();
        if (!Boolean.TRUE.equals(spec.getEnabled())) {
            state.defaultCondition(StatusConditions.ROLLED_BACK, false, Reason.ALERT_ONLY, "rollback.enabled is false");
            return;
        }
        if (current.isEmpty()) {
            exhausted(monitor, state, breach, "the " + target.kind() + "'s current revision is not recorded yet");
            return;
        }
        RollbackRecord last = status.getLastRollback();
        // After a user deployed a new revision, the revision we restored is no longer "the restored one".
        boolean superseded = StatusConditions.find(status.getConditions(), StatusConditions.ROLLED_BACK)
                .map(c -> Reason.NEW_REVISION.wire().equals(c.getReason())).orElse(false);
        RollbackPlanner.History known = new RollbackPlanner.History(status.getLastKnownGoodTemplateHash(),
                new HashSet<>(status.getBreachedTemplateHashes() == null ? List.of() : status.getBreachedTemplateHashes()),
                last == null ? null : Instant.parse(last.getTime()),
                last == null || superseded ? null : last.getToTemplateHash());
        // While an Argo Rollout's update is in progress, aborting it is the way back, to its stable revision only.
        Optional<ControllerRollback> own = RollsBackItself.of(target, current.get().templateHash());
        RollbackPlanner.Plan plan = RollbackPlanner.plan(spec.getTo(), Durations.parse(spec.getCooldown()), current.get(),
                history.revisions(), known, state.now(), own.map(ControllerRollback::to));
        if (plan instanceof RollbackPlanner.Exhausted e) {
            exhausted(monitor, state, breach, e.why());
        } else if (plan instanceof RollbackPlanner.CoolingDown c) {
            state.condition(StatusConditions.DEGRADED, true, Reason.OBJECTIVE_BREACHED, breachMessage
                    + "; no rollback before " + c.until().truncatedTo(ChronoUnit.SECONDS) + " (rollback.cooldown)");
        } else if (plan instanceof RollbackPlanner.RollTo && own.isEmpty() && TemplateOwnedElsewhere.noTemplateRollback(target).isPresent()) {
            exhausted(monitor, state, breach, TemplateOwnedElsewhere.noTemplateRollback(target).get());
        } else if (plan instanceof RollbackPlanner.RollTo r) {
            start(monitor, target, state, breach, r, own.map(ControllerRollback::method).orElse(RollbackMethod.restoreTemplate),
                    cost);
        }
    }

    private void start(ModelMonitor monitor, Target target, StatusAggregator state, Judgement breach,
            RollbackPlanner.RollTo plan, RollbackMethod method, String cost) {
        RollbackRecord record = new RollbackRecord();
        record.setMethod(method);
        record.setTime(state.now().truncatedTo(ChronoUnit.SECONDS).toString());
        record.setFromRevision(plan.from().number());
        record.setToRevision(plan.to().number());
        record.setFromTemplateHash(plan.from().templateHash());
        record.setToTemplateHash(plan.to().templateHash());
        record.setObjective(breach.objective().metric());
        record.setValue(breach.value() == null ? null : StatusMapper.round(breach.value()));
        record.setBound(breach.objective().bound());
        record.setReason(breach.reason());
        record.setCost(cost);
        if (TemplateOwnedElsewhere.takesAnnotations(target)) {
            try {
                // The intent first: if this process dies before the template patch, the next one completes it.
                target = target.annotate(Annotations.ROLLBACK_INTENT, Serialization.asJson(record));
            } catch (KubernetesClientException e) {
                fail(monitor, state, target, "recording the rollback on the " + target.kind() + " failed: HTTP " + e.getCode());
                return;
            }
        }
        state.status().setLastRollback(record);
        announceTriggered(monitor, record, state);
        if (!TemplateOwnedElsewhere.takesAnnotations(target)) {
            // The intent first, in status this time (the target takes no annotation): its controller is asked at the
            // next reconcile, two seconds after this status is stored, so a crash in between loses nothing.
            rollingBack(state, record, "about to ask " + target.kind() + " " + target.name() + " to "
                    + RollsBackItself.of(target, record.getFromTemplateHash()).map(ControllerRollback::action).orElse("roll back"));
            return;
        }
        follow(monitor, target, Optional.of(record), state);
    }

    private static void rollingBack(StatusAggregator state, RollbackRecord record, String doing) {
        state.status().setPhase(Phase.RollingBack);
        state.condition(StatusConditions.ROLLED_BACK, false, Reason.ROLLBACK_IN_PROGRESS, "rolling back from revision "
                + record.getFromRevision() + " to " + record.getToRevision() + ": " + doing + ": " + record.getReason());
    }

    private void announceTriggered(ModelMonitor monitor, RollbackRecord record, StatusAggregator state) {
        String message = "rolling back from revision " + record.getFromRevision() + " to " + record.getToRevision()
                + ": " + record.getReason();
        announcer.announce(monitor, Reason.ROLLBACK_TRIGGERED, message, state, rollback(Phase.RollingBack, record));
    }

    private void exhausted(ModelMonitor monitor, StatusAggregator state, Judgement breach, String why) {
        String message = "no rollback: " + why;
        if (state.notYet(StatusConditions.ROLLBACK_EXHAUSTED, Reason.ROLLBACK_EXHAUSTED, message)) {
            announcer.announce(monitor, Reason.ROLLBACK_EXHAUSTED, message, state, alert -> alert.phase(Phase.Breached.name())
                    .objective(breach.objective().metric().name(), breach.value(), breach.objective().bound())
                    .fromRevision(state.status().getTargetRevision()));
        }
        state.condition(StatusConditions.ROLLBACK_EXHAUSTED, true, Reason.ROLLBACK_EXHAUSTED, message);
    }

    private void fail(ModelMonitor monitor, StatusAggregator state, Target target, String why) {
        String message = "rollback of " + target.kind() + " " + target.name() + " failed: " + why;
        if (state.notYet(StatusConditions.ROLLED_BACK, Reason.ROLLBACK_FAILED, message)) {
            announcer.announce(monitor, Reason.ROLLBACK_FAILED, message, state,
                    rollback(Phase.Breached, state.status().getLastRollback()));
        }
        state.condition(StatusConditions.ROLLED_BACK, false, Reason.ROLLBACK_FAILED, message);
        state.status().setPhase(Phase.Breached);
    }

    /**
     * The restored template with the current collector. The ReplicaSet's template comes back from the server with
     * its defaults filled in, and so does the collector once it is in the Deployment: when the target already runs
     * this very collector configuration, its stored copy is used, so that the restored template, once applied,
     * compares equal and is not patched again at every poll (it was, on a real cluster, with the collector as
     * the operator builds it).
     */
    private PodTemplateSpec withCurrentCollector(ModelMonitor monitor, PodTemplateSpec template, Target target) {
        PodTemplateSpec restored = Serialization.clone(template);
        if (monitor.getSpec().getCollector().byWebhook()) {
            // The webhook gives the restored pods their collector; the template stays the user's own.
            CollectorSidecar.remove(restored);
            return restored;
        }
        CollectorSidecar.Desired desired = CollectorSidecar.desired(monitor, config.collector(), Targets.revisionLabel(monitor));
        Container collector = desired.container();
        String hash = desired.hash();
        if (hash.equals(CollectorSidecar.injectedHash(target.template()))) {
            collector = CollectorSidecar.injected(target.template()).orElse(collector);
        }
        CollectorSidecar.inject(restored, collector, hash, monitor.getMetadata().getName());
        return restored;
    }

    private static void markBreached(ModelMonitorStatus status, String hash) {
        List<String> hashes = status.getBreachedTemplateHashes() == null ? new ArrayList<>()
                : new ArrayList<>(status.getBreachedTemplateHashes());
        if (!hashes.contains(hash)) {
            hashes.add(hash);
            while (hashes.size() > MAX_BREACHED_HASHES) {
                hashes.remove(0);
            }
            status.setBreachedTemplateHashes(hashes);
        }
    }

    /** What a rollback's alert says besides its message: the phase, and the objective and revisions of the record. */
    private static UnaryOperator<AlertEvent.Builder> rollback(Phase phase, RollbackRecord record) {
        return alert -> {
            alert.phase(phase.name());
            if (record != null) {
                alert.objective(record.getObjective() == null ? null : record.getObjective().name(), record.getValue(),
                        record.getBound()).fromRevision(record.getFromRevision()).toRevision(record.getToRevision());
            }
            return alert;
        };
    }
}

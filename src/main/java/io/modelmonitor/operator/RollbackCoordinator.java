package io.modelmonitor.operator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.alerting.AlertEvent;
import io.modelmonitor.alerting.AlertSender;
import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.RollbackRecord;
import io.modelmonitor.api.v1alpha1.RollbackSpec;
import io.modelmonitor.evaluation.Judgement;
import io.modelmonitor.rollback.DeploymentHistory;
import io.modelmonitor.rollback.RollbackPlanner;

/**
 * Carries out rollbacks: decides with {@link RollbackPlanner}, writes the intent on the Deployment, restores the
 * pod template like {@code kubectl rollout undo} (with the current collector in it), follows the rollout to its
 * end, and reports every step in status, Events and alerts.
 */
final class RollbackCoordinator {

    private static final Logger LOG = Logger.getLogger(RollbackCoordinator.class);
    static final int MAX_BREACHED_HASHES = 20;

    private final KubernetesClient client;
    private final EventRecorder events;
    private final AlertSender alerts;
    private final OperatorConfig config;
    private final OperatorMetrics metrics;

    RollbackCoordinator(KubernetesClient client, EventRecorder events, AlertSender alerts, OperatorConfig config,
            OperatorMetrics metrics) {
        this.client = client;
        this.events = events;
        this.alerts = alerts;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Follows a rollback in flight (also one an earlier operator process started). Returns true while one is in
     * flight, in which case nothing else should be judged this round.
     */
    boolean followInFlight(ModelMonitor monitor, Deployment target, MonitorState state) {
        ModelMonitorStatus status = state.status();
        Optional<RollbackRecord> intent = intent(target);
        DeploymentHistory history = DeploymentHistory.of(client, target);
        Optional<RollbackPlanner.Revision> current = history.current();
        if (intent.isEmpty()) {
            noticeNewRevision(monitor, state, current);
            return false;
        }
        RollbackRecord record = intent.get();
        if (status.getLastRollback() == null || !record.getTime().equals(status.getLastRollback().getTime())) {
            // Decided by an earlier operator process that stopped before it could say so: say it now, once.
            status.setLastRollback(record);
            announceTriggered(monitor, record);
        }
        Optional<PodTemplateSpec> restored = history.template(record.getToTemplateHash());
        if (restored.isEmpty()) {
            fail(monitor, state, target, "the ReplicaSet of revision " + record.getToRevision() + " is gone");
            return false;
        }
        PodTemplateSpec desired = withCurrentCollector(monitor, restored.get(), target);
        if (!Serialization.asJson(desired).equals(Serialization.asJson(target.getSpec().getTemplate()))) {
            try {
                client.apps().deployments().inNamespace(target.getMetadata().getNamespace())
                        .withName(target.getMetadata().getName()).edit(d -> {
                            d.getSpec().setTemplate(desired);
                            return d;
                        });
            } catch (KubernetesClientException e) {
                fail(monitor, state, target, "patching the Deployment failed: HTTP " + e.getCode());
                return true;
            }
        }
        boolean done = current.map(r -> r.templateHash().equals(record.getToTemplateHash())).orElse(false)
                && CollectorReadiness.of(target).allReady();
        if (!done) {
            status.setPhase(Phase.RollingBack);
            state.condition(StatusConditions.ROLLED_BACK, false, Reasons.ROLLBACK_IN_PROGRESS, "rolling back from revision "
                    + record.getFromRevision() + " to " + record.getToRevision() + ": " + record.getReason());
            return true;
        }
        clearIntent(target);
        String message = "rolled back from revision " + record.getFromRevision() + " to " + record.getToRevision()
                + " (now revision " + current.get().number() + "): " + record.getReason();
        state.condition(StatusConditions.ROLLED_BACK, true, Reasons.ROLLBACK_SUCCEEDED, message);
        status.setPhase(Phase.RolledBack);
        events.normal(monitor, Reasons.ROLLBACK_SUCCEEDED, message);
        metrics.rollback(monitor, "succeeded");
        alerts.send(monitor, alert(AlertEvent.Kind.ROLLBACK_SUCCEEDED, monitor, Phase.RolledBack, record, message));
        return true;
    }

    /** A user deployed a new template after our rollback: that revision is judged afresh, rollbacks are possible again. */
    private void noticeNewRevision(ModelMonitor monitor, MonitorState state, Optional<RollbackPlanner.Revision> current) {
        RollbackRecord last = state.status().getLastRollback();
        if (last == null || current.isEmpty() || current.get().templateHash().equals(last.getToTemplateHash())
                || !StatusConditions.isTrue(state.status().getConditions(), StatusConditions.ROLLED_BACK)
                        && !StatusConditions.isTrue(state.status().getConditions(), StatusConditions.ROLLBACK_EXHAUSTED)) {
            return;
        }
        String message = "revision " + current.get().number() + " was deployed after the rollback to revision "
                + last.getToRevision() + "; it is evaluated afresh";
        state.condition(StatusConditions.ROLLED_BACK, false, Reasons.NEW_REVISION, message);
        state.condition(StatusConditions.ROLLBACK_EXHAUSTED, false, Reasons.NEW_REVISION, message);
    }

    /** The current revision's template hash, if its ReplicaSet is known. */
    Optional<String> currentTemplateHash(Deployment target) {
        return DeploymentHistory.of(client, target).current().map(RollbackPlanner.Revision::templateHash);
    }

    /** A breach was confirmed on the current revision: roll back, or say why not. */
    void onConfirmedBreach(ModelMonitor monitor, Deployment target, MonitorState state, Judgement breach, String breachMessage) {
        ModelMonitorStatus status = state.status();
        DeploymentHistory history = DeploymentHistory.of(client, target);
        Optional<RollbackPlanner.Revision> current = history.current();
        current.ifPresent(r -> markBreached(status, r.templateHash()));
        RollbackSpec spec = monitor.getSpec().getRollback();
        if (!Boolean.TRUE.equals(spec.getEnabled())) {
            state.defaultCondition(StatusConditions.ROLLED_BACK, false, Reasons.ALERT_ONLY, "rollback.enabled is false");
            return;
        }
        if (current.isEmpty()) {
            exhausted(monitor, state, breach, "the Deployment's current revision has no ReplicaSet yet");
            return;
        }
        RollbackRecord last = status.getLastRollback();
        // After a user deployed a new revision, the revision we restored is no longer "the restored one".
        boolean superseded = StatusConditions.find(status.getConditions(), StatusConditions.ROLLED_BACK)
                .map(c -> Reasons.NEW_REVISION.equals(c.getReason())).orElse(false);
        RollbackPlanner.History known = new RollbackPlanner.History(status.getLastKnownGoodTemplateHash(),
                new HashSet<>(status.getBreachedTemplateHashes() == null ? List.of() : status.getBreachedTemplateHashes()),
                last == null ? null : Instant.parse(last.getTime()),
                last == null || superseded ? null : last.getToTemplateHash());
        RollbackPlanner.Plan plan = RollbackPlanner.plan(spec.getTo(), Durations.parse(spec.getCooldown()), current.get(),
                history.revisions(), known, state.now());
        if (plan instanceof RollbackPlanner.Exhausted e) {
            exhausted(monitor, state, breach, e.why());
        } else if (plan instanceof RollbackPlanner.CoolingDown c) {
            state.condition(StatusConditions.DEGRADED, true, Reasons.OBJECTIVE_BREACHED, breachMessage
                    + "; no rollback before " + c.until().truncatedTo(ChronoUnit.SECONDS) + " (rollback.cooldown)");
        } else if (plan instanceof RollbackPlanner.RollTo r) {
            start(monitor, target, state, breach, r);
        }
    }

    private void start(ModelMonitor monitor, Deployment target, MonitorState state, Judgement breach,
            RollbackPlanner.RollTo plan) {
        RollbackRecord record = new RollbackRecord();
        record.setTime(state.now().truncatedTo(ChronoUnit.SECONDS).toString());
        record.setFromRevision(plan.from().number());
        record.setToRevision(plan.to().number());
        record.setFromTemplateHash(plan.from().templateHash());
        record.setToTemplateHash(plan.to().templateHash());
        record.setObjective(breach.objective().metric());
        record.setValue(breach.value() == null ? null : StatusMapper.round(breach.value()));
        record.setBound(breach.objective().bound());
        record.setReason(breach.reason());
        try {
            // The intent first: if this process dies before the template patch, the next one completes it.
            client.apps().deployments().inNamespace(target.getMetadata().getNamespace())
                    .withName(target.getMetadata().getName()).edit(d -> {
                        if (d.getMetadata().getAnnotations() == null) {
                            d.getMetadata().setAnnotations(new LinkedHashMap<>());
                        }
                        d.getMetadata().getAnnotations().put(Annotations.ROLLBACK_INTENT, Serialization.asJson(record));
                        return d;
                    });
        } catch (KubernetesClientException e) {
            fail(monitor, state, target, "recording the rollback on the Deployment failed: HTTP " + e.getCode());
            return;
        }
        state.status().setLastRollback(record);
        announceTriggered(monitor, record);
        Deployment latest = client.apps().deployments().inNamespace(target.getMetadata().getNamespace())
                .withName(target.getMetadata().getName()).get();
        followInFlight(monitor, latest, state);
    }

    private void announceTriggered(ModelMonitor monitor, RollbackRecord record) {
        String message = "rolling back from revision " + record.getFromRevision() + " to " + record.getToRevision()
                + ": " + record.getReason();
        LOG.infof("%s/%s: %s", monitor.getMetadata().getNamespace(), monitor.getMetadata().getName(), message);
        events.warning(monitor, Reasons.ROLLBACK_TRIGGERED, message);
        metrics.rollback(monitor, "triggered");
        alerts.send(monitor, alert(AlertEvent.Kind.ROLLBACK, monitor, Phase.RollingBack, record, message));
    }

    private void exhausted(ModelMonitor monitor, MonitorState state, Judgement breach, String why) {
        String message = "no rollback: " + why;
        if (state.notYet(StatusConditions.ROLLBACK_EXHAUSTED, Reasons.ROLLBACK_EXHAUSTED, message)) {
            events.warning(monitor, Reasons.ROLLBACK_EXHAUSTED, message);
            metrics.rollback(monitor, "exhausted");
            alerts.send(monitor, AlertEvent.of(AlertEvent.Kind.ROLLBACK_EXHAUSTED, monitor.getMetadata().getName(),
                    monitor.getMetadata().getNamespace(), state.now()).phase(Phase.Breached.name())
                    .objective(breach.objective().metric().name(), breach.value(), breach.objective().bound())
                    .fromRevision(state.status().getTargetRevision()).message(message).build());
        }
        state.condition(StatusConditions.ROLLBACK_EXHAUSTED, true, Reasons.ROLLBACK_EXHAUSTED, message);
    }

    private void fail(ModelMonitor monitor, MonitorState state, Deployment target, String why) {
        String message = "rollback of Deployment " + target.getMetadata().getName() + " failed: " + why;
        if (state.notYet(StatusConditions.ROLLED_BACK, Reasons.ROLLBACK_FAILED, message)) {
            events.warning(monitor, Reasons.ROLLBACK_FAILED, message);
            metrics.rollback(monitor, "failed");
            alerts.send(monitor, alert(AlertEvent.Kind.ROLLBACK_FAILED, monitor, Phase.Breached,
                    state.status().getLastRollback(), message));
        }
        state.condition(StatusConditions.ROLLED_BACK, false, Reasons.ROLLBACK_FAILED, message);
        state.status().setPhase(Phase.Breached);
    }

    /**
     * The restored template with the current collector. The ReplicaSet's template comes back from the server with
     * its defaults filled in, and so does the collector once it is in the Deployment: when the target already runs
     * this very collector configuration, its stored copy is used, so that the restored template, once applied,
     * compares equal and is not patched again at every poll (it was, on a real cluster, with the collector as
     * the operator builds it).
     */
    private PodTemplateSpec withCurrentCollector(ModelMonitor monitor, PodTemplateSpec template, Deployment target) {
        Deployment scratch = new Deployment();
        scratch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        scratch.setSpec(new io.fabric8.kubernetes.api.model.apps.DeploymentSpec());
        scratch.getSpec().setTemplate(template);
        Container collector = CollectorSidecar.desiredContainer(monitor, config.collector());
        String hash = CollectorSidecar.configHash(collector);
        if (hash.equals(CollectorSidecar.injectedHash(target))) {
            collector = CollectorSidecar.injected(target).orElse(collector);
        }
        CollectorSidecar.inject(scratch, collector, hash, monitor.getMetadata().getName());
        return scratch.getSpec().getTemplate();
    }

    private static Optional<RollbackRecord> intent(Deployment target) {
        Map<String, String> annotations = target.getMetadata().getAnnotations();
        String json = annotations == null ? null : annotations.get(Annotations.ROLLBACK_INTENT);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Serialization.unmarshal(json, RollbackRecord.class));
        } catch (RuntimeException e) {
            LOG.warnf("ignoring unreadable %s on Deployment %s", Annotations.ROLLBACK_INTENT, target.getMetadata().getName());
            return Optional.empty();
        }
    }

    private void clearIntent(Deployment target) {
        client.apps().deployments().inNamespace(target.getMetadata().getNamespace()).withName(target.getMetadata().getName())
                .edit(d -> {
                    if (d.getMetadata().getAnnotations() != null) {
                        d.getMetadata().getAnnotations().remove(Annotations.ROLLBACK_INTENT);
                    }
                    return d;
                });
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

    static AlertEvent alert(AlertEvent.Kind kind, ModelMonitor monitor, Phase phase, RollbackRecord record, String message) {
        AlertEvent.Builder event = AlertEvent.of(kind, monitor.getMetadata().getName(), monitor.getMetadata().getNamespace(),
                Instant.now()).phase(phase.name()).message(message);
        if (record != null) {
            event.objective(record.getObjective() == null ? null : record.getObjective().name(), record.getValue(),
                    record.getBound()).fromRevision(record.getFromRevision()).toRevision(record.getToRevision());
        }
        return event.build();
    }
}

package io.modelmonitor.operator;

import java.time.temporal.ChronoUnit;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelmonitor.alerting.AlertEvent;
import io.modelmonitor.alerting.AlertSender;
import io.modelmonitor.api.v1alpha1.DriftBaseline;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Judgement;

/** Turns an evaluation into the phase, the Degraded condition, the known-good record, Events, alerts and rollbacks. */
final class Verdicts {

    private final EventRecorder events;
    private final AlertSender alerts;
    private final RollbackCoordinator rollbacks;

    Verdicts(EventRecorder events, AlertSender alerts, RollbackCoordinator rollbacks) {
        this.events = events;
        this.alerts = alerts;
        this.rollbacks = rollbacks;
    }

    void apply(ModelMonitor monitor, Deployment target, MonitorState state, MonitorEvaluator.Outcome outcome,
            String revision) {
        ModelMonitorStatus status = state.status();
        Evaluation evaluation = outcome.evaluation();
        int needed = monitor.getSpec().getEvaluation().getConsecutiveBreaches();
        var breach = evaluation.confirmedBreach(needed);
        if (breach.isPresent()) {
            Judgement j = breach.get();
            String message = j.reason() + " for " + needed + " evaluations in a row";
            if (!StatusConditions.isTrue(status.getConditions(), StatusConditions.DEGRADED)) {
                events.warning(monitor, Reasons.OBJECTIVE_BREACHED, message);
                alerts.send(monitor, AlertEvent.of(AlertEvent.Kind.BREACH, monitor.getMetadata().getName(),
                        monitor.getMetadata().getNamespace(), state.now()).phase(Phase.Breached.name())
                        .objective(j.objective().metric().name(), j.value(), j.objective().bound())
                        .fromRevision(status.getTargetRevision()).message(message).build());
            }
            state.condition(StatusConditions.DEGRADED, true, Reasons.OBJECTIVE_BREACHED, message);
            status.setPhase(Phase.Breached);
            rollbacks.onConfirmedBreach(monitor, target, state, j, message);
            return;
        }
        boolean wasRolledBack = status.getPhase() == Phase.RolledBack;
        boolean wasDegraded = StatusConditions.isTrue(status.getConditions(), StatusConditions.DEGRADED);
        state.condition(StatusConditions.DEGRADED, false, Reasons.NO_BREACH, "no objective is breached");
        if (!outcome.hasData()) {
            status.setPhase(wasRolledBack ? Phase.RolledBack : Phase.Collecting);
            return;
        }
        if (evaluation.healthyApartFromDrift()) {
            if (wasDegraded || wasRolledBack) {
                String message = "every objective is met again on revision " + revision;
                events.normal(monitor, Reasons.RECOVERED, message);
                alerts.send(monitor, AlertEvent.of(AlertEvent.Kind.RECOVERY, monitor.getMetadata().getName(),
                        monitor.getMetadata().getNamespace(), state.now()).phase(Phase.Healthy.name())
                        .toRevision(status.getTargetRevision()).message(message).build());
            }
            if (revision != null) {
                status.setLastKnownGoodRevision(Long.valueOf(revision));
            }
            rollbacks.currentTemplateHash(target).ifPresent(hash -> knownGood(status, hash));
            recordBaseline(status, outcome, revision, state);
            status.setPhase(Phase.Healthy);
            return;
        }
        status.setPhase(wasRolledBack ? Phase.RolledBack : Phase.InsufficientData);
    }

    /**
     * Records the template seen Healthy as the known-good one. Healthy after an earlier breach of its own (one no
     * rollback followed, e.g. none was possible yet), the later verdict is the one that holds: otherwise the
     * known-good revision would be one that rollbacks refuse to restore.
     */
    static void knownGood(ModelMonitorStatus status, String templateHash) {
        status.setLastKnownGoodTemplateHash(templateHash);
        if (status.getBreachedTemplateHashes() != null && status.getBreachedTemplateHashes().contains(templateHash)) {
            status.setBreachedTemplateHashes(status.getBreachedTemplateHashes().stream()
                    .filter(h -> !h.equals(templateHash)).toList());
        }
    }

    /** Once per revision: later windows of the same revision are compared with its first healthy one. */
    private static void recordBaseline(ModelMonitorStatus status, MonitorEvaluator.Outcome outcome, String revision,
            MonitorState state) {
        DriftBaseline current = status.getDriftBaseline();
        if (current != null && revision != null && Long.valueOf(revision).equals(current.getRevision())) {
            return;
        }
        DriftBaseline baseline = new DriftBaseline();
        baseline.setRevision(revision == null ? null : Long.valueOf(revision));
        baseline.setRecordedAt(state.now().truncatedTo(ChronoUnit.SECONDS).toString());
        baseline.setPredictions(new java.util.TreeMap<>(outcome.counts().predictedClasses()));
        if (!baseline.getPredictions().isEmpty()) {
            status.setDriftBaseline(baseline);
        }
    }
}

package io.modelmonitor.operator;

import java.time.temporal.ChronoUnit;

import io.modelmonitor.api.v1alpha1.DriftBaseline;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Judgement;

/** Turns an evaluation into the phase, the Degraded condition, the known-good record and Events. */
final class Verdicts {

    private final EventRecorder events;

    Verdicts(EventRecorder events) {
        this.events = events;
    }

    void apply(ModelMonitor monitor, MonitorState state, MonitorEvaluator.Outcome outcome, String revision) {
        ModelMonitorStatus status = state.status();
        Evaluation evaluation = outcome.evaluation();
        int needed = monitor.getSpec().getEvaluation().getConsecutiveBreaches();
        var breach = evaluation.confirmedBreach(needed);
        if (breach.isPresent()) {
            Judgement j = breach.get();
            String message = j.reason() + " for " + needed + " evaluations in a row";
            if (state.notYet(StatusConditions.DEGRADED, Reasons.OBJECTIVE_BREACHED, message)
                    && !StatusConditions.isTrue(status.getConditions(), StatusConditions.DEGRADED)) {
                events.warning(monitor, Reasons.OBJECTIVE_BREACHED, message);
            }
            state.condition(StatusConditions.DEGRADED, true, Reasons.OBJECTIVE_BREACHED, message);
            status.setPhase(Phase.Breached);
            return;
        }
        boolean wasDegraded = StatusConditions.isTrue(status.getConditions(), StatusConditions.DEGRADED);
        state.condition(StatusConditions.DEGRADED, false, Reasons.NO_BREACH, "no objective is breached");
        if (!outcome.hasData()) {
            status.setPhase(Phase.Collecting);
            return;
        }
        if (evaluation.healthyApartFromDrift()) {
            if (wasDegraded) {
                events.normal(monitor, Reasons.RECOVERED, "every objective is met again");
            }
            if (revision != null) {
                status.setLastKnownGoodRevision(Long.valueOf(revision));
            }
            recordBaseline(status, outcome, revision, state);
        }
        status.setPhase(evaluation.verdict() == Evaluation.Verdict.HEALTHY ? Phase.Healthy : Phase.InsufficientData);
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

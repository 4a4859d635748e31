package io.modelmonitor.operator.judgement;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusAggregator;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.operator.target.Target;

/** The evaluation step of a reconcile: reads the metrics when an interval is due, judges them and acts on it. */
public final class ScheduledEvaluation {

    private final MonitorEvaluator evaluator;
    private final EvaluationConsequences verdicts;

    public ScheduledEvaluation(MonitorEvaluator evaluator, EvaluationConsequences verdicts) {
        this.evaluator = evaluator;
        this.verdicts = verdicts;
    }

    /** Evaluates when an interval has passed since the last evaluation (or the spec changed); returns the wait. */
    public Duration evaluateWhenDue(ModelMonitor monitor, Target target, StatusAggregator state) {
        ModelMonitorStatus status = state.status();
        Duration interval = Durations.parse(monitor.getSpec().getEvaluation().getInterval());
        boolean specChanged = monitor.getStatus() == null
                || !Objects.equals(monitor.getStatus().getObservedGeneration(), monitor.getMetadata().getGeneration());
        if (status.getLastEvaluationTime() != null && !specChanged) {
            Instant due = Instant.parse(status.getLastEvaluationTime()).plus(interval);
            if (state.now().isBefore(due)) {
                return Duration.between(state.now(), due);
            }
        }
        String revision = target.revision().map(String::valueOf).orElse(null);
        MonitorEvaluator.Outcome outcome = evaluator.evaluate(monitor, target, revision, state.now());
        status.setTargetRevision(revision == null ? null : Long.valueOf(revision));
        status.setTargetRevisionSince(outcome.revisionSince().toString());
        status.setMetrics(StatusMapper.metrics(outcome.metrics(), monitor.getSpec().getEvaluation().getWindow()));
        var previous = status.getObjectives();
        status.setObjectives(StatusMapper.objectives(outcome.evaluation()));
        status.setJudgedTemplateHash(outcome.judgedHash());
        status.setRevisions(StatusMapper.revisions(outcome.serving()));
        status.getCollectors().setReporting(outcome.reporting());
        if (outcome.sourceProblem() != null) {
            state.condition(StatusConditions.METRICS_AVAILABLE, false, Reason.METRICS_SOURCE_UNAVAILABLE, outcome.sourceProblem()
                    + "; objectives are InsufficientData, never Breached, until data comes back");
        } else {
            String message = "metrics read from " + outcome.source() + " (" + outcome.reporting() + " collectors)";
            if (outcome.warmingUp(state.now())) {
                message += "; revision " + revision + " warms up until " + outcome.judgedFrom().truncatedTo(ChronoUnit.SECONDS)
                        + " (evaluation.warmup): its traffic is judged from then";
            }
            state.condition(StatusConditions.METRICS_AVAILABLE, true, Reason.METRICS_READ, message);
        }
        status.setLastEvaluationTime(state.now().truncatedTo(ChronoUnit.SECONDS).toString());
        verdicts.budgets(monitor, state, previous);
        verdicts.reference(monitor, state, outcome.reference());
        verdicts.apply(monitor, target, state, outcome, revision);
        return interval;
    }

    /** Forgets a deleted monitor's windows. */
    public void forget(ModelMonitor monitor) {
        evaluator.forget(monitor);
    }
}

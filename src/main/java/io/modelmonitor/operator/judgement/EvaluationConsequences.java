package io.modelmonitor.operator.judgement;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

import io.modelmonitor.api.v1alpha1.ComparisonBaseline;
import io.modelmonitor.api.v1alpha1.DriftBaseline;
import io.modelmonitor.api.v1alpha1.ErrorCounts;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.Severity;
import io.modelmonitor.evaluation.ErrorBudget;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Judgement;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.operator.source.ReferenceProfiles;
import io.modelmonitor.operator.status.Announcer;
import io.modelmonitor.operator.status.OperatorMetrics;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusAggregator;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.operator.target.Target;

/** Turns an evaluation into the phase, the Degraded condition, the known-good record, Events, alerts and rollbacks. */
public final class EvaluationConsequences {

    private final Announcer announcer;
    private final RollbackCoordinator rollbacks;
    private final OperatorMetrics metrics;

    public EvaluationConsequences(Announcer announcer, RollbackCoordinator rollbacks, OperatorMetrics metrics) {
        this.announcer = announcer;
        this.rollbacks = rollbacks;
        this.metrics = metrics;
    }

    /**
     * The reference's condition, when the spec names one: a reference that cannot be used is said once as a Warning
     * Event and stays in the condition until it can; the objectives that need it wait meanwhile, naming it too.
     */
    public void reference(ModelMonitor monitor, StatusAggregator state, ReferenceProfiles.Loaded reference) {
        if (monitor.getSpec().getReference() == null) {
            return;
        }
        if (reference.problem() != null) {
            if (state.notYet(StatusConditions.REFERENCE_READY, Reason.REFERENCE_UNAVAILABLE, reference.problem())) {
                announcer.announce(monitor, Reason.REFERENCE_UNAVAILABLE, reference.problem(), state, alert -> alert);
            }
            state.condition(StatusConditions.REFERENCE_READY, false, Reason.REFERENCE_UNAVAILABLE, reference.problem());
        } else if (reference.profile() != null) {
            var profile = reference.profile();
            state.condition(StatusConditions.REFERENCE_READY, true, Reason.REFERENCE_READ, "reference ConfigMap "
                    + monitor.getSpec().getReference().getConfigMap() + ": " + profile.features().size() + " features"
                    + (profile.scores() == null ? "" : " and scores by label") + " from " + profile.rows() + " rows");
        }
    }

    /**
     * Carries each objective's error budget into this evaluation's status, announces a burn that starts, changes
     * between ticket and page, or stops, and updates the budget series.
     */
    public void budgets(ModelMonitor monitor, StatusAggregator state, List<ObjectiveStatus> previous) {
        var changes = ErrorBudgets.update(monitor, previous, state.status().getObjectives(), state.now());
        metrics.budgets(monitor, state.status().getObjectives());
        for (ErrorBudgets.Change c : changes) {
            var o = c.objective();
            String objective = Objective.key(o);
            var b = o.getBudget();
            String figures = String.format(Locale.ROOT, "burn rate 1h %.1f, 6h %.1f, 3d %.1f; %.0f%% of the "
                    + "%d-day budget left (target %s)", b.getBurnRates().get("1h"), b.getBurnRates().get("6h"),
                    b.getBurnRates().get("3d"), b.getRemaining() * 100, b.getPeriodDays(), b.getTarget());
            if (c.to() == ErrorBudget.Alert.None) {
                announcer.announce(monitor, Reason.BUDGET_RECOVERED, "the error budget of " + objective
                        + " no longer burns fast enough to alert: " + figures, state, alert -> alert
                        .objective(objective, b.getRemaining(), b.getTarget()).severity(severity(c.from())));
            } else {
                announcer.announce(monitor, Reason.BUDGET_BURNING, "the error budget of " + objective + " burns fast "
                        + "enough to " + (c.to() == ErrorBudget.Alert.Page ? "page" : "make a ticket") + ": " + figures,
                        state, alert -> alert.objective(objective, b.getRemaining(), b.getTarget())
                                .severity(severity(c.to())).runbook(runbook(monitor, o)));
            }
        }
    }

    private static Severity severity(ErrorBudget.Alert alert) {
        return alert == ErrorBudget.Alert.Page ? Severity.critical : Severity.warning;
    }

    private static String runbook(ModelMonitor monitor, ObjectiveStatus o) {
        return monitor.getSpec().objective(o.getMetric(), o.getMin() != null, o.getCompareTo() != null)
                .map(ObjectiveSpec::getRunbookUrl).orElse(null);
    }

    public void apply(ModelMonitor monitor, Target target, StatusAggregator state, MonitorEvaluator.Outcome outcome,
            String revision) {
        ModelMonitorStatus status = state.status();
        Evaluation evaluation = outcome.evaluation();
        int needed = monitor.getSpec().getEvaluation().getConsecutiveBreaches();
        var breach = evaluation.confirmedBreach(needed);
        if (breach.isPresent()) {
            Judgement j = breach.get();
            String cost = costOf(j, outcome);
            String message = j.reason() + " for " + needed + " evaluations in a row" + (cost == null ? "" : "; " + cost);
            if (!StatusConditions.isTrue(status.getConditions(), StatusConditions.DEGRADED)) {
                var spec = monitor.getSpec().objective(j.objective().metric(), j.objective().min() != null,
                        j.objective().comparison());
                announcer.announce(monitor, Reason.OBJECTIVE_BREACHED, message, state, alert -> alert
                        .phase(Phase.Breached.name())
                        .objective(j.objective().metric().name(), j.value(), j.objective().bound())
                        .fromRevision(status.getTargetRevision())
                        .severity(spec.map(ObjectiveSpec::severityOrDefault).orElse(Severity.critical))
                        .runbook(spec.map(ObjectiveSpec::getRunbookUrl).orElse(null)));
            }
            state.condition(StatusConditions.DEGRADED, true, Reason.OBJECTIVE_BREACHED, message);
            status.setPhase(Phase.Breached);
            rollbacks.onConfirmedBreach(monitor, target, state, j, message, cost);
            return;
        }
        boolean wasRolledBack = status.getPhase() == Phase.RolledBack;
        boolean wasDegraded = StatusConditions.isTrue(status.getConditions(), StatusConditions.DEGRADED);
        state.condition(StatusConditions.DEGRADED, false, Reason.NO_BREACH, "no objective is breached");
        if (!outcome.hasData()) {
            status.setPhase(wasRolledBack ? Phase.RolledBack : Phase.Collecting);
            return;
        }
        if (evaluation.healthy(status.getDriftBaseline() != null)) {
            if (wasDegraded || wasRolledBack) {
                String message = "every objective is met again on revision " + revision;
                announcer.announce(monitor, Reason.RECOVERED, message, state, alert -> alert
                        .phase(Phase.Healthy.name()).toRevision(status.getTargetRevision()));
            }
            if (revision != null) {
                status.setLastKnownGoodRevision(Long.valueOf(revision));
            }
            target.currentRevisionHash().ifPresent(hash -> knownGood(status, hash));
            recordBaseline(status, outcome, revision, state);
            recordComparisonBaseline(status, outcome, revision, state);
            status.setPhase(Phase.Healthy);
            return;
        }
        status.setPhase(wasRolledBack ? Phase.RolledBack : evaluation.anyBreached() ? Phase.Breaching : Phase.InsufficientData);
    }

    /**
     * What the breach costs, in the business's unit, when spec.costs prices the model's mistakes: said in the Event,
     * the alert and the rollback record, unless the breached objective is the cost itself (its reason says it); null
     * when there is nothing to say.
     */
    static String costOf(Judgement j, MonitorEvaluator.Outcome outcome) {
        var cost = outcome.metrics() == null ? null : outcome.metrics().cost();
        if (cost == null || cost.best() == null || j.objective().metric() == MetricName.expectedCost) {
            return null;
        }
        var e = cost.best();
        Double perHour = cost.perHour();
        return (cost.realised() == null ? "estimated from the scores (no labels yet), " : "") + "its mistakes cost "
                + money(e.value()) + " " + cost.costs().unit() + " per 1,000 predictions [" + money(e.lower()) + ", "
                + money(e.upper()) + "]" + (perHour == null ? ""
                        : ", about " + money(perHour) + " " + cost.costs().unit() + " per hour at the current traffic");
    }

    /** An amount as people read one: whole units from 100 up (with thousands separated), else 3 significant digits. */
    static String money(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /**
     * Records the template seen Healthy as the known-good one. Healthy after an earlier breach of its own (one no
     * rollback followed, e.g. none was possible yet), the later verdict is the one that holds: otherwise the
     * known-good revision would be one that rollbacks refuse to restore.
     */
    public static void knownGood(ModelMonitorStatus status, String templateHash) {
        status.setLastKnownGoodTemplateHash(templateHash);
        if (status.getBreachedTemplateHashes() != null && status.getBreachedTemplateHashes().contains(templateHash)) {
            status.setBreachedTemplateHashes(status.getBreachedTemplateHashes().stream()
                    .filter(h -> !h.equals(templateHash)).toList());
        }
    }

    /** How many Healthy revisions status keeps the figures of: the judged one and the one before it. */
    static final int HEALTHY_REVISIONS_KEPT = 2;

    /**
     * Keeps the figures comparison objectives judge the next revision against once this one's pods are gone: its
     * window at the last evaluation it was Healthy in, first in the list, which keeps one other revision.
     */
    private static void recordComparisonBaseline(ModelMonitorStatus status, MonitorEvaluator.Outcome outcome,
            String revision, StatusAggregator state) {
        var figures = StatusMapper.comparable(outcome.metrics());
        if (outcome.judgedHash() == null || figures.isEmpty()) {
            return;
        }
        var record = new ComparisonBaseline();
        record.setRevision(revision == null ? null : Long.valueOf(revision));
        record.setPodTemplateHash(outcome.judgedHash());
        record.setRecordedAt(state.now().truncatedTo(ChronoUnit.SECONDS).toString());
        record.setFigures(figures);
        long[] latency = outcome.metrics().latencyBuckets();
        record.setLatencyBuckets(latency == null || Arrays.stream(latency).sum() == 0 ? null
                : Arrays.stream(latency).boxed().toList());
        var errors = outcome.metrics().errors();
        record.setErrors(errors == null ? null
                : new ErrorCounts(errors.falsePositives(), errors.falseNegatives(), errors.labels()));
        List<ComparisonBaseline> kept = new ArrayList<>();
        kept.add(record);
        if (status.getHealthyRevisions() != null) {
            status.getHealthyRevisions().stream().filter(r -> !outcome.judgedHash().equals(r.getPodTemplateHash()))
                    .limit(HEALTHY_REVISIONS_KEPT - 1).forEach(kept::add);
        }
        status.setHealthyRevisions(kept);
    }

    /**
     * The baseline is the last known-good revision's distribution: recorded when a revision is first seen Healthy
     * (which, once a baseline exists, includes its drift Met against the previous one), with its n.
     */
    private static void recordBaseline(ModelMonitorStatus status, MonitorEvaluator.Outcome outcome, String revision,
            StatusAggregator state) {
        DriftBaseline current = status.getDriftBaseline();
        if (current != null && revision != null && Long.valueOf(revision).equals(current.getRevision())) {
            return;
        }
        DriftBaseline baseline = new DriftBaseline();
        baseline.setRevision(revision == null ? null : Long.valueOf(revision));
        baseline.setRecordedAt(state.now().truncatedTo(ChronoUnit.SECONDS).toString());
        baseline.setPredictions(new TreeMap<>(outcome.counts().predictedClasses()));
        if (!baseline.getPredictions().isEmpty()) {
            status.setDriftBaseline(baseline);
        }
    }
}

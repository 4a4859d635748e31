package io.modelmonitor.evaluation;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.modelmonitor.metrics.WindowMetrics;

/**
 * One evaluation of a monitor: every objective judged, and the streak of consecutive Breached judgements per
 * objective. A streak grows only on Breached and starts over on anything else, so an InsufficientData
 * evaluation between two breaches does not let them add up. The monitor is breached when some objective's streak
 * reaches {@code consecutiveBreaches}.
 */
public record Evaluation(List<Judgement> judgements, List<Integer> streaks, Verdict verdict) {

    public enum Verdict {
        /** Every objective is Met. */
        HEALTHY,
        /** Nothing confirmed breached, but something is not decided yet. */
        INSUFFICIENT_DATA,
        /** Some objective has been Breached for consecutiveBreaches evaluations in a row. */
        BREACHED
    }

    public record Rules(long minSamples, double confidence, int consecutiveBreaches) {
    }

    /**
     * @param previousStreaks the streaks from the previous evaluation, by objective (e.g. "accuracy/min"); missing
     *     ones start at 0, so a restarted operator that restores them from status loses nothing
     */
    public static Evaluation of(List<Objective> objectives, WindowMetrics metrics, Rules rules,
            Map<String, Integer> previousStreaks) {
        return of(objectives, metrics, null, rules, previousStreaks);
    }

    /** As above, comparison objectives judged against {@code baseline} (null: none). */
    public static Evaluation of(List<Objective> objectives, WindowMetrics metrics, Baseline baseline, Rules rules,
            Map<String, Integer> previousStreaks) {
        List<Judgement> judgements = new ArrayList<>();
        List<Integer> streaks = new ArrayList<>();
        boolean breached = false;
        boolean allMet = true;
        for (Objective objective : objectives) {
            Judgement j = ObjectiveJudge.judge(objective, metrics, baseline, rules.minSamples(), rules.confidence());
            int streak = j.state() == ObjectiveState.Breached ? previousStreaks.getOrDefault(objective.key(), 0) + 1 : 0;
            judgements.add(j);
            streaks.add(streak);
            // A dry-run objective is judged and its streak kept, but it decides nothing.
            breached |= objective.enforce() && streak >= rules.consecutiveBreaches();
            allMet &= !objective.enforce() || j.state() == ObjectiveState.Met;
        }
        Verdict verdict = breached ? Verdict.BREACHED : allMet ? Verdict.HEALTHY : Verdict.INSUFFICIENT_DATA;
        return new Evaluation(judgements, streaks, verdict);
    }

    /** The first objective whose breach is confirmed, if any. */
    public Optional<Judgement> confirmedBreach(int consecutiveBreaches) {
        for (int i = 0; i < judgements.size(); i++) {
            if (judgements.get(i).objective().enforce() && streaks.get(i) >= consecutiveBreaches) {
                return Optional.of(judgements.get(i));
            }
        }
        return Optional.empty();
    }

    /** Some enforced objective is Breached in this evaluation, whether or not its breach is confirmed yet. */
    public boolean anyBreached() {
        return judgements.stream().anyMatch(j -> j.objective().enforce() && j.state() == ObjectiveState.Breached);
    }

    /**
     * Healthy: every enforced objective is Met. Dry-run objectives (enforce false) are not enforced, nor is
     * prediction drift while no baseline exists: the baseline is the distribution of the last revision seen Healthy, so before the first one
     * there is nothing to compare with, and drift cannot be a precondition of its own baseline.
     */
    public boolean healthy(boolean driftBaselineExists) {
        return judgements.stream().filter(j -> j.objective().enforce()).allMatch(j -> j.state() == ObjectiveState.Met
                || (!driftBaselineExists && j.objective().metric() == MetricName.predictionDrift
                        && j.state() == ObjectiveState.InsufficientData));
    }

}

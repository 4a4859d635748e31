package io.modelmonitor.evaluation;

import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.metrics.Fairness;
import io.modelmonitor.metrics.GenerationMetrics;
import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * Judges a generative model's objectives like any other, by where the interval lies, each on its own sample:
 * streamed answers for time to first token and between tokens, answered requests for the output rate, answers
 * with a finish reason for truncation, feedback items for acceptance and score. Too few of them is
 * InsufficientData, never a breach: a model nobody has rated yet cannot be rolled back for its ratings.
 */
final class GenerationJudge {

    private GenerationJudge() {
    }

    static Judgement judge(Objective objective, GenerationMetrics g, long minSamples, double confidence) {
        if (g == null) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null, "no generation in the window (the "
                    + "collectors read answers of protocol openai or oip-generate, task generation)");
        }
        Estimate estimate;
        long samples;
        String unit;
        switch (objective.metric()) {
            case ttftP50Ms -> { estimate = g.ttftP50Ms(); samples = g.streamed(); unit = "streamed answers"; }
            case ttftP95Ms -> { estimate = g.ttftP95Ms(); samples = g.streamed(); unit = "streamed answers"; }
            case ttftP99Ms -> { estimate = g.ttftP99Ms(); samples = g.streamed(); unit = "streamed answers"; }
            case interTokenLatencyP50Ms -> { estimate = g.interTokenP50Ms(); samples = g.streamed(); unit = "streamed answers"; }
            case interTokenLatencyP99Ms -> { estimate = g.interTokenP99Ms(); samples = g.streamed(); unit = "streamed answers"; }
            case outputTokensPerSecond -> {
                estimate = g.outputTokensPerSecond();
                samples = estimate == null ? 0 : estimate.n();
                unit = "answers with output tokens";
            }
            case truncationRate -> { estimate = g.truncationRate(); samples = g.finished(); unit = "finished answers"; }
            case acceptanceRate -> { estimate = g.acceptanceRate(); samples = g.judged(); unit = "accept or reject feedback items"; }
            case meanScore -> {
                estimate = g.meanScore();
                samples = estimate == null ? 0 : estimate.n();
                unit = "scored feedback items";
            }
            case acceptanceRateGap -> {
                return judgeGap(objective, g.acceptanceGap(), minSamples, confidence);
            }
            default -> throw new IllegalArgumentException(objective.metric() + " is not a generation metric");
        }
        if (samples < minSamples) {
            return new Judgement(objective, ObjectiveState.InsufficientData,
                    estimate == null || Double.isNaN(estimate.value()) ? null : estimate,
                    samples + " of the " + minSamples + " " + unit + " needed in the window");
        }
        if (estimate == null || Double.isNaN(estimate.value())) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null, "no data for " + objective.metric()
                    + " in the window");
        }
        return ObjectiveJudge.judgeEstimate(objective, estimate, confidence);
    }

    private static Judgement judgeGap(Objective objective, Fairness.Comparison c, long minSamples, double confidence) {
        if (c == null || c.estimate() == null || Double.isNaN(c.estimate().value())) {
            String shortOf = c == null || c.insufficient().isEmpty() ? ""
                    : " (short of " + minSamples + ": " + String.join(", ", c.insufficient()) + ")";
            return new Judgement(objective, ObjectiveState.InsufficientData, null,
                    "fewer than two segments have " + minSamples + " accept or reject feedback items" + shortOf);
        }
        Judgement j = ObjectiveJudge.judgeEstimate(objective, c.estimate(), confidence);
        String message = j.reason().replaceFirst("\\)", ") between " + c.first() + " and " + c.second());
        if (!c.insufficient().isEmpty()) {
            message += "; not judged for " + String.join(", ", c.insufficient()) + " (fewer than " + minSamples
                    + " feedback items)";
        }
        return new Judgement(objective, j.state(), j.estimate(), message);
    }
}

package io.modelmonitor.evaluation;

import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.MetricName;
import java.util.Locale;

import io.modelmonitor.metrics.ExpectedCost;
import io.modelmonitor.metrics.Fairness;
import io.modelmonitor.metrics.Intervals.Estimate;
import io.modelmonitor.metrics.WindowMetrics;

/**
 * Judges an objective by the confidence interval of its metric, not by the point: a {@code min} objective is
 * Breached only when the whole interval lies below the bound, Met when the whole interval lies at or above it,
 * and InsufficientData otherwise, or when the window has fewer than {@code minSamples} samples. InsufficientData
 * is never a breach: thin traffic or missing labels cannot roll a model back.
 */
public final class ObjectiveJudge {

    private ObjectiveJudge() {
    }

    public static Judgement judge(Objective objective, WindowMetrics m, long minSamples, double confidence) {
        return judge(objective, m, null, minSamples, confidence);
    }

    /** As {@link #judge(Objective, WindowMetrics, long, double)}, comparison objectives against {@code baseline}. */
    public static Judgement judge(Objective objective, WindowMetrics m, Baseline baseline, long minSamples,
            double confidence) {
        if (objective.comparison()) {
            return judgeComparison(objective, m, baseline, minSamples, confidence);
        }
        Estimate estimate;
        long samples;
        String unit;
        switch (objective.metric()) {
            case accuracy -> { estimate = m.accuracy(); samples = m.labels(); unit = "labels"; }
            case precision -> { estimate = m.precision(); samples = m.labels(); unit = "labels"; }
            case recall -> { estimate = m.recall(); samples = m.labels(); unit = "labels"; }
            case f1 -> { estimate = m.f1(); samples = m.labels(); unit = "labels"; }
            case segmentAccuracyGap, statisticalParityDifference, disparateImpactRatio, equalOpportunityDifference,
                    equalizedOddsDifference -> {
                return judgeFairness(objective, m, minSamples, confidence);
            }
            case featureDrift, missingRate, wrongTypeRate, outOfRangeRate, unseenCategoryRate -> {
                return InputJudge.judgeFeatures(objective, m.inputs(), minSamples, confidence);
            }
            case schemaViolationRate -> {
                estimate = m.inputs() == null ? null : m.inputs().schemaViolationRate();
                samples = m.inputs() == null ? 0 : m.inputs().requests();
                unit = "requests read for inputs";
            }
            case estimatedAccuracy, estimatedPrecision, estimatedRecall, estimatedF1, scoreDrift -> {
                return judgeEstimated(objective, m, minSamples, confidence);
            }
            case ttftP50Ms, ttftP95Ms, ttftP99Ms, interTokenLatencyP50Ms, interTokenLatencyP99Ms, outputTokensPerSecond,
                    truncationRate, acceptanceRate, meanScore, acceptanceRateGap -> {
                return GenerationJudge.judge(objective, m.generation(), minSamples, confidence);
            }
            case expectedCost -> {
                return judgeCost(objective, m, minSamples, confidence);
            }
            case mae -> { estimate = m.mae(); samples = m.labels(); unit = "labels"; }
            case rmse -> { estimate = m.rmse(); samples = m.labels(); unit = "labels"; }
            case errorRate -> { estimate = m.errorRate(); samples = m.requests(); unit = "requests"; }
            case latencyP50Ms -> { estimate = m.latencyP50Ms(); samples = m.requests(); unit = "requests"; }
            case latencyP95Ms -> { estimate = m.latencyP95Ms(); samples = m.requests(); unit = "requests"; }
            case latencyP99Ms -> { estimate = m.latencyP99Ms(); samples = m.requests(); unit = "requests"; }
            case throughputRps -> {
                estimate = Double.isNaN(m.throughputRps()) ? null : Estimate.point(m.throughputRps(), m.requests());
                samples = m.requests();
                unit = "requests";
            }
            case predictionDrift -> {
                estimate = m.predictionDrift();
                samples = m.predictions();
                unit = "predictions";
            }
            default -> throw new IllegalArgumentException("unknown metric " + objective.metric());
        }
        if (samples < minSamples) {
            return new Judgement(objective, ObjectiveState.InsufficientData, valid(estimate),
                    samples + " of the " + minSamples + " " + unit + " needed in the window");
        }
        if (estimate == null || Double.isNaN(estimate.value())) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null, missing(objective));
        }
        return judgeEstimate(objective, estimate, confidence);
    }

    /** Met, Breached or InsufficientData by where the interval lies against the bound. */
    static Judgement judgeEstimate(Objective objective, Estimate estimate, double confidence) {
        String interval = describe(objective, estimate);
        String level = Math.round(confidence * 1000) / 10.0 + "%";
        if (objective.min() != null) {
            if (estimate.upper() < objective.min()) {
                return new Judgement(objective, ObjectiveState.Breached, estimate,
                        interval + " lies below " + fmt(objective.min()) + " with " + level + " confidence");
            }
            if (estimate.lower() >= objective.min()) {
                return new Judgement(objective, ObjectiveState.Met, estimate,
                        interval + " lies at or above " + fmt(objective.min()));
            }
        } else {
            if (estimate.lower() > objective.max()) {
                return new Judgement(objective, ObjectiveState.Breached, estimate,
                        interval + " lies above " + fmt(objective.max()) + " with " + level + " confidence");
            }
            if (estimate.upper() <= objective.max()) {
                return new Judgement(objective, ObjectiveState.Met, estimate,
                        interval + " lies at or below " + fmt(objective.max()));
            }
        }
        return new Judgement(objective, ObjectiveState.InsufficientData, estimate,
                interval + " contains the bound " + fmt(objective.bound()) + ": not decided yet");
    }

    /**
     * Performance estimated from the model's scores, and the scores' drift: judged like any figure, unless the
     * estimate is not to be trusted (scores the labels show miscalibrated, inputs the reference never saw), which
     * holds it at InsufficientData with the reason: an estimate in doubt neither breaches nor clears a model.
     */
    private static Judgement judgeEstimated(Objective objective, WindowMetrics m, long minSamples, double confidence) {
        var e = m.estimated();
        if (e == null || e.scored() == 0) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null, "no scored prediction in the window "
                    + "(spec.model.scorePointer, or predictions that are vectors of two probabilities; the Prometheus "
                    + "source does not carry scores)");
        }
        Estimate estimate = switch (objective.metric()) {
            case estimatedAccuracy -> e.accuracy();
            case estimatedPrecision -> e.precision();
            case estimatedRecall -> e.recall();
            case estimatedF1 -> e.f1();
            default -> e.scoreDrift();
        };
        if (e.scored() < minSamples) {
            return new Judgement(objective, ObjectiveState.InsufficientData, valid(estimate),
                    e.scored() + " of the " + minSamples + " scored predictions needed in the window");
        }
        if (estimate == null || Double.isNaN(estimate.value())) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null, objective.metric() == MetricName.scoreDrift
                    ? "the reference profile has no scores (profile --score ... --label ...)"
                    : "no data for " + objective.metric() + " in the window");
        }
        if (objective.metric() != MetricName.scoreDrift && e.untrusted() != null) {
            return new Judgement(objective, ObjectiveState.InsufficientData, estimate, describe(objective, estimate)
                    + " is not to be trusted: " + e.untrusted());
        }
        Judgement j = judgeEstimate(objective, estimate, confidence);
        return e.calibrated() || objective.metric() == MetricName.scoreDrift ? j
                : new Judgement(objective, j.state(), j.estimate(), j.reason() + " (scores taken as calibrated: the "
                        + "reference profile has none)");
    }

    /**
     * A comparison across groups: judged like any objective on its simultaneous interval over the groups with
     * enough samples; a group short of them is named in the message (and listed in status), not judged. It does
     * not hold the verdict back: a group that stays small (requests without the header, say) would otherwise keep
     * the monitor from ever being Healthy, and a small group's gap cannot be judged either way.
     */
    private static Judgement judgeFairness(Objective objective, WindowMetrics m, long minSamples, double confidence) {
        var f = m.fairness();
        Fairness.Comparison c = f == null ? null : switch (objective.metric()) {
            case segmentAccuracyGap -> f.accuracyGap();
            case statisticalParityDifference -> f.statisticalParityDifference();
            case disparateImpactRatio -> f.disparateImpactRatio();
            case equalOpportunityDifference -> f.equalOpportunityDifference();
            default -> f.equalizedOddsDifference();
        };
        if (c == null || c.estimate() == null || Double.isNaN(c.estimate().value())) {
            String shortOf = c == null || c.insufficient().isEmpty() ? ""
                    : " (short of " + minSamples + ": " + String.join(", ", c.insufficient()) + ")";
            return new Judgement(objective, ObjectiveState.InsufficientData, null,
                    "fewer than two groups have " + minSamples + " " + fairnessUnit(objective) + shortOf);
        }
        Judgement j = judgeEstimate(objective, c.estimate(), confidence);
        String groups = " between " + c.first() + " and " + c.second();
        String message = j.reason().replaceFirst("\\)", ")" + groups);
        if (!c.insufficient().isEmpty()) {
            message += "; not judged for " + String.join(", ", c.insufficient()) + " (fewer than " + minSamples + " "
                    + fairnessUnit(objective) + ")";
        }
        return new Judgement(objective, j.state(), j.estimate(), message);
    }

    /**
     * The judged revision against its baseline by {@link RevisionComparison}. With no baseline there is nothing a
     * comparison could find: the judged revision is the baseline itself (or the first to be judged), so it is Met,
     * saying so, rather than holding the monitor from Healthy forever.
     */
    private static Judgement judgeComparison(Objective objective, WindowMetrics m, Baseline baseline, long minSamples,
            double confidence) {
        if (baseline == null || !baseline.present()) {
            return new Judgement(objective, ObjectiveState.Met, null, "nothing to compare with: "
                    + (baseline == null ? "no baseline" : baseline.absent()));
        }
        if (objective.metric() == MetricName.expectedCost) {
            return judgeCostComparison(objective, m, baseline, minSamples, confidence);
        }
        Double quantile = RevisionComparison.LATENCY.get(objective.metric());
        if (quantile != null) {
            long[] judged = objective.metric().isGeneration()
                    ? m.generation() == null ? null : m.generation().ttftBuckets() : m.latencyBuckets();
            RevisionComparison.Result r = RevisionComparison.judgeLatency(objective.metric().name(), quantile,
                    judged, baseline.histogram(objective.metric()), objective.margin(), confidence, minSamples);
            return new Judgement(objective, r.state(), r.difference(), r.reason() + " (baseline: revision "
                    + baseline.revision() + ")");
        }
        Estimate current = comparable(objective.metric(), m);
        Estimate base = baseline.figures().get(objective.metric());
        RevisionComparison.Result r = RevisionComparison.judge(objective.metric().name(), successes(current),
                current == null ? 0 : current.n(), successes(base), base == null ? 0 : base.n(),
                !RevisionComparison.LOWER_IS_BETTER.contains(objective.metric()), objective.margin(), confidence, minSamples);
        return new Judgement(objective, r.state(), r.difference(), r.reason() + " (baseline: revision "
                + baseline.revision() + ")");
    }

    /**
     * The realised cost of the labelled predictions' mistakes, judged like any figure against its max. Before labels
     * come the cost estimated from the scores is said, not judged: an objective in money gates on what happened.
     */
    private static Judgement judgeCost(Objective objective, WindowMetrics m, long minSamples, double confidence) {
        ExpectedCost c = m.cost();
        if (c == null || c.realised() == null) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null, c != null && c.estimated() != null
                    ? "no labelled prediction yet; estimated from the scores: " + money(c.estimated(), c.costs().unit())
                            + " per 1,000 predictions (estimates are shown, not judged)"
                    : "no labelled prediction in the window (expectedCost needs a binary task and spec.costs)");
        }
        String unit = c.costs().unit() + " per 1,000 predictions";
        if (c.errors().labels() < minSamples) {
            return new Judgement(objective, ObjectiveState.InsufficientData, c.realised(),
                    c.errors().labels() + " of the " + minSamples + " labels needed in the window");
        }
        Judgement j = judgeEstimate(objective, c.realised(), confidence);
        Double perHour = c.perHour();
        return new Judgement(objective, j.state(), j.estimate(), j.reason() + " (" + unit
                + (perHour == null ? "" : "; about " + fmt(perHour) + " " + c.costs().unit() + " per hour at the current traffic")
                + ")");
    }

    /**
     * How much more the judged revision's mistakes cost than the baseline's, per 1,000 predictions: Breached when
     * the whole interval of the difference lies above the margin (lower is better), Met when it lies at or below it.
     */
    private static Judgement judgeCostComparison(Objective objective, WindowMetrics m, Baseline baseline, long minSamples,
            double confidence) {
        ExpectedCost c = m.cost();
        ExpectedCost.Errors judged = c == null ? null : c.errors();
        ExpectedCost.Errors base = baseline.errors();
        String against = " (baseline: revision " + baseline.revision() + ")";
        long judgedLabels = judged == null ? 0 : judged.labels();
        long baseLabels = base == null ? 0 : base.labels();
        if (c == null || judgedLabels < minSamples || baseLabels < minSamples) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null, judgedLabels + " and " + baseLabels
                    + " of the " + minSamples + " labels needed in each revision's window" + against);
        }
        Estimate d = ExpectedCost.difference(judged, base, c.costs(), confidence);
        String unit = c.costs().unit();
        String figure = "expectedCost " + signed(d.value()) + " [" + signed(d.lower()) + ", " + signed(d.upper()) + "] "
                + unit + " per 1,000 predictions more than the baseline's (n=" + judgedLabels + " and " + baseLabels + " labels)";
        String level = Math.round(confidence * 1000) / 10.0 + "%";
        if (d.lower() > objective.margin()) {
            return new Judgement(objective, ObjectiveState.Breached, d, figure + ": more than the margin "
                    + fmt(objective.margin()) + " with " + level + " confidence" + against);
        }
        if (d.upper() <= objective.margin()) {
            return new Judgement(objective, ObjectiveState.Met, d, figure + ": within the margin " + fmt(objective.margin())
                    + against);
        }
        return new Judgement(objective, ObjectiveState.InsufficientData, d, figure + " contains the margin "
                + fmt(objective.margin()) + ": not decided yet" + against);
    }

    private static String money(Estimate e, String unit) {
        return fmt(e.value()) + " [" + fmt(e.lower()) + ", " + fmt(e.upper()) + "] " + unit;
    }

    private static String signed(double v) {
        return (v >= 0 ? "+" : "") + fmt(v);
    }

    /** The proportions a comparison can judge, as the window gives them. */
    public static Estimate comparable(MetricName metric, WindowMetrics m) {
        return switch (metric) {
            case accuracy -> m.accuracy();
            case precision -> m.precision();
            case recall -> m.recall();
            case errorRate -> m.errorRate();
            case acceptanceRate -> m.generation() == null ? null : m.generation().acceptanceRate();
            case truncationRate -> m.generation() == null ? null : m.generation().truncationRate();
            default -> null;
        };
    }

    private static long successes(Estimate e) {
        return e == null || e.n() == 0 || Double.isNaN(e.value()) ? 0 : Math.round(e.value() * e.n());
    }

    private static String fairnessUnit(Objective objective) {
        return switch (objective.metric()) {
            case statisticalParityDifference, disparateImpactRatio -> "predictions";
            case equalOpportunityDifference -> "labelled positives";
            case equalizedOddsDifference -> "labelled positives and negatives";
            default -> "labels";
        };
    }

    private static Estimate valid(Estimate e) {
        return e == null || Double.isNaN(e.value()) ? null : e;
    }

    private static String missing(Objective objective) {
        return switch (objective.metric()) {
            case predictionDrift -> "no baseline yet: it is recorded while the model is Healthy";
            case precision -> "no prediction of the positive class has a label yet";
            case recall -> "no label of the positive class yet";
            default -> "no data for " + objective.metric() + " in the window";
        };
    }

    static String describe(Objective objective, Estimate e) {
        if (e.lower() == e.upper()) {
            return objective.metric() + " " + fmt(e.value()) + " (n=" + e.n() + ")";
        }
        return objective.metric() + " " + fmt(e.value()) + " [" + fmt(e.lower()) + ", " + fmt(e.upper()) + "] (n="
                + e.n() + ")";
    }

    static String fmt(double value) {
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.1f" : "%.4g", value);
    }
}

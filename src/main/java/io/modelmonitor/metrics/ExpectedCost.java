package io.modelmonitor.metrics;

import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * What a binary classifier's mistakes cost, per 1,000 predictions, in the business's unit: false positives times
 * their cost plus false negatives times theirs, over the labelled predictions. The interval holds both error rates
 * at once (each at half the miss allowed, Bonferroni), so the cost's lower and upper bounds are sums of theirs: no
 * normal approximation that a handful of costly false negatives would break.
 *
 * <p>Before labels come, the cost is estimated from the scores (CBPE's expected false positives and negatives) and
 * says so; an objective on expectedCost judges only the realised cost.
 *
 * @param realised per 1,000 labelled predictions, or null without labels
 * @param errors the labelled mistakes it is computed from
 * @param estimated per 1,000 scored predictions, from the scores, or null
 * @param predictionsPerSecond the window's prediction rate, for the cost per hour (NaN when unknown)
 */
public record ExpectedCost(Costs costs, Estimate realised, Errors errors, Estimate estimated, double predictionsPerSecond) {

    /** What one false positive and one false negative cost, in {@code unit}. */
    public record Costs(double falsePositive, double falseNegative, String unit) {
    }

    /** A window's labelled mistakes. */
    public record Errors(long falsePositives, long falseNegatives, long labels) {
    }

    /** Labels that have come; else the estimate from the scores. */
    public Estimate best() {
        return realised != null ? realised : estimated;
    }

    /** The best figure per hour at the window's prediction rate, or null when either is unknown. */
    public Double perHour() {
        Estimate e = best();
        return e == null || Double.isNaN(predictionsPerSecond) ? null : e.value() / 1000 * predictionsPerSecond * 3600;
    }

    public static ExpectedCost of(Costs costs, Errors errors, PerformanceEstimate.ExpectedErrors expected,
            double predictionsPerSecond, double confidence) {
        Estimate realised = errors == null || errors.labels() == 0 ? null : perThousand(errors, costs, confidence);
        Estimate estimated = expected == null || expected.n() == 0 ? null : estimated(expected, costs, confidence);
        if (realised == null && estimated == null) {
            return null;
        }
        return new ExpectedCost(costs, realised, errors, estimated, predictionsPerSecond);
    }

    /** The realised cost per 1,000 labelled predictions with its simultaneous interval. */
    public static Estimate perThousand(Errors e, Costs c, double confidence) {
        double each = each(confidence);
        Estimate fp = Intervals.wilson(e.falsePositives(), e.labels(), each);
        Estimate fn = Intervals.wilson(e.falseNegatives(), e.labels(), each);
        return combine(fp, fn, c, e.labels());
    }

    /**
     * How much more the judged revision's mistakes cost than the baseline's, per 1,000 predictions: the two error
     * rates' differences (Newcombe, each at half the miss allowed), weighted by their costs.
     */
    public static Estimate difference(Errors judged, Errors baseline, Costs c, double confidence) {
        double each = each(confidence);
        Estimate fp = Intervals.difference(Intervals.wilson(judged.falsePositives(), judged.labels(), each),
                Intervals.wilson(baseline.falsePositives(), baseline.labels(), each));
        Estimate fn = Intervals.difference(Intervals.wilson(judged.falseNegatives(), judged.labels(), each),
                Intervals.wilson(baseline.falseNegatives(), baseline.labels(), each));
        return combine(fp, fn, c, Math.min(judged.labels(), baseline.labels()));
    }

    /** CBPE: the expected mistakes are sums of independent draws; their variances add, weighted by the costs squared. */
    static Estimate estimated(PerformanceEstimate.ExpectedErrors e, Costs c, double confidence) {
        double value = 1000 * (c.falsePositive() * e.falsePositives() + c.falseNegative() * e.falseNegatives()) / e.n();
        double sd = 1000 * Math.sqrt(c.falsePositive() * c.falsePositive() * e.falsePositiveVariance()
                + c.falseNegative() * c.falseNegative() * e.falseNegativeVariance()) / e.n();
        double half = Intervals.z(confidence) * sd;
        return new Estimate(value, Math.max(0, value - half), value + half, e.n());
    }

    private static Estimate combine(Estimate fp, Estimate fn, Costs c, long n) {
        return new Estimate(1000 * (c.falsePositive() * fp.value() + c.falseNegative() * fn.value()),
                1000 * (c.falsePositive() * fp.lower() + c.falseNegative() * fn.lower()),
                1000 * (c.falsePositive() * fp.upper() + c.falseNegative() * fn.upper()), n);
    }

    /** Each of two intervals at half the miss, so that both hold together at {@code confidence}. */
    private static double each(double confidence) {
        return 1 - (1 - confidence) / 2;
    }
}

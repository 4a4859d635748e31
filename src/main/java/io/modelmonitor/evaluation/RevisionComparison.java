package io.modelmonitor.evaluation;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.metrics.Intervals;
import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * A new revision judged against the one it replaces, on a proportion, by a non-inferiority test on the difference
 * d = p_new - p_baseline with Newcombe's hybrid score interval: for a metric where higher is better (accuracy),
 * the new revision is Breached only when the whole interval lies below -margin (worse by more than the margin, with
 * the stated confidence), Met when the whole interval lies at or above -margin (not worse by more than the
 * margin), and InsufficientData otherwise or while either side has fewer than {@code minSamples}; where lower is
 * better (errorRate) the same with the signs turned. The building block of comparison objectives; pure arithmetic,
 * no state, no Kubernetes.
 */
public final class RevisionComparison {

    /** The verdict on one comparison: its state, the difference with its interval, and why, in words. */
    public record Result(ObjectiveState state, Estimate difference, String reason) {
    }

    /** The proportions a comparison objective can judge, each with its own n. */
    public static final Set<MetricName> COMPARABLE = EnumSet.of(MetricName.accuracy,
            MetricName.precision, MetricName.recall, MetricName.errorRate, MetricName.acceptanceRate,
            MetricName.truncationRate);

    /** The proportions for which lower is better. */
    public static final Set<MetricName> LOWER_IS_BETTER = EnumSet.of(MetricName.errorRate, MetricName.truncationRate);

    /** The latency percentiles a comparison objective can judge, on the two revisions' histograms. */
    public static final Map<MetricName, Double> LATENCY = Map.of(MetricName.latencyP50Ms, 0.50,
            MetricName.latencyP95Ms, 0.95, MetricName.latencyP99Ms, 0.99, MetricName.ttftP50Ms, 0.50,
            MetricName.ttftP95Ms, 0.95, MetricName.ttftP99Ms, 0.99);

    private RevisionComparison() {
    }

    /**
     * @param higherIsBetter true for accuracy-like metrics, false for error-like ones
     * @param margin how much worse the new revision may be, a proportion (0.02 is two points)
     */
    public static Result judge(String metric, long newSuccesses, long newN, long baseSuccesses, long baseN,
            boolean higherIsBetter, double margin, double confidence, long minSamples) {
        if (newN < minSamples || baseN < minSamples) {
            return new Result(ObjectiveState.InsufficientData, null, String.format(Locale.ROOT,
                    "%s: %d labels on the new revision and %d on the baseline, %d needed on each", metric, newN, baseN,
                    minSamples));
        }
        Estimate d = Intervals.difference(Intervals.wilson(newSuccesses, newN, confidence),
                Intervals.wilson(baseSuccesses, baseN, confidence));
        String interval = String.format(Locale.ROOT, "%s difference %+.4f [%+.4f, %+.4f] (n=%d and %d)", metric, d.value(),
                d.lower(), d.upper(), newN, baseN);
        String level = Math.round(confidence * 1000) / 10.0 + "%";
        String bound = String.format(Locale.ROOT, "%s%.4f", higherIsBetter ? "-" : "+", margin);
        if (higherIsBetter ? d.upper() < -margin : d.lower() > margin) {
            return new Result(ObjectiveState.Breached, d, interval + " lies " + (higherIsBetter ? "below " : "above ") + bound
                    + " with " + level + " confidence: worse than the baseline by more than the margin");
        }
        if (higherIsBetter ? d.lower() >= -margin : d.upper() <= margin) {
            return new Result(ObjectiveState.Met, d, interval + " lies " + (higherIsBetter ? "at or above " : "at or below ")
                    + bound + ": not worse than the baseline by more than the margin");
        }
        return new Result(ObjectiveState.InsufficientData, d, interval + " contains " + bound + ": not decided yet");
    }

    /**
     * A latency percentile of the new revision against the baseline's, on their histograms: each side's
     * order-statistic interval for the quantile at confidence 1 - (1 - confidence) / 2 (Bonferroni over the two),
     * so the difference lies in [new.lower - base.upper, new.upper - base.lower] with at least the stated confidence.
     * Lower is better: Breached only when that whole interval lies above {@code marginMs} (slower by more than the
     * margin), Met when it lies at or below it, InsufficientData otherwise or with fewer than {@code minSamples}
     * requests on either side.
     */
    public static Result judgeLatency(String metric, double quantile, long[] newBuckets, long[] baseBuckets,
            double marginMs, double confidence, long minSamples) {
        long newN = newBuckets == null ? 0 : Arrays.stream(newBuckets).sum();
        long baseN = baseBuckets == null ? 0 : Arrays.stream(baseBuckets).sum();
        if (newN < minSamples || baseN < minSamples) {
            return new Result(ObjectiveState.InsufficientData, null, String.format(Locale.ROOT,
                    "%s: %d requests on the new revision and %d on the baseline, %d needed on each", metric, newN, baseN,
                    minSamples));
        }
        double each = 1 - (1 - confidence) / 2;
        Estimate a = Intervals.quantile(newBuckets, quantile, each);
        Estimate b = Intervals.quantile(baseBuckets, quantile, each);
        Estimate d = new Estimate(a.value() - b.value(), a.lower() - b.upper(), a.upper() - b.lower(), newN);
        String interval = String.format(Locale.ROOT, "%s difference %+.1f ms [%+.1f, %+.1f] (%.1f against %.1f ms, n=%d and %d)",
                metric, d.value(), d.lower(), d.upper(), a.value(), b.value(), newN, baseN);
        String level = Math.round(confidence * 1000) / 10.0 + "%";
        String bound = String.format(Locale.ROOT, "+%.1f ms", marginMs);
        if (d.lower() > marginMs) {
            return new Result(ObjectiveState.Breached, d, interval + " lies above " + bound + " with " + level
                    + " confidence: slower than the baseline by more than the margin");
        }
        if (d.upper() <= marginMs) {
            return new Result(ObjectiveState.Met, d, interval + " lies at or below " + bound
                    + ": not slower than the baseline by more than the margin");
        }
        return new Result(ObjectiveState.InsufficientData, d, interval + " contains " + bound + ": not decided yet");
    }
}

package io.modelmonitor.evaluation;

import java.util.Map;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.metrics.ExpectedCost;
import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * What a comparison objective is judged against: the baseline revision's figures (from its pods while they still
 * serve, else as recorded when it was last seen Healthy), or, when there is nothing to compare with (the judged
 * revision is the baseline itself, or no revision has been Healthy yet), why not.
 *
 * @param revision the baseline's name in messages (its revision number or pod-template-hash)
 * @param figures its proportions, by metric, each with its n
 * @param latency its latency histogram (counts per bucket of {@link io.modelmonitor.metrics.LatencyHistogram}), or null
 * @param ttft a generative model's time-to-first-token histogram (same buckets) from its serving pods, or null
 * @param errors its labelled false positives and negatives (binary tasks), for expectedCost; or null
 * @param absent null when there is a baseline; else the reason there is none
 */
public record Baseline(String revision, Map<MetricName, Estimate> figures, long[] latency, long[] ttft,
        ExpectedCost.Errors errors, String absent) {

    public static Baseline of(String revision, Map<MetricName, Estimate> figures, long[] latency, long[] ttft,
            ExpectedCost.Errors errors) {
        return new Baseline(revision, Map.copyOf(figures), latency == null ? null : latency.clone(),
                ttft == null ? null : ttft.clone(), errors, null);
    }

    public static Baseline of(String revision, Map<MetricName, Estimate> figures, long[] latency, long[] ttft) {
        return of(revision, figures, latency, ttft, null);
    }

    public static Baseline of(String revision, Map<MetricName, Estimate> figures, long[] latency) {
        return of(revision, figures, latency, null);
    }

    public static Baseline of(String revision, Map<MetricName, Estimate> figures) {
        return of(revision, figures, null);
    }

    public static Baseline absent(String why) {
        return new Baseline(null, Map.of(), null, null, null, why);
    }

    /** The baseline's histogram for a latency-like comparison: time to first token, else request latency. */
    public long[] histogram(MetricName metric) {
        return metric.isGeneration() ? ttft : latency;
    }

    public boolean present() {
        return absent == null;
    }
}

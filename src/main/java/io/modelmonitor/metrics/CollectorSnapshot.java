package io.modelmonitor.metrics;

import java.util.List;
import java.util.Map;

/**
 * What one collector has counted since it started: every number is cumulative, so a reader takes deltas
 * between two snapshots, and a changed {@code instance} tells it the collector restarted (counters began again
 * at zero). This is the contract between collector and operator, served as JSON on the admin port. {@code inputs}
 * is null when the monitor declares no features, {@code scores} when the model gives no score, {@code generation} unless the model is generative.
 */
public record CollectorSnapshot(
        String collector,
        String instance,
        long startTimeMillis,
        long timeMillis,
        String task,
        Map<String, Long> requests,
        long[] latencyBuckets,
        double latencySumMs,
        Map<String, Long> unparsed,
        Map<String, Map<String, Long>> predictions,
        List<LabelCount> labels,
        List<SegmentLabelCount> segmentLabels,
        Regression regression,
        Map<String, Long> feedback,
        long pendingLabels,
        long evictedByTtl,
        long evictedByCapacity,
        InputsSnapshot inputs,
        ScoreCounts scores,
        GenerationSnapshot generation) {

    /** Labeled predictions of one (predicted, actual) cell of the confusion matrix, all segments together. */
    public record LabelCount(String predicted, String actual, long count) {
    }

    /**
     * Labeled predictions of one segment by outcome: {@code tp}, {@code fp}, {@code fn}, {@code tn} of the positive
     * label for a binary classifier, {@code correct} or {@code incorrect} for a multiclass one. Enough for every
     * per-segment number the operator computes, with a bounded number of cells (segments times four) where the
     * full segment x predicted x actual cube could reach tens of thousands.
     */
    public record SegmentLabelCount(String segment, String outcome, long count) {
    }

    /** Sums over labeled regression predictions. */
    public record Regression(long labels, double absoluteErrorSum, double squaredErrorSum) {
    }
}

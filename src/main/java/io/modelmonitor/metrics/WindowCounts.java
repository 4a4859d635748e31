package io.modelmonitor.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Counts over some stretch of time, from any number of collectors: the delta between two snapshots, or the sum
 * of many deltas. Everything is additive, which is what makes replicas and intervals merge exactly.
 */
public final class WindowCounts {

    /** One cell of the confusion matrix, all segments together. */
    public record Cell(String predicted, String actual) {
    }

    /** Labeled predictions of one segment with one outcome (see {@link CollectorSnapshot.SegmentLabelCount}). */
    public record SegmentCell(String segment, String outcome) {

        /** Whether the outcome is a correct prediction: tp, tn or correct. */
        public boolean correct() {
            return "tp".equals(outcome) || "tn".equals(outcome) || "correct".equals(outcome);
        }
    }

    final Map<String, Long> requests = new HashMap<>();
    long[] latency = new long[LatencyHistogram.BOUNDS_MS.length + 1];
    final Map<String, Map<String, Long>> predictions = new HashMap<>();
    final Map<Cell, Long> labels = new HashMap<>();
    final Map<SegmentCell, Long> segmentLabels = new HashMap<>();
    long regressionLabels;
    double absoluteErrorSum;
    double squaredErrorSum;
    InputCounts inputs = new InputCounts();
    /** Null while no collector counted a score. */
    ScoreCounts scores;
    GenerationCounts generation = new GenerationCounts();

    /** No traffic at all. */
    public static WindowCounts empty() {
        return new WindowCounts();
    }

    public static WindowCounts of(CollectorSnapshot s) {
        return delta(null, s);
    }

    /**
     * {@code current - previous}; with no previous (a collector seen for the first time, or one that restarted)
     * the current counts themselves, which then all happened since the collector started.
     */
    public static WindowCounts delta(CollectorSnapshot previous, CollectorSnapshot current) {
        WindowCounts d = new WindowCounts();
        current.requests().forEach((k, v) -> d.requests.put(k, v - (previous == null ? 0 : previous.requests().getOrDefault(k, 0L))));
        long[] cur = current.latencyBuckets();
        for (int i = 0; i < d.latency.length && i < cur.length; i++) {
            long before = previous == null || i >= previous.latencyBuckets().length ? 0 : previous.latencyBuckets()[i];
            d.latency[i] = cur[i] - before;
        }
        current.predictions().forEach((segment, byClass) -> byClass.forEach((cls, n) -> {
            long before = previous == null ? 0
                    : previous.predictions().getOrDefault(segment, Map.of()).getOrDefault(cls, 0L);
            d.predictions.computeIfAbsent(segment, k -> new HashMap<>()).put(cls, n - before);
        }));
        // Summed, not put: a collector of the previous version lists one cell per segment, and its cells add up.
        Map<Cell, Long> before = new HashMap<>();
        if (previous != null && previous.labels() != null) {
            previous.labels().forEach(l -> before.merge(new Cell(l.predicted(), l.actual()), l.count(), Long::sum));
        }
        if (current.labels() != null) {
            current.labels().forEach(l -> d.labels.merge(new Cell(l.predicted(), l.actual()), l.count(), Long::sum));
        }
        before.forEach((cell, n) -> d.labels.merge(cell, -n, Long::sum));
        Map<SegmentCell, Long> segmentsBefore = new HashMap<>();
        if (previous != null && previous.segmentLabels() != null) {
            previous.segmentLabels().forEach(l -> segmentsBefore.merge(new SegmentCell(l.segment(), l.outcome()), l.count(),
                    Long::sum));
        }
        if (current.segmentLabels() != null) {
            current.segmentLabels().forEach(l -> d.segmentLabels.merge(new SegmentCell(l.segment(), l.outcome()), l.count(),
                    Long::sum));
        }
        segmentsBefore.forEach((cell, n) -> d.segmentLabels.merge(cell, -n, Long::sum));
        if (current.regression() != null) {
            CollectorSnapshot.Regression p = previous == null || previous.regression() == null
                    ? new CollectorSnapshot.Regression(0, 0, 0) : previous.regression();
            d.regressionLabels = current.regression().labels() - p.labels();
            d.absoluteErrorSum = current.regression().absoluteErrorSum() - p.absoluteErrorSum();
            d.squaredErrorSum = current.regression().squaredErrorSum() - p.squaredErrorSum();
        }
        d.inputs = InputCounts.delta(previous == null ? null : previous.inputs(), current.inputs());
        d.scores = ScoreCounts.delta(previous == null ? null : previous.scores(), current.scores());
        d.generation = GenerationCounts.delta(previous == null ? null : previous.generation(), current.generation());
        return d;
    }

    /** Where names beyond the caps go: the collectors' own name for what they do not count apart. */
    public static final String OTHER = "other";
    /** The most segments or classes counted apart once replicas are merged (each collector holds at most 66). */
    public static final int MAX_NAMES = 64;
    /** The longest segment or class name counted apart: longer ones can only be junk, and would fill the status. */
    public static final int MAX_NAME_LENGTH = 128;

    /**
     * These counts with at most {@code max} segment names and {@code max} class names counted apart: the names with the
     * most predictions and labels, and every name in {@code keep} (a reference group, the positive class); the rest,
     * and any name longer than {@value #MAX_NAME_LENGTH}, are summed into {@value #OTHER}. Each collector caps its
     * own names, but replicas that saw different junk would otherwise add up to many times the cap in the status.
     */
    public WindowCounts withNamesBounded(int max, Set<String> keep) {
        Map<String, Long> segmentWeight = new HashMap<>();
        Map<String, Long> classWeight = new HashMap<>();
        predictions.forEach((segment, byClass) -> byClass.forEach((cls, n) -> {
            segmentWeight.merge(segment, n, Long::sum);
            classWeight.merge(cls, n, Long::sum);
        }));
        labels.forEach((cell, n) -> {
            classWeight.merge(cell.predicted(), n, Long::sum);
            classWeight.merge(cell.actual(), n, Long::sum);
        });
        segmentLabels.forEach((cell, n) -> segmentWeight.merge(cell.segment(), n, Long::sum));
        UnaryOperator<String> segment = kept(segmentWeight, max, keep);
        UnaryOperator<String> cls = kept(classWeight, max, keep);
        WindowCounts b = new WindowCounts();
        b.requests.putAll(requests);
        b.latency = latency.clone();
        predictions.forEach((seg, byClass) -> byClass.forEach((c, n) -> b.predictions
                .computeIfAbsent(segment.apply(seg), k -> new HashMap<>()).merge(cls.apply(c), n, Long::sum)));
        labels.forEach((cell, n) -> b.labels.merge(new Cell(cls.apply(cell.predicted()), cls.apply(cell.actual())), n,
                Long::sum));
        segmentLabels.forEach((cell, n) -> b.segmentLabels.merge(new SegmentCell(segment.apply(cell.segment()),
                cell.outcome()), n, Long::sum));
        b.regressionLabels = regressionLabels;
        b.absoluteErrorSum = absoluteErrorSum;
        b.squaredErrorSum = squaredErrorSum;
        b.inputs = inputs;
        b.scores = scores;
        b.generation = generation;
        return b;
    }

    /**
     * Which names are counted apart: all of them while there are at most {@code max} and none is too long, else the
     * heaviest and those in {@code keep}, the rest mapped to {@value #OTHER}.
     */
    static UnaryOperator<String> kept(Map<String, Long> weight, int max, Set<String> keep) {
        if (weight.size() <= max && weight.keySet().stream().allMatch(n -> n.length() <= MAX_NAME_LENGTH)) {
            return name -> name;
        }
        Set<String> names = new HashSet<>();
        weight.keySet().stream().filter(keep::contains).forEach(names::add);
        names.add(OTHER);
        weight.entrySet().stream().filter(e -> e.getKey().length() <= MAX_NAME_LENGTH)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).filter(n -> !names.contains(n)).limit(Math.max(0, max - names.size()))
                .forEach(names::add);
        return name -> names.contains(name) ? name : OTHER;
    }

    /** True when some count went down: the counters were reset, so this is no delta at all. */
    public boolean hasNegative() {
        if (requests.values().stream().anyMatch(v -> v < 0) || labels.values().stream().anyMatch(v -> v < 0)
                || segmentLabels.values().stream().anyMatch(v -> v < 0)
                || regressionLabels < 0 || absoluteErrorSum < -1e-9 || squaredErrorSum < -1e-9 || inputs.hasNegative()
                || (scores != null && scores.hasNegative()) || generation.hasNegative()) {
            return true;
        }
        for (long c : latency) {
            if (c < 0) {
                return true;
            }
        }
        return predictions.values().stream().flatMap(m -> m.values().stream()).anyMatch(v -> v < 0);
    }

    public void add(WindowCounts other) {
        other.requests.forEach((k, v) -> requests.merge(k, v, Long::sum));
        latency = LatencyHistogram.merge(latency, other.latency);
        other.predictions.forEach((segment, byClass) -> byClass.forEach((cls, n) ->
                predictions.computeIfAbsent(segment, k -> new HashMap<>()).merge(cls, n, Long::sum)));
        other.labels.forEach((cell, n) -> labels.merge(cell, n, Long::sum));
        other.segmentLabels.forEach((cell, n) -> segmentLabels.merge(cell, n, Long::sum));
        regressionLabels += other.regressionLabels;
        absoluteErrorSum += other.absoluteErrorSum;
        squaredErrorSum += other.squaredErrorSum;
        inputs.add(other.inputs);
        generation.add(other.generation);
        if (other.scores != null) {
            if (scores == null) {
                scores = ScoreCounts.empty();
            }
            scores.add(other.scores);
        }
    }

    /** The scores of a binary classifier that gives them; null otherwise. */
    public ScoreCounts scores() {
        return scores;
    }

    /** A generative model's answers and the feedback on them; empty for other models. */
    public GenerationCounts generation() {
        return generation;
    }

    /** What the model was fed: counters, and the features' sketches where the collectors sent them. */
    public InputCounts inputs() {
        return inputs;
    }

    public long requests() {
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests the model failed: 5xx answers and requests it did not answer at all. */
    public long failedRequests() {
        return requests.getOrDefault("5xx", 0L) + requests.getOrDefault("unreachable", 0L);
    }

    public long[] latency() {
        return latency.clone();
    }

    public Map<String, Map<String, Long>> predictions() {
        return predictions;
    }

    public Map<Cell, Long> labels() {
        return labels;
    }

    public Map<SegmentCell, Long> segmentLabels() {
        return segmentLabels;
    }

    public long regressionLabels() {
        return regressionLabels;
    }

    public double absoluteErrorSum() {
        return absoluteErrorSum;
    }

    public double squaredErrorSum() {
        return squaredErrorSum;
    }

    /** Predicted classes over all segments. */
    public Map<String, Long> predictedClasses() {
        Map<String, Long> byClass = new HashMap<>();
        predictions.values().forEach(m -> m.forEach((cls, n) -> byClass.merge(cls, n, Long::sum)));
        return byClass;
    }

    public long labelCount() {
        return labels.values().stream().mapToLong(Long::longValue).sum() + regressionLabels;
    }

    public long predictionCount() {
        return predictions.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    /** Requests of an outcome (code class), without latency. */
    public WindowCounts addRequestCount(String outcome, long n) {
        requests.merge(outcome, n, Long::sum);
        return this;
    }

    /** Latency counts per bucket of {@link LatencyHistogram#BOUNDS_MS}, the last one being +Inf. */
    public WindowCounts addLatencyBuckets(long[] buckets) {
        latency = LatencyHistogram.merge(latency, buckets);
        return this;
    }

    public WindowCounts addPredictions(String segment, String cls, long n) {
        predictions.computeIfAbsent(segment, k -> new HashMap<>()).merge(cls, n, Long::sum);
        return this;
    }

    /** One confusion-matrix cell, without counting its predictions (they come separately). */
    public WindowCounts addLabelCell(String predicted, String actual, long n) {
        labels.merge(new Cell(predicted, actual), n, Long::sum);
        return this;
    }

    /** Labeled predictions of a segment with an outcome (tp, fp, fn, tn, correct, incorrect). */
    public WindowCounts addSegmentLabels(String segment, String outcome, long n) {
        segmentLabels.merge(new SegmentCell(segment, outcome), n, Long::sum);
        return this;
    }

    public WindowCounts addRegression(long n, double absoluteErrors, double squaredErrors) {
        regressionLabels += n;
        absoluteErrorSum += absoluteErrors;
        squaredErrorSum += squaredErrors;
        return this;
    }

    /** For tests and simulations: add requests of an outcome and their latency. */
    public WindowCounts addRequests(String outcome, long n, double latencyMs) {
        requests.merge(outcome, n, Long::sum);
        latency[LatencyHistogram.bucketOf(latencyMs)] += n;
        return this;
    }

    /**
     * For tests and simulations: labeled predictions of one confusion cell in one segment, with their predictions;
     * the segment's outcome is recorded as correct or incorrect.
     */
    public WindowCounts addLabels(String segment, String predicted, String actual, long n) {
        labels.merge(new Cell(predicted, actual), n, Long::sum);
        segmentLabels.merge(new SegmentCell(segment, predicted.equals(actual) ? "correct" : "incorrect"), n, Long::sum);
        predictions.computeIfAbsent(segment, k -> new HashMap<>()).merge(predicted, n, Long::sum);
        return this;
    }
}

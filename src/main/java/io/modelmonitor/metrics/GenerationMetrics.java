package io.modelmonitor.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * A generative model's figures for one window, each with its interval: time to first token and between tokens
 * (order-statistic intervals on the merged histograms, as for latency), output tokens per second (the median
 * request's rate), the share of answers cut off by the length limit, and what people said of the answers
 * (acceptance, a Wilson interval; the mean score, a normal interval; the largest acceptance gap between segments,
 * simultaneous intervals as {@link Fairness}). Pure arithmetic over {@link GenerationCounts}.
 *
 * @param finished answers with a finish reason (the truncation rate's n)
 * @param judged feedback items with accept or reject (the acceptance rate's n)
 */
public record GenerationMetrics(
        long requests,
        long streamed,
        Estimate ttftP50Ms,
        Estimate ttftP95Ms,
        Estimate ttftP99Ms,
        Estimate interTokenP50Ms,
        Estimate interTokenP99Ms,
        Estimate outputTokensPerSecond,
        long promptTokens,
        long completionTokens,
        boolean tokensCountedFromStream,
        long finished,
        Estimate truncationRate,
        Map<String, Long> finishReasons,
        Map<String, Long> errors,
        long disconnected,
        Map<String, Long> unparsed,
        Estimate embeddingMsPerInput,
        long judged,
        Estimate acceptanceRate,
        Estimate meanScore,
        Fairness.Comparison acceptanceGap,
        List<SegmentFigures> segments,
        long[] ttftBuckets) {

    /**
     * One segment's figures, each with its interval: its acceptance rate (null without feedback) and its 95th
     * percentile time to first token (null without a streamed answer).
     */
    public record SegmentFigures(String segment, long judged, Estimate acceptanceRate, Estimate ttftP95Ms) {
    }

    /** The finish reason of answers cut off by the token limit (OpenAI's spelling; TGI and vLLM use the same). */
    public static final String LENGTH = "length";

    public static GenerationMetrics compute(GenerationCounts c, double confidence, long minSegmentSamples,
            String referenceSegment) {
        long[] ttft = c.ttft();
        long[] itl = c.interToken();
        long[] rate = c.outputRate();
        long finished = c.finishReasons().entrySet().stream().filter(e -> !"none".equals(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        Estimate truncation = finished == 0 ? null
                : Intervals.wilson(c.finishReasons().getOrDefault(LENGTH, 0L), finished, confidence);
        long accepted = 0;
        long rejected = 0;
        long scored = 0;
        double sum = 0;
        double squares = 0;
        List<Fairness.Rate> rates = new ArrayList<>();
        UnaryOperator<String> name = kept(c);
        Map<String, GenerationCounts.Acceptance> bySegment = new TreeMap<>();
        c.acceptance().forEach((segment, a) -> bySegment.computeIfAbsent(name.apply(segment),
                k -> new GenerationCounts.Acceptance()).add(a, 1));
        Map<String, long[]> ttftBySegment = new TreeMap<>();
        c.ttftBySegment().forEach((segment, buckets) -> ttftBySegment.merge(name.apply(segment), buckets.clone(),
                LatencyHistogram::merge));
        for (var e : bySegment.entrySet()) {
            GenerationCounts.Acceptance a = e.getValue();
            accepted += a.accepted();
            rejected += a.rejected();
            scored += a.scored();
            sum += a.scoreSum();
            squares += a.scoreSquares();
            long n = a.accepted() + a.rejected();
            if (n > 0) {
                rates.add(new Fairness.Rate(e.getKey(), a.accepted(), n));
            }
        }
        List<SegmentFigures> segments = new ArrayList<>();
        Set<String> names = new TreeSet<>(bySegment.keySet());
        names.addAll(ttftBySegment.keySet());
        for (String segment : names) {
            GenerationCounts.Acceptance a = bySegment.get(segment);
            long n = a == null ? 0 : a.accepted() + a.rejected();
            long[] buckets = ttftBySegment.get(segment);
            segments.add(new SegmentFigures(segment, n, n == 0 ? null : Intervals.wilson(a.accepted(), n, confidence),
                    buckets == null ? null : quantile(buckets, 0.95, confidence)));
        }
        long judged = accepted + rejected;
        Fairness.Comparison gap = rates.size() < 2 ? null
                : Fairness.largestDifference(rates, referenceSegment, confidence, minSegmentSamples);
        return new GenerationMetrics(c.requests(), c.streamed(),
                quantile(ttft, 0.50, confidence), quantile(ttft, 0.95, confidence), quantile(ttft, 0.99, confidence),
                quantile(itl, 0.50, confidence), quantile(itl, 0.99, confidence), quantile(rate, 0.50, confidence),
                c.promptTokens(), c.completionTokens(), c.tokensCounted() > 0, finished, truncation,
                Map.copyOf(c.finishReasons()), Map.copyOf(c.errors()), c.disconnected(), Map.copyOf(c.unparsed()),
                quantile(c.embeddingPerInput(), 0.50, confidence), judged,
                judged == 0 ? null : Intervals.wilson(accepted, judged, confidence), mean(scored, sum, squares, confidence),
                gap, List.copyOf(segments), ttft);
    }

    private static Estimate quantile(long[] buckets, double q, double confidence) {
        long n = 0;
        for (long b : buckets) {
            n += b;
        }
        return n == 0 ? null : Intervals.quantile(buckets, q, confidence);
    }

    /** The mean of scores in [0, 1] with a normal interval, clamped to [0, 1]. */
    static Estimate mean(long n, double sum, double squares, double confidence) {
        if (n == 0) {
            return null;
        }
        double mean = sum / n;
        double variance = Math.max(0, squares / n - mean * mean) * n / Math.max(1, n - 1);
        double half = Intervals.z(confidence) * Math.sqrt(variance / n);
        return new Estimate(mean, Math.max(0, mean - half), Math.min(1, mean + half), n);
    }

    /**
     * At most {@link WindowCounts#MAX_NAMES} segments counted apart, those with the most feedback and streamed answers,
     * the rest (and any name over {@link WindowCounts#MAX_NAME_LENGTH}) summed into {@link WindowCounts#OTHER}: replicas
     * that saw different segments cannot grow the status without bound.
     */
    private static UnaryOperator<String> kept(GenerationCounts c) {
        Map<String, Long> weight = new HashMap<>();
        c.acceptance().forEach((segment, a) -> weight.merge(segment, a.accepted() + a.rejected() + a.scored(), Long::sum));
        c.ttftBySegment().forEach((segment, buckets) -> weight.merge(segment, Arrays.stream(buckets).sum(), Long::sum));
        return WindowCounts.kept(weight, WindowCounts.MAX_NAMES, Set.of());
    }
}

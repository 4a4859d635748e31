package io.modelmonitor.metrics;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A generative model's counts over some stretch of time, from any number of collectors: the delta of two
 * {@link GenerationSnapshot}s, or the sum of many. Everything is additive.
 */
public final class GenerationCounts {

    /** One segment's feedback: accepted, rejected, scored, and the scores' sum and sum of squares. */
    public static final class Acceptance {
        long accepted;
        long rejected;
        long scored;
        double scoreSum;
        double scoreSquares;

        public long accepted() {
            return accepted;
        }

        public long rejected() {
            return rejected;
        }

        public long scored() {
            return scored;
        }

        public double scoreSum() {
            return scoreSum;
        }

        public double scoreSquares() {
            return scoreSquares;
        }

        void add(Acceptance o, int sign) {
            accepted += sign * o.accepted;
            rejected += sign * o.rejected;
            scored += sign * o.scored;
            scoreSum += sign * o.scoreSum;
            scoreSquares += sign * o.scoreSquares;
        }

        boolean negative() {
            return accepted < 0 || rejected < 0 || scored < 0 || scoreSum < -1e-9 || scoreSquares < -1e-9;
        }
    }

    long requests;
    long streamed;
    long[] ttft = new long[LatencyHistogram.BOUNDS_MS.length + 1];
    long[] interToken = new long[LatencyHistogram.BOUNDS_MS.length + 1];
    long[] outputRate = new long[LatencyHistogram.BOUNDS_MS.length + 1];
    long promptTokens;
    long completionTokens;
    long tokensFromUsage;
    long tokensCounted;
    final Map<String, Long> finishReasons = new TreeMap<>();
    final Map<String, Long> errors = new TreeMap<>();
    long disconnected;
    final Map<String, Long> unparsed = new TreeMap<>();
    long embeddingInputs;
    long[] embeddingPerInput = new long[LatencyHistogram.BOUNDS_MS.length + 1];
    final Map<String, Acceptance> acceptance = new TreeMap<>();
    final Map<String, long[]> ttftBySegment = new TreeMap<>();

    public static GenerationCounts empty() {
        return new GenerationCounts();
    }

    /** {@code current - previous}; either may be null (no generation counted). */
    public static GenerationCounts delta(GenerationSnapshot previous, GenerationSnapshot current) {
        GenerationCounts d = new GenerationCounts();
        if (current != null) {
            d.addSnapshot(current, 1);
        }
        if (previous != null && current != null) {
            d.addSnapshot(previous, -1);
        }
        return d;
    }

    private void addSnapshot(GenerationSnapshot s, int sign) {
        requests += sign * s.requests();
        streamed += sign * s.streamed();
        ttft = addBuckets(ttft, s.ttftBuckets(), sign);
        interToken = addBuckets(interToken, s.interTokenBuckets(), sign);
        outputRate = addBuckets(outputRate, s.outputRateBuckets(), sign);
        promptTokens += sign * s.promptTokens();
        completionTokens += sign * s.completionTokens();
        tokensFromUsage += sign * s.tokensFromUsage();
        tokensCounted += sign * s.tokensCounted();
        addAll(finishReasons, s.finishReasons(), sign);
        addAll(errors, s.errors(), sign);
        disconnected += sign * s.disconnected();
        addAll(unparsed, s.unparsed(), sign);
        embeddingInputs += sign * s.embeddingInputs();
        embeddingPerInput = addBuckets(embeddingPerInput, s.embeddingInputBuckets(), sign);
        if (s.ttftBySegment() != null) {
            s.ttftBySegment().forEach((segment, buckets) -> ttftBySegment.put(segment,
                    addBuckets(ttftBySegment.getOrDefault(segment, new long[ttft.length]), buckets, sign)));
        }
        if (s.acceptance() != null) {
            for (GenerationSnapshot.Acceptance a : s.acceptance()) {
                Acceptance one = new Acceptance();
                one.accepted = a.accepted();
                one.rejected = a.rejected();
                one.scored = a.scored();
                one.scoreSum = a.scoreSum();
                one.scoreSquares = a.scoreSquares();
                acceptance.computeIfAbsent(a.segment(), k -> new Acceptance()).add(one, sign);
            }
        }
    }

    private static long[] addBuckets(long[] into, long[] other, int sign) {
        long[] sum = into.clone();
        for (int i = 0; other != null && i < sum.length && i < other.length; i++) {
            sum[i] += sign * other[i];
        }
        return sum;
    }

    private static void addAll(Map<String, Long> into, Map<String, Long> other, int sign) {
        if (other != null) {
            other.forEach((k, v) -> into.merge(k, sign * v, Long::sum));
        }
    }

    public void add(GenerationCounts o) {
        requests += o.requests;
        streamed += o.streamed;
        ttft = addBuckets(ttft, o.ttft, 1);
        interToken = addBuckets(interToken, o.interToken, 1);
        outputRate = addBuckets(outputRate, o.outputRate, 1);
        promptTokens += o.promptTokens;
        completionTokens += o.completionTokens;
        tokensFromUsage += o.tokensFromUsage;
        tokensCounted += o.tokensCounted;
        addAll(finishReasons, o.finishReasons, 1);
        addAll(errors, o.errors, 1);
        disconnected += o.disconnected;
        addAll(unparsed, o.unparsed, 1);
        embeddingInputs += o.embeddingInputs;
        embeddingPerInput = addBuckets(embeddingPerInput, o.embeddingPerInput, 1);
        o.acceptance.forEach((segment, a) -> acceptance.computeIfAbsent(segment, k -> new Acceptance()).add(a, 1));
        o.ttftBySegment.forEach((segment, buckets) -> ttftBySegment.put(segment,
                addBuckets(ttftBySegment.getOrDefault(segment, new long[ttft.length]), buckets, 1)));
    }

    /** True when some count went down: the collector's counters were reset. */
    public boolean hasNegative() {
        return requests < 0 || streamed < 0 || promptTokens < 0 || completionTokens < 0 || tokensFromUsage < 0
                || tokensCounted < 0 || disconnected < 0 || embeddingInputs < 0
                || Arrays.stream(ttft).anyMatch(v -> v < 0) || Arrays.stream(interToken).anyMatch(v -> v < 0)
                || Arrays.stream(outputRate).anyMatch(v -> v < 0) || Arrays.stream(embeddingPerInput).anyMatch(v -> v < 0)
                || finishReasons.values().stream().anyMatch(v -> v < 0) || errors.values().stream().anyMatch(v -> v < 0)
                || unparsed.values().stream().anyMatch(v -> v < 0)
                || acceptance.values().stream().anyMatch(Acceptance::negative)
                || ttftBySegment.values().stream().anyMatch(b -> Arrays.stream(b).anyMatch(v -> v < 0));
    }

    public boolean isEmpty() {
        return requests == 0 && acceptance.values().stream().allMatch(a -> a.accepted + a.rejected + a.scored == 0);
    }

    public long requests() {
        return requests;
    }

    public long streamed() {
        return streamed;
    }

    public long[] ttft() {
        return ttft.clone();
    }

    public long[] interToken() {
        return interToken.clone();
    }

    public long[] outputRate() {
        return outputRate.clone();
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long completionTokens() {
        return completionTokens;
    }

    public long tokensFromUsage() {
        return tokensFromUsage;
    }

    public long tokensCounted() {
        return tokensCounted;
    }

    public Map<String, Long> finishReasons() {
        return finishReasons;
    }

    public Map<String, Long> errors() {
        return errors;
    }

    public long disconnected() {
        return disconnected;
    }

    public Map<String, Long> unparsed() {
        return unparsed;
    }

    public long embeddingInputs() {
        return embeddingInputs;
    }

    public long[] embeddingPerInput() {
        return embeddingPerInput.clone();
    }

    public Map<String, Acceptance> acceptance() {
        return acceptance;
    }

    /** Time to first token per segment (counts per bucket), for the segments that had a streamed answer. */
    public Map<String, long[]> ttftBySegment() {
        return ttftBySegment;
    }

    // ---- as the Prometheus source reads the collectors' series ----

    public GenerationCounts addRequests(long answered, long streamedOnes) {
        requests += answered;
        streamed += streamedOnes;
        return this;
    }

    /** Counts per bucket of {@link LatencyHistogram#BOUNDS_MS}: time to first token, between tokens, tokens/s. */
    public GenerationCounts addHistograms(long[] ttftBuckets, long[] interTokenBuckets, long[] outputRateBuckets) {
        ttft = addBuckets(ttft, ttftBuckets, 1);
        interToken = addBuckets(interToken, interTokenBuckets, 1);
        outputRate = addBuckets(outputRate, outputRateBuckets, 1);
        return this;
    }

    public GenerationCounts addTokens(long prompt, long completion) {
        promptTokens += prompt;
        completionTokens += completion;
        return this;
    }

    public GenerationCounts addFinishReason(String reason, long n) {
        finishReasons.merge(reason, n, Long::sum);
        return this;
    }

    public GenerationCounts addError(String errorClass, long n) {
        errors.merge(errorClass, n, Long::sum);
        return this;
    }

    public GenerationCounts addDisconnected(long n) {
        disconnected += n;
        return this;
    }

    public GenerationCounts addUnparsed(String reason, long n) {
        unparsed.merge(reason, n, Long::sum);
        return this;
    }

    /** Scored feedback of a segment: how many, the scores' sum and the sum of their squares. */
    public GenerationCounts addScores(String segment, long n, double sum, double squares) {
        Acceptance a = acceptance.computeIfAbsent(segment, k -> new Acceptance());
        a.scored += n;
        a.scoreSum += sum;
        a.scoreSquares += squares;
        return this;
    }

    // ---- for tests and simulations ----

    /** Answered requests, each with its time to first token and output rate. */
    public GenerationCounts addAnswers(long n, double ttftMs, double tokensPerSecond, String finishReason) {
        requests += n;
        streamed += n;
        ttft[LatencyHistogram.bucketOf(ttftMs)] += n;
        outputRate[LatencyHistogram.bucketOf(tokensPerSecond)] += n;
        finishReasons.merge(finishReason, n, Long::sum);
        return this;
    }

    /** Streamed answers of one segment with their time to first token (also counted as answers overall). */
    public GenerationCounts addSegmentAnswers(String segment, long n, double ttftMs) {
        addAnswers(n, ttftMs, 40, "stop");
        ttftBySegment.computeIfAbsent(segment, k -> new long[ttft.length])[LatencyHistogram.bucketOf(ttftMs)] += n;
        return this;
    }

    public GenerationCounts addFeedback(String segment, long accepted, long rejected) {
        Acceptance a = acceptance.computeIfAbsent(segment, k -> new Acceptance());
        a.accepted += accepted;
        a.rejected += rejected;
        return this;
    }
}

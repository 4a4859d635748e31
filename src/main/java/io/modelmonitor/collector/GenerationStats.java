package io.modelmonitor.collector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import io.modelmonitor.metrics.GenerationSnapshot;
import io.modelmonitor.metrics.LatencyHistogram;

/**
 * What the collector counts of a generative model's answers, cumulative and lock-free like {@link CollectorStats}.
 * Every array is sized at start-up: histograms by {@link LatencyHistogram}'s bounds, feedback by the segment cap.
 */
final class GenerationStats {

    enum FinishReason {
        STOP("stop"), LENGTH("length"), CONTENT_FILTER("content_filter"), TOOL_CALLS("tool_calls"), OTHER("other"),
        /** A finished answer that gave no finish reason. */
        NONE("none");

        final String label;

        FinishReason(String label) {
            this.label = label;
        }

        static FinishReason of(String value) {
            return switch (value) {
                case "stop", "eos_token", "stop_sequence" -> STOP;
                case "length", "max_tokens" -> LENGTH;
                case "content_filter" -> CONTENT_FILTER;
                case "tool_calls", "function_call" -> TOOL_CALLS;
                default -> OTHER;
            };
        }
    }

    enum ErrorClass {
        RATE_LIMITED("rate_limited"), CONTEXT_TOO_LONG("context_too_long"), CLIENT_ERROR("client_error"),
        SERVER_ERROR("server_error");

        final String label;

        ErrorClass(String label) {
            this.label = label;
        }
    }

    /** Why an answer, or an event of a stream, was passed on without being read. */
    enum Unparsed {
        MALFORMED_EVENT("malformed_event"), NOT_UTF8("not_utf8"), EVENT_TOO_LARGE("event_too_large"),
        /** An OpenAI stream that ended without data: [DONE]. */
        NO_DONE("no_done"),
        /** usage.completion_tokens below the events that carried output. */
        USAGE_CONTRADICTS_STREAM("usage_contradicts_stream"),
        NOT_JSON("not_json"), TOO_LARGE("too_large"), OVER_BUDGET("over_budget"),
        /** A compressed answer (Content-Encoding): passed on, not decompressed to be read. */
        ENCODED("encoded");

        final String label;

        Unparsed(String label) {
            this.label = label;
        }
    }

    final LongAdder requests = new LongAdder();
    final LongAdder streamed = new LongAdder();
    final AtomicLongArray ttft = buckets();
    final AtomicLongArray interToken = buckets();
    final AtomicLongArray outputRate = buckets();
    final AtomicLongArray embeddingPerInput = buckets();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder completionTokens = new LongAdder();
    final LongAdder tokensFromUsage = new LongAdder();
    final LongAdder tokensCounted = new LongAdder();
    final LongAdder disconnected = new LongAdder();
    final LongAdder embeddingInputs = new LongAdder();
    final AtomicLongArray finishReasons = new AtomicLongArray(FinishReason.values().length);
    final AtomicLongArray errors = new AtomicLongArray(ErrorClass.values().length);
    final AtomicLongArray unparsed = new AtomicLongArray(Unparsed.values().length);
    private final LabelTable segments;
    /** [segment]: accepted, rejected, scored; scores summed in millionths (a score is in [0, 1]). */
    private final AtomicLongArray accepted;
    private final AtomicLongArray rejected;
    private final AtomicLongArray scored;
    private final AtomicLongArray scoreMicros;
    private final AtomicLongArray scoreSquareMicros;
    /** [segment][bucket]: time to first token per segment, for fairness of speed as well as of answers. */
    private final AtomicLongArray ttftBySegment;

    GenerationStats(LabelTable segments) {
        this.segments = segments;
        int n = segments.capacity();
        this.accepted = new AtomicLongArray(n);
        this.rejected = new AtomicLongArray(n);
        this.scored = new AtomicLongArray(n);
        this.scoreMicros = new AtomicLongArray(n);
        this.scoreSquareMicros = new AtomicLongArray(n);
        this.ttftBySegment = new AtomicLongArray(n * (LatencyHistogram.BOUNDS_MS.length + 1));
    }

    /** A streamed answer's time to first token, in its segment too. */
    void firstToken(int segment, double millis) {
        int bucket = LatencyHistogram.bucketOf(millis);
        ttft.incrementAndGet(bucket);
        if (segment >= 0) {
            ttftBySegment.incrementAndGet(segment * (LatencyHistogram.BOUNDS_MS.length + 1) + bucket);
        }
    }

    private static AtomicLongArray buckets() {
        return new AtomicLongArray(LatencyHistogram.BOUNDS_MS.length + 1);
    }

    static void record(AtomicLongArray histogram, double value) {
        histogram.incrementAndGet(LatencyHistogram.bucketOf(value));
    }

    void unparsed(Unparsed reason) {
        unparsed.incrementAndGet(reason.ordinal());
    }

    void finish(FinishReason reason) {
        finishReasons.incrementAndGet(reason.ordinal());
    }

    void error(ErrorClass error) {
        errors.incrementAndGet(error.ordinal());
    }

    /** Feedback on one answer of a segment: accepted or rejected (or neither), a score in [0, 1] (or NaN). */
    void feedback(int segment, Boolean accept, double score) {
        if (accept != null) {
            (accept ? accepted : rejected).incrementAndGet(segment);
        }
        if (!Double.isNaN(score)) {
            scored.incrementAndGet(segment);
            scoreMicros.addAndGet(segment, Math.round(score * 1e6));
            scoreSquareMicros.addAndGet(segment, Math.round(score * score * 1e6));
        }
    }

    GenerationSnapshot snapshot() {
        List<GenerationSnapshot.Acceptance> acceptance = new ArrayList<>();
        Map<String, long[]> ttftBySegmentNow = new LinkedHashMap<>();
        int width = LatencyHistogram.BOUNDS_MS.length + 1;
        for (int s = 0; s < segments.capacity(); s++) {
            String name = segments.nameOf(s);
            long a = accepted.get(s);
            long r = rejected.get(s);
            long n = scored.get(s);
            if (name != null) {
                long[] buckets = new long[width];
                long any = 0;
                for (int b = 0; b < width; b++) {
                    buckets[b] = ttftBySegment.get(s * width + b);
                    any += buckets[b];
                }
                if (any > 0) {
                    ttftBySegmentNow.put(name, buckets);
                }
            }
            if (name != null && a + r + n > 0) {
                acceptance.add(new GenerationSnapshot.Acceptance(name, a, r, n, scoreMicros.get(s) / 1e6,
                        scoreSquareMicros.get(s) / 1e6));
            }
        }
        return new GenerationSnapshot(requests.sum(), streamed.sum(), copy(ttft), copy(interToken), copy(outputRate),
                promptTokens.sum(), completionTokens.sum(), tokensFromUsage.sum(), tokensCounted.sum(),
                labelled(finishReasons, FinishReason.values()), labelled(errors, ErrorClass.values()), disconnected.sum(),
                labelled(unparsed, Unparsed.values()), embeddingInputs.sum(), copy(embeddingPerInput), acceptance,
                ttftBySegmentNow);
    }

    private static long[] copy(AtomicLongArray a) {
        long[] out = new long[a.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i);
        }
        return out;
    }

    private static Map<String, Long> labelled(AtomicLongArray counts, Enum<?>[] names) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Enum<?> e : names) {
            out.put(label(e), counts.get(e.ordinal()));
        }
        return out;
    }

    private static String label(Enum<?> e) {
        if (e instanceof FinishReason f) {
            return f.label;
        }
        if (e instanceof ErrorClass c) {
            return c.label;
        }
        return ((Unparsed) e).label;
    }
}

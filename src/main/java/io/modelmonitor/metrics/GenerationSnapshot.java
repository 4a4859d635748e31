package io.modelmonitor.metrics;

import java.util.List;
import java.util.Map;

/**
 * What one collector has counted of a generative model's answers since it started (protocols openai and
 * oip-generate), cumulative like the rest of {@link CollectorSnapshot}. Histograms share the bucket bounds of
 * {@link LatencyHistogram}: milliseconds for times, tokens per second for {@code outputRateBuckets}, so replicas
 * merge by adding counts.
 *
 * @param requests generation requests answered (streamed or not, any status)
 * @param streamed of them, answered as a server-sent event stream
 * @param ttftBuckets time from the request's head to the first event carrying output (streams only)
 * @param interTokenBuckets time between consecutive events carrying output, as the client received them
 * @param outputRateBuckets output tokens per second of each answered request, first byte in to last byte out
 * @param tokensFromUsage requests whose tokens came from the answer's {@code usage}
 * @param tokensCounted requests whose completion tokens were counted from the stream's events (no usage given)
 * @param finishReasons answers (choices) by finish reason: stop, length, content_filter, tool_calls, other, none
 * @param errors failed requests by class: rate_limited, context_too_long, client_error, server_error
 * @param disconnected streams the client left before the model finished
 * @param unparsed answers or events passed through unread, by reason
 * @param embeddingInputBuckets an embeddings request's latency divided by its inputs (ms per input)
 * @param acceptance feedback on answers, per segment
 * @param ttftBySegment time to first token per segment (those with a streamed answer), the same buckets
 */
public record GenerationSnapshot(
        long requests,
        long streamed,
        long[] ttftBuckets,
        long[] interTokenBuckets,
        long[] outputRateBuckets,
        long promptTokens,
        long completionTokens,
        long tokensFromUsage,
        long tokensCounted,
        Map<String, Long> finishReasons,
        Map<String, Long> errors,
        long disconnected,
        Map<String, Long> unparsed,
        long embeddingInputs,
        long[] embeddingInputBuckets,
        List<Acceptance> acceptance,
        Map<String, long[]> ttftBySegment) {

    /**
     * Feedback on one segment's answers: accepted or rejected, and scores in [0, 1] with their sum and sum of squares
     * (enough for a mean and its interval).
     */
    public record Acceptance(String segment, long accepted, long rejected, long scored, double scoreSum,
            double scoreSquares) {
    }
}

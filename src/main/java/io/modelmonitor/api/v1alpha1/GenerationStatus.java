package io.modelmonitor.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;

/** A generative model's figures for the window: its tokens, how fast they came, and what people said of the answers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GenerationStatus {

    @JsonPropertyDescription("Answers streamed as server-sent events in the window (time to first token and between tokens are theirs).")
    private Long streamed;

    @JsonPropertyDescription("Time to first token: from the request to the first event carrying output, p50/p95/p99 in milliseconds.")
    private LatencyStatus ttftMs;

    @JsonPropertyDescription("Time between consecutive output events as the client received them, p50 and p99 in milliseconds.")
    private LatencyStatus interTokenLatencyMs;

    @JsonPropertyDescription("The median answer's output tokens per second, first byte in to last byte out.")
    private Double outputTokensPerSecond;

    @JsonPropertyDescription("Prompt tokens in the window, from the answers' usage.")
    private Long promptTokens;

    @JsonPropertyDescription("Completion tokens in the window: from usage, else one per output event (see tokensCounted).")
    private Long completionTokens;

    @JsonPropertyDescription("True when some answers gave no usage and their completion tokens were counted one per output event.")
    private Boolean tokensCounted;

    @JsonPropertyDescription("Share of finished answers cut off by the token limit (finish reason length).")
    private Proportion truncationRate;

    @Size(max = 8)
    @JsonPropertyDescription("Answers by finish reason: stop, length, content_filter, tool_calls, other, none.")
    private Map<String, Long> finishReasons;

    @Size(max = 8)
    @JsonPropertyDescription("Failed requests by class: rate_limited, context_too_long, client_error, server_error.")
    private Map<String, Long> errors;

    @JsonPropertyDescription("Answers the client left before the model finished them.")
    private Long disconnected;

    @JsonPropertyDescription("Embeddings: median latency per input in milliseconds.")
    private Double embeddingMsPerInput;

    @JsonPropertyDescription("Share of answers accepted, of those given accept or reject feedback.")
    private Proportion acceptanceRate;

    @JsonPropertyDescription("Mean feedback score in [0, 1] of the answers that got one.")
    private Proportion meanScore;

    @Size(max = 64)
    @JsonPropertyDescription("Per segment (model.segment): time to first token and acceptance, at most 64 (the rest as "
            + "other).")
    private java.util.List<GenerationSegmentStatus> segments;

    public java.util.List<GenerationSegmentStatus> getSegments() {
        return segments;
    }

    public void setSegments(java.util.List<GenerationSegmentStatus> segments) {
        this.segments = segments;
    }

    public Long getStreamed() {
        return streamed;
    }

    public void setStreamed(Long streamed) {
        this.streamed = streamed;
    }

    public LatencyStatus getTtftMs() {
        return ttftMs;
    }

    public void setTtftMs(LatencyStatus ttftMs) {
        this.ttftMs = ttftMs;
    }

    public LatencyStatus getInterTokenLatencyMs() {
        return interTokenLatencyMs;
    }

    public void setInterTokenLatencyMs(LatencyStatus interTokenLatencyMs) {
        this.interTokenLatencyMs = interTokenLatencyMs;
    }

    public Double getOutputTokensPerSecond() {
        return outputTokensPerSecond;
    }

    public void setOutputTokensPerSecond(Double outputTokensPerSecond) {
        this.outputTokensPerSecond = outputTokensPerSecond;
    }

    public Long getPromptTokens() {
        return promptTokens;
    }

    public void setPromptTokens(Long promptTokens) {
        this.promptTokens = promptTokens;
    }

    public Long getCompletionTokens() {
        return completionTokens;
    }

    public void setCompletionTokens(Long completionTokens) {
        this.completionTokens = completionTokens;
    }

    public Boolean getTokensCounted() {
        return tokensCounted;
    }

    public void setTokensCounted(Boolean tokensCounted) {
        this.tokensCounted = tokensCounted;
    }

    public Proportion getTruncationRate() {
        return truncationRate;
    }

    public void setTruncationRate(Proportion truncationRate) {
        this.truncationRate = truncationRate;
    }

    public Map<String, Long> getFinishReasons() {
        return finishReasons;
    }

    public void setFinishReasons(Map<String, Long> finishReasons) {
        this.finishReasons = finishReasons;
    }

    public Map<String, Long> getErrors() {
        return errors;
    }

    public void setErrors(Map<String, Long> errors) {
        this.errors = errors;
    }

    public Long getDisconnected() {
        return disconnected;
    }

    public void setDisconnected(Long disconnected) {
        this.disconnected = disconnected;
    }

    public Double getEmbeddingMsPerInput() {
        return embeddingMsPerInput;
    }

    public void setEmbeddingMsPerInput(Double embeddingMsPerInput) {
        this.embeddingMsPerInput = embeddingMsPerInput;
    }

    public Proportion getAcceptanceRate() {
        return acceptanceRate;
    }

    public void setAcceptanceRate(Proportion acceptanceRate) {
        this.acceptanceRate = acceptanceRate;
    }

    public Proportion getMeanScore() {
        return meanScore;
    }

    public void setMeanScore(Proportion meanScore) {
        this.meanScore = meanScore;
    }
}

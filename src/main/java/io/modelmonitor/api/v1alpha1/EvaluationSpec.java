package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

public class EvaluationSpec {

    @Default("30s")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('1s') && duration(self) <= duration('1h')",
            message = "interval must be between 1s and 1h")
    @JsonPropertyDescription("How often the collectors are read and the objectives judged, 1s to 1h.")
    private String interval = "30s";

    @Default("5m")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('1s') && duration(self) <= duration('24h')",
            message = "window must be between 1s and 24h")
    @JsonPropertyDescription("Sliding window the metrics are computed over, up to 24h: not shorter than interval and at "
            + "most 1000 intervals (the operator keeps one slice of counts per interval).")
    private String window = "5m";

    @Default("30s")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('0s') && duration(self) <= duration('1h')",
            message = "warmup must be between 0s and 1h")
    @JsonPropertyDescription("How long after a revision is rolled out its traffic is not judged yet: new processes "
            + "answer their first requests slowly (JIT, caches, connection pools), and without this a rollout's own "
            + "cold start can read as a latency breach. 0s judges from the first request.")
    private String warmup = "30s";

    @Default("10m")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('10s') && duration(self) <= duration('24h')",
            message = "readinessTimeout must be between 10s and 24h")
    @JsonPropertyDescription("How long a new revision of the target may take until all its pods are ready. Past it, or "
            + "earlier when its rollout exceeds the Deployment's progressDeadlineSeconds or its pods crash-loop, the "
            + "built-in availability objective is Breached (reason RevisionNotReady): rolled back or alerted like any "
            + "breach.")
    private String readinessTimeout = "10m";

    public String getReadinessTimeout() {
        return readinessTimeout;
    }

    public void setReadinessTimeout(String readinessTimeout) {
        this.readinessTimeout = readinessTimeout;
    }

    @Default("200")
    @Min(1)
    @Max(1_000_000)
    @JsonPropertyDescription("Fewest samples (labels for quality metrics, requests for latency and errors) in the window "
            + "before an objective is judged at all; below it the objective is InsufficientData, never Breached.")
    private Integer minSamples = 200;

    @Default("0.95")
    @Min(0.5)
    @Max(0.999)
    @JsonPropertyDescription("Confidence level of the intervals an objective is judged with.")
    private Double confidence = 0.95;

    @Default("2")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Evaluations in a row an objective must be Breached before the monitor acts.")
    private Integer consecutiveBreaches = 2;

    public String getInterval() {
        return interval;
    }

    public void setInterval(String interval) {
        this.interval = interval;
    }

    public String getWindow() {
        return window;
    }

    public void setWindow(String window) {
        this.window = window;
    }

    public String getWarmup() {
        return warmup;
    }

    public void setWarmup(String warmup) {
        this.warmup = warmup;
    }

    public Integer getMinSamples() {
        return minSamples;
    }

    public void setMinSamples(Integer minSamples) {
        this.minSamples = minSamples;
    }

    public Double getConfidence() {
        return confidence;
    }

    public void setConfidence(Double confidence) {
        this.confidence = confidence;
    }

    public Integer getConsecutiveBreaches() {
        return consecutiveBreaches;
    }

    public void setConsecutiveBreaches(Integer consecutiveBreaches) {
        this.consecutiveBreaches = consecutiveBreaches;
    }
}

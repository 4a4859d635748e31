package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class LatencyStatus {

    @JsonPropertyDescription("Median request latency in milliseconds, as seen by the collector.")
    private Double p50;

    @JsonPropertyDescription("95th percentile request latency in milliseconds.")
    private Double p95;

    @JsonPropertyDescription("99th percentile request latency in milliseconds.")
    private Double p99;

    @JsonPropertyDescription("Requests the percentiles are computed from.")
    private Long n;

    public Double getP50() {
        return p50;
    }

    public void setP50(Double p50) {
        this.p50 = p50;
    }

    public Double getP95() {
        return p95;
    }

    public void setP95(Double p95) {
        this.p95 = p95;
    }

    public Double getP99() {
        return p99;
    }

    public void setP99(Double p99) {
        this.p99 = p99;
    }

    public Long getN() {
        return n;
    }

    public void setN(Long n) {
        this.n = n;
    }
}

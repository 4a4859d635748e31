package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One segment's (group's) figures of a generative model: how fast its first token came, how its answers were taken. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GenerationSegmentStatus {

    @JsonPropertyDescription("The segment, as model.segment reads it.")
    private String name;

    @JsonPropertyDescription("Its 95th percentile time to first token in milliseconds (streamed answers).")
    private Double ttftP95Ms;

    @JsonPropertyDescription("Its share of accepted answers, with the interval.")
    private Proportion acceptanceRate;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Double getTtftP95Ms() {
        return ttftP95Ms;
    }

    public void setTtftP95Ms(Double ttftP95Ms) {
        this.ttftP95Ms = ttftP95Ms;
    }

    public Proportion getAcceptanceRate() {
        return acceptanceRate;
    }

    public void setAcceptanceRate(Proportion acceptanceRate) {
        this.acceptanceRate = acceptanceRate;
    }
}

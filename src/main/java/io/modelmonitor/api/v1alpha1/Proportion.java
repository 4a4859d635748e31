package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A proportion with its confidence interval, as shown in status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Proportion {

    @JsonPropertyDescription("Point estimate.")
    private Double value;

    @JsonPropertyDescription("Lower bound of the confidence interval.")
    private Double lower;

    @JsonPropertyDescription("Upper bound of the confidence interval.")
    private Double upper;

    @JsonPropertyDescription("Sample size the proportion is computed from.")
    private Long n;

    public Proportion() {
    }

    public Proportion(Double value, Double lower, Double upper, Long n) {
        this.value = value;
        this.lower = lower;
        this.upper = upper;
        this.n = n;
    }

    public Double getValue() {
        return value;
    }

    public void setValue(Double value) {
        this.value = value;
    }

    public Double getLower() {
        return lower;
    }

    public void setLower(Double lower) {
        this.lower = lower;
    }

    public Double getUpper() {
        return upper;
    }

    public void setUpper(Double upper) {
        this.upper = upper;
    }

    public Long getN() {
        return n;
    }

    public void setN(Long n) {
        this.n = n;
    }
}

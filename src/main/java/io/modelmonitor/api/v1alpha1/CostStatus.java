package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the model's mistakes cost in the window, in spec.costs.unit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CostStatus {

    @JsonPropertyDescription("The unit, as spec.costs says.")
    private String unit;

    @JsonPropertyDescription("Expected cost per 1,000 predictions: from the labelled predictions' false positives and "
            + "negatives, or, before labels come, estimated from the model's scores (estimated: true).")
    private Proportion perThousand;

    @JsonPropertyDescription("The same at the window's prediction rate, per hour.")
    private Double perHour;

    @JsonPropertyDescription("true: no labels yet, so the cost is estimated from the scores (as estimated accuracy is).")
    private Boolean estimated;

    @JsonPropertyDescription("Labelled false positives in the window.")
    private Long falsePositives;

    @JsonPropertyDescription("Labelled false negatives in the window.")
    private Long falseNegatives;

    public String getUnit() {
        return unit;
    }

    public void setUnit(String unit) {
        this.unit = unit;
    }

    public Proportion getPerThousand() {
        return perThousand;
    }

    public void setPerThousand(Proportion perThousand) {
        this.perThousand = perThousand;
    }

    public Double getPerHour() {
        return perHour;
    }

    public void setPerHour(Double perHour) {
        this.perHour = perHour;
    }

    public Boolean getEstimated() {
        return estimated;
    }

    public void setEstimated(Boolean estimated) {
        this.estimated = estimated;
    }

    public Long getFalsePositives() {
        return falsePositives;
    }

    public void setFalsePositives(Long falsePositives) {
        this.falsePositives = falsePositives;
    }

    public Long getFalseNegatives() {
        return falseNegatives;
    }

    public void setFalseNegatives(Long falseNegatives) {
        this.falseNegatives = falseNegatives;
    }
}

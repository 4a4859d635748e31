package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A binary classifier's labelled mistakes in a window: what its expected cost is computed from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ErrorCounts {

    @JsonPropertyDescription("Labelled predictions of the positive class whose label was negative.")
    private Long falsePositives;

    @JsonPropertyDescription("Labelled predictions of the negative class whose label was positive.")
    private Long falseNegatives;

    @JsonPropertyDescription("Labelled predictions in all.")
    private Long labels;

    public ErrorCounts() {
    }

    public ErrorCounts(long falsePositives, long falseNegatives, long labels) {
        this.falsePositives = falsePositives;
        this.falseNegatives = falseNegatives;
        this.labels = labels;
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

    public Long getLabels() {
        return labels;
    }

    public void setLabels(Long labels) {
        this.labels = labels;
    }
}

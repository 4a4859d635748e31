package io.modelmonitor.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One fairness comparison across groups in the window, with its simultaneous interval. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FairnessStatus {

    @JsonPropertyDescription("The comparison: segmentAccuracyGap, statisticalParityDifference, disparateImpactRatio, "
            + "equalOpportunityDifference or equalizedOddsDifference.")
    private MetricName metric;

    @JsonPropertyDescription("Its value, with an interval that holds for all the groups' comparisons together "
            + "(Bonferroni) and the smallest group's n.")
    private Proportion estimate;

    @JsonPropertyDescription("The two groups that make the value: the higher rate first for a difference, the lower "
            + "for a ratio; with segment.reference set, the reference group second.")
    private List<String> between;

    @JsonPropertyDescription("Groups left out of the comparison for having fewer than evaluation.minSamples "
            + "observations of the rate: not judged, either way.")
    private List<String> insufficient;

    public MetricName getMetric() {
        return metric;
    }

    public void setMetric(MetricName metric) {
        this.metric = metric;
    }

    public Proportion getEstimate() {
        return estimate;
    }

    public void setEstimate(Proportion estimate) {
        this.estimate = estimate;
    }

    public List<String> getBetween() {
        return between;
    }

    public void setBetween(List<String> between) {
        this.between = between;
    }

    public List<String> getInsufficient() {
        return insufficient;
    }

    public void setInsufficient(List<String> insufficient) {
        this.insufficient = insufficient;
    }
}

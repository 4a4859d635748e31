package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SegmentStatus {

    @JsonPropertyDescription("Segment name as read from the request (or 'other' past the cardinality cap).")
    private String name;

    @JsonPropertyDescription("Accuracy of the labeled predictions of this segment.")
    private Proportion accuracy;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Proportion getAccuracy() {
        return accuracy;
    }

    public void setAccuracy(Proportion accuracy) {
        this.accuracy = accuracy;
    }
}

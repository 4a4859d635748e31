package io.modelmonitor.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One group's figures in the window, each proportion with its interval and n. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SegmentStatus {

    @JsonPropertyDescription("Segment name as read from the request (or 'other' past the cardinality cap).")
    private String name;

    @JsonPropertyDescription("Predictions of this segment in the window.")
    private Long predictions;

    @JsonPropertyDescription("Labeled predictions of this segment in the window.")
    private Long labels;

    @JsonPropertyDescription("Share of this segment's predictions that are the positive class (positiveLabel, one-vs-rest "
            + "for multiclass).")
    private Proportion positiveRate;

    @JsonPropertyDescription("Accuracy of the labeled predictions of this segment.")
    private Proportion accuracy;

    @JsonPropertyDescription("True-positive rate (recall) of this segment: positives predicted positive (binary tasks).")
    private Proportion truePositiveRate;

    @JsonPropertyDescription("False-positive rate of this segment: negatives predicted positive (binary tasks).")
    private Proportion falsePositiveRate;

    @JsonPropertyDescription("Precision of this segment's positive predictions (binary tasks).")
    private Proportion precision;

    @JsonPropertyDescription("Predictions of this segment by class (multiclass tasks): its prediction shares.")
    private Map<String, Long> predictedClasses;

    public Map<String, Long> getPredictedClasses() {
        return predictedClasses;
    }

    public void setPredictedClasses(Map<String, Long> predictedClasses) {
        this.predictedClasses = predictedClasses;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Long getPredictions() {
        return predictions;
    }

    public void setPredictions(Long predictions) {
        this.predictions = predictions;
    }

    public Long getLabels() {
        return labels;
    }

    public void setLabels(Long labels) {
        this.labels = labels;
    }

    public Proportion getPositiveRate() {
        return positiveRate;
    }

    public void setPositiveRate(Proportion positiveRate) {
        this.positiveRate = positiveRate;
    }

    public Proportion getAccuracy() {
        return accuracy;
    }

    public void setAccuracy(Proportion accuracy) {
        this.accuracy = accuracy;
    }

    public Proportion getTruePositiveRate() {
        return truePositiveRate;
    }

    public void setTruePositiveRate(Proportion truePositiveRate) {
        this.truePositiveRate = truePositiveRate;
    }

    public Proportion getFalsePositiveRate() {
        return falsePositiveRate;
    }

    public void setFalsePositiveRate(Proportion falsePositiveRate) {
        this.falsePositiveRate = falsePositiveRate;
    }

    public Proportion getPrecision() {
        return precision;
    }

    public void setPrecision(Proportion precision) {
        this.precision = precision;
    }
}

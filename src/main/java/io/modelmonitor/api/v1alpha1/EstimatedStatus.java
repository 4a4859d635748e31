package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Performance estimated without labels from a binary classifier's scores, and how far to trust it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EstimatedStatus {

    @JsonPropertyDescription("Scored predictions in the window.")
    private Long scored;

    private Proportion accuracy;
    private Proportion precision;
    private Proportion recall;
    private Proportion f1;

    @JsonPropertyDescription("Whether the scores were calibrated on the reference's labelled scores (else taken as they are).")
    private Boolean calibrated;

    @JsonPropertyDescription("On the predictions whose labels came: realised minus estimated accuracy, with its interval.")
    private Proportion calibrationGap;

    @JsonPropertyDescription("Jensen-Shannon distance of the scores' distribution from the reference's.")
    private Proportion scoreDrift;

    @JsonPropertyDescription("Why the estimate is not to be trusted (miscalibrated scores, inputs outside the reference); "
            + "absent when it is.")
    private String untrusted;

    public Long getScored() {
        return scored;
    }

    public void setScored(Long scored) {
        this.scored = scored;
    }

    public Proportion getAccuracy() {
        return accuracy;
    }

    public void setAccuracy(Proportion accuracy) {
        this.accuracy = accuracy;
    }

    public Proportion getPrecision() {
        return precision;
    }

    public void setPrecision(Proportion precision) {
        this.precision = precision;
    }

    public Proportion getRecall() {
        return recall;
    }

    public void setRecall(Proportion recall) {
        this.recall = recall;
    }

    public Proportion getF1() {
        return f1;
    }

    public void setF1(Proportion f1) {
        this.f1 = f1;
    }

    public Boolean getCalibrated() {
        return calibrated;
    }

    public void setCalibrated(Boolean calibrated) {
        this.calibrated = calibrated;
    }

    public Proportion getCalibrationGap() {
        return calibrationGap;
    }

    public void setCalibrationGap(Proportion calibrationGap) {
        this.calibrationGap = calibrationGap;
    }

    public Proportion getScoreDrift() {
        return scoreDrift;
    }

    public void setScoreDrift(Proportion scoreDrift) {
        this.scoreDrift = scoreDrift;
    }

    public String getUntrusted() {
        return untrusted;
    }

    public void setUntrusted(String untrusted) {
        this.untrusted = untrusted;
    }
}

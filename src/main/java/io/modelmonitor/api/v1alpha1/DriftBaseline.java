package io.modelmonitor.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The predicted-class distribution that prediction drift is measured against. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftBaseline {

    @JsonPropertyDescription("The revision whose predictions make up the baseline.")
    private Long revision;

    @JsonPropertyDescription("When the baseline was last recorded (RFC 3339).")
    private String recordedAt;

    @JsonPropertyDescription("Predictions per class in the window the baseline was recorded from.")
    private Map<String, Long> predictions;

    public Long getRevision() {
        return revision;
    }

    public void setRevision(Long revision) {
        this.revision = revision;
    }

    public String getRecordedAt() {
        return recordedAt;
    }

    public void setRecordedAt(String recordedAt) {
        this.recordedAt = recordedAt;
    }

    public Map<String, Long> getPredictions() {
        return predictions;
    }

    public void setPredictions(Map<String, Long> predictions) {
        this.predictions = predictions;
    }
}

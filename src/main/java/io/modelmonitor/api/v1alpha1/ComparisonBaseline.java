package io.modelmonitor.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The figures of a revision seen Healthy, recorded so that comparison objectives can still judge a new revision
 * against it once its pods are gone (a rolling update that replaced them all, an operator restart).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ComparisonBaseline {

    @JsonPropertyDescription("The revision the figures are of.")
    private Long revision;

    @JsonPropertyDescription("Its pod-template-hash.")
    private String podTemplateHash;

    @JsonPropertyDescription("When they were last recorded (the last evaluation it was Healthy in).")
    private String recordedAt;

    @JsonPropertyDescription("Its accuracy, precision, recall and error rate over its window then, each with its n.")
    private Map<String, Proportion> figures;

    @JsonPropertyDescription("Its latency histogram then: requests per bucket of the collectors' latency buckets.")
    private List<Long> latencyBuckets;

    @JsonPropertyDescription("Its labelled false positives and negatives then (binary tasks), for compareTo on expectedCost.")
    private ErrorCounts errors;

    public ErrorCounts getErrors() {
        return errors;
    }

    public void setErrors(ErrorCounts errors) {
        this.errors = errors;
    }

    public List<Long> getLatencyBuckets() {
        return latencyBuckets;
    }

    public void setLatencyBuckets(List<Long> latencyBuckets) {
        this.latencyBuckets = latencyBuckets;
    }

    public Long getRevision() {
        return revision;
    }

    public void setRevision(Long revision) {
        this.revision = revision;
    }

    public String getPodTemplateHash() {
        return podTemplateHash;
    }

    public void setPodTemplateHash(String podTemplateHash) {
        this.podTemplateHash = podTemplateHash;
    }

    public String getRecordedAt() {
        return recordedAt;
    }

    public void setRecordedAt(String recordedAt) {
        this.recordedAt = recordedAt;
    }

    public Map<String, Proportion> getFigures() {
        return figures;
    }

    public void setFigures(Map<String, Proportion> figures) {
        this.figures = figures;
    }
}

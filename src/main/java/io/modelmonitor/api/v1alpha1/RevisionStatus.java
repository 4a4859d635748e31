package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One revision of the target serving now (a rolling update, a canary and its stable), with its own window. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RevisionStatus {

    @JsonPropertyDescription("The revision's label value its pods carry: pod-template-hash (a Deployment), "
            + "controller-revision-hash (a StatefulSet).")
    private String podTemplateHash;

    @JsonPropertyDescription("Its revision number, as the workload's controller records it.")
    private Long revision;

    @JsonPropertyDescription("judged: the revision the objectives are judged on (the newest); baseline: the one "
            + "comparison objectives compare it with; serving: any other.")
    private String role;

    @JsonPropertyDescription("Its pods whose collectors were read.")
    private Integer pods;

    @JsonPropertyDescription("Requests its collectors saw in its window.")
    private Long requests;

    @JsonPropertyDescription("Its share of all the target's requests in the windows, 0 to 1.")
    private Double trafficShare;

    @JsonPropertyDescription("Labelled predictions in its window.")
    private Long labels;

    @JsonPropertyDescription("Its accuracy in its window, with the interval.")
    private Proportion accuracy;

    @JsonPropertyDescription("Its error rate in its window, with the interval.")
    private Proportion errorRate;

    @JsonPropertyDescription("A generative model's 95th percentile time to first token in its window, milliseconds.")
    private Double ttftP95Ms;

    @JsonPropertyDescription("A generative model's share of accepted answers in its window, with the interval.")
    private Proportion acceptanceRate;

    @JsonPropertyDescription("With spec.costs: what this revision's labelled mistakes cost per 1,000 predictions.")
    private Proportion expectedCost;

    public Proportion getExpectedCost() {
        return expectedCost;
    }

    public void setExpectedCost(Proportion expectedCost) {
        this.expectedCost = expectedCost;
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

    public String getPodTemplateHash() {
        return podTemplateHash;
    }

    public void setPodTemplateHash(String podTemplateHash) {
        this.podTemplateHash = podTemplateHash;
    }

    public Long getRevision() {
        return revision;
    }

    public void setRevision(Long revision) {
        this.revision = revision;
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public Integer getPods() {
        return pods;
    }

    public void setPods(Integer pods) {
        this.pods = pods;
    }

    public Long getRequests() {
        return requests;
    }

    public void setRequests(Long requests) {
        this.requests = requests;
    }

    public Double getTrafficShare() {
        return trafficShare;
    }

    public void setTrafficShare(Double trafficShare) {
        this.trafficShare = trafficShare;
    }

    public Long getLabels() {
        return labels;
    }

    public void setLabels(Long labels) {
        this.labels = labels;
    }

    public Proportion getAccuracy() {
        return accuracy;
    }

    public void setAccuracy(Proportion accuracy) {
        this.accuracy = accuracy;
    }

    public Proportion getErrorRate() {
        return errorRate;
    }

    public void setErrorRate(Proportion errorRate) {
        this.errorRate = errorRate;
    }
}

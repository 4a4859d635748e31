package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollbackRecord {

    @JsonPropertyDescription("When the rollback was triggered (RFC 3339).")
    private String time;

    @JsonPropertyDescription("The revision that breached.")
    private Long fromRevision;

    @JsonPropertyDescription("The revision restored.")
    private Long toRevision;

    @JsonPropertyDescription("Pod template hash of the revision that breached.")
    private String fromTemplateHash;

    @JsonPropertyDescription("Pod template hash of the revision restored.")
    private String toTemplateHash;

    @JsonPropertyDescription("How: restoreTemplate (the operator restored the earlier revision's pod template), abort "
            + "(the Rollout's update was aborted, and Argo Rollouts went back to its stable revision) or shiftTraffic "
            + "(the InferenceService's canary was set to trafficPercent 0, and KServe sends all traffic to the predictor).")
    private RollbackMethod method;

    @JsonPropertyDescription("Why: the breached objective with its interval.")
    private String reason;

    @JsonPropertyDescription("The metric of the breached objective.")
    private MetricName objective;

    @JsonPropertyDescription("The metric's value when the breach was confirmed.")
    private Double value;

    @JsonPropertyDescription("The objective's bound.")
    private Double bound;

    public RollbackMethod getMethod() {
        return method;
    }

    public void setMethod(RollbackMethod method) {
        this.method = method;
    }

    public String getTime() {
        return time;
    }

    public void setTime(String time) {
        this.time = time;
    }

    public Long getFromRevision() {
        return fromRevision;
    }

    public void setFromRevision(Long fromRevision) {
        this.fromRevision = fromRevision;
    }

    public Long getToRevision() {
        return toRevision;
    }

    public void setToRevision(Long toRevision) {
        this.toRevision = toRevision;
    }

    @JsonPropertyDescription("With spec.costs: what the model's mistakes cost when the rollback was triggered.")
    private String cost;

    public String getCost() {
        return cost;
    }

    public void setCost(String cost) {
        this.cost = cost;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public MetricName getObjective() {
        return objective;
    }

    public void setObjective(MetricName objective) {
        this.objective = objective;
    }

    public Double getValue() {
        return value;
    }

    public void setValue(Double value) {
        this.value = value;
    }

    public Double getBound() {
        return bound;
    }

    public void setBound(Double bound) {
        this.bound = bound;
    }

    public String getFromTemplateHash() {
        return fromTemplateHash;
    }

    public void setFromTemplateHash(String fromTemplateHash) {
        this.fromTemplateHash = fromTemplateHash;
    }

    public String getToTemplateHash() {
        return toTemplateHash;
    }

    public void setToTemplateHash(String toTemplateHash) {
        this.toTemplateHash = toTemplateHash;
    }
}

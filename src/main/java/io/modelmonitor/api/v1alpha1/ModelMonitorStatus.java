package io.modelmonitor.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("What the operator observed: the phase, conditions, the window's metrics with their confidence "
        + "intervals, each objective's judgement, and the rollback history. Written by the operator only.")
public class ModelMonitorStatus {

    @JsonPropertyDescription("The metadata.generation this status was computed from.")
    private Long observedGeneration;

    @JsonPropertyDescription("Summary of the monitor's state: Pending, Collecting, Healthy, InsufficientData, Breached, "
            + "RollingBack, RolledBack or Invalid.")
    private Phase phase;

    @JsonPropertyDescription("The target Deployment's current revision (deployment.kubernetes.io/revision).")
    private Long targetRevision;

    @JsonPropertyDescription("When the operator first saw targetRevision (RFC 3339): windows of that revision start no "
            + "earlier, also for an operator replica that takes over later.")
    private String targetRevisionSince;

    @JsonPropertyDescription("A revision of the target whose pods are not all ready yet, and since when (RFC 3339): "
            + "what evaluation.readinessTimeout is measured from. Empty once they are.")
    private Long unreadyRevision;

    @JsonPropertyDescription("Since when unreadyRevision has not been ready (RFC 3339).")
    private String unreadySince;

    @JsonPropertyDescription("The last revision of the target all of whose pods were seen ready: pods of it that are "
            + "not ready later (a scale-up, a replaced pod) never breach availability.")
    private Long readyRevision;

    public Long getReadyRevision() {
        return readyRevision;
    }

    public void setReadyRevision(Long readyRevision) {
        this.readyRevision = readyRevision;
    }

    public Long getUnreadyRevision() {
        return unreadyRevision;
    }

    public void setUnreadyRevision(Long unreadyRevision) {
        this.unreadyRevision = unreadyRevision;
    }

    public String getUnreadySince() {
        return unreadySince;
    }

    public void setUnreadySince(String unreadySince) {
        this.unreadySince = unreadySince;
    }

    public String getTargetRevisionSince() {
        return targetRevisionSince;
    }

    public void setTargetRevisionSince(String targetRevisionSince) {
        this.targetRevisionSince = targetRevisionSince;
    }

    @JsonPropertyDescription("The last revision of the target seen Healthy; a rollback restores it.")
    private Long lastKnownGoodRevision;

    @JsonPropertyDescription("Pod template hash (pod-template-hash) of the last known-good revision: its identity, "
            + "which survives the renumbering a rollback causes.")
    private String lastKnownGoodTemplateHash;

    @JsonPropertyDescription("Pod template hashes of revisions that breached an objective; never rolled back to.")
    private List<String> breachedTemplateHashes;

    @JsonPropertyDescription("How many collectors are expected, ready and reporting data.")
    private CollectorsStatus collectors;

    @JsonPropertyDescription("The metrics of the current window, each proportion with its confidence interval and sample size.")
    private MetricsStatus metrics;

    @JsonPropertyDescription("The state of every objective at the last evaluation.")
    private List<ObjectiveStatus> objectives;

    @JsonPropertyDescription("Conditions per Kubernetes API conventions: Ready, CollectorsReady, Degraded, RolledBack.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The most recent rollback this monitor performed or attempted.")
    private RollbackRecord lastRollback;

    @JsonPropertyDescription("The predicted-class distribution recorded while the model was last Healthy; "
            + "predictionDrift compares the current window with it.")
    private DriftBaseline driftBaseline;

    @JsonPropertyDescription("The revision the objectives are judged on (the newest), by the label its pods carry: "
            + "pod-template-hash, or controller-revision-hash for a StatefulSet.")
    private String judgedTemplateHash;

    @JsonPropertyDescription("Every revision serving now, each with its own window and share of traffic: more than "
            + "one during a rolling update or a canary.")
    private List<RevisionStatus> revisions;

    @JsonPropertyDescription("The last two revisions seen Healthy, newest first, with their figures then. A "
            + "comparison objective (compareTo: baseline) judges a revision against the newest one that is not itself: "
            + "its pods' window while they serve, else these figures.")
    private List<ComparisonBaseline> healthyRevisions;

    @JsonPropertyDescription("When the objectives were last judged (RFC 3339).")
    private String lastEvaluationTime;

    @JsonPropertyDescription("The Deployment this monitor injected its collector into. When spec.target.name names "
            + "another one, the collector is removed from this one.")
    private String injectedDeployment;

    @JsonPropertyDescription("The Service this monitor routes through its collectors. When spec.target.service changes "
            + "or goes, this one targets the model directly again.")
    private String routedService;

    @JsonPropertyDescription("The severity of the open breach's alert (its objective's severity), until the recovery: "
            + "the rollback and recovery alerts that follow it go to the receivers the breach went to.")
    private Severity incidentSeverity;

    public Severity getIncidentSeverity() {
        return incidentSeverity;
    }

    public void setIncidentSeverity(Severity incidentSeverity) {
        this.incidentSeverity = incidentSeverity;
    }

    public String getJudgedTemplateHash() {
        return judgedTemplateHash;
    }

    public void setJudgedTemplateHash(String judgedTemplateHash) {
        this.judgedTemplateHash = judgedTemplateHash;
    }

    public List<RevisionStatus> getRevisions() {
        return revisions;
    }

    public void setRevisions(List<RevisionStatus> revisions) {
        this.revisions = revisions;
    }

    public List<ComparisonBaseline> getHealthyRevisions() {
        return healthyRevisions;
    }

    public void setHealthyRevisions(List<ComparisonBaseline> healthyRevisions) {
        this.healthyRevisions = healthyRevisions;
    }

    public String getInjectedDeployment() {
        return injectedDeployment;
    }

    public void setInjectedDeployment(String injectedDeployment) {
        this.injectedDeployment = injectedDeployment;
    }

    public String getRoutedService() {
        return routedService;
    }

    public void setRoutedService(String routedService) {
        this.routedService = routedService;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public Long getTargetRevision() {
        return targetRevision;
    }

    public void setTargetRevision(Long targetRevision) {
        this.targetRevision = targetRevision;
    }

    public Long getLastKnownGoodRevision() {
        return lastKnownGoodRevision;
    }

    public void setLastKnownGoodRevision(Long lastKnownGoodRevision) {
        this.lastKnownGoodRevision = lastKnownGoodRevision;
    }

    public CollectorsStatus getCollectors() {
        return collectors;
    }

    public void setCollectors(CollectorsStatus collectors) {
        this.collectors = collectors;
    }

    public MetricsStatus getMetrics() {
        return metrics;
    }

    public void setMetrics(MetricsStatus metrics) {
        this.metrics = metrics;
    }

    public List<ObjectiveStatus> getObjectives() {
        return objectives;
    }

    public void setObjectives(List<ObjectiveStatus> objectives) {
        this.objectives = objectives;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public RollbackRecord getLastRollback() {
        return lastRollback;
    }

    public void setLastRollback(RollbackRecord lastRollback) {
        this.lastRollback = lastRollback;
    }

    public String getLastEvaluationTime() {
        return lastEvaluationTime;
    }

    public void setLastEvaluationTime(String lastEvaluationTime) {
        this.lastEvaluationTime = lastEvaluationTime;
    }

    public DriftBaseline getDriftBaseline() {
        return driftBaseline;
    }

    public void setDriftBaseline(DriftBaseline driftBaseline) {
        this.driftBaseline = driftBaseline;
    }

    public String getLastKnownGoodTemplateHash() {
        return lastKnownGoodTemplateHash;
    }

    public void setLastKnownGoodTemplateHash(String lastKnownGoodTemplateHash) {
        this.lastKnownGoodTemplateHash = lastKnownGoodTemplateHash;
    }

    public List<String> getBreachedTemplateHashes() {
        return breachedTemplateHashes;
    }

    public void setBreachedTemplateHashes(List<String> breachedTemplateHashes) {
        this.breachedTemplateHashes = breachedTemplateHashes;
    }
}

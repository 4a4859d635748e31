package io.modelmonitor.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonClassDescription("What to monitor and how: the target workload, how its predictions are read, the objectives "
        + "with their bounds, how they are judged, and what happens on a confirmed breach.")
@ValidationRule(value = "!has(self.target.kind) || self.target.kind != 'InferenceService' || has(self.collector) "
        + "&& has(self.collector.injection) && self.collector.injection == 'webhook'",
        message = "spec.collector.injection must be webhook when spec.target.kind is InferenceService: KServe owns its "
                + "Deployments and would undo a template edit")
@ValidationRule(value = "!self.objectives.exists(o, o.metric in ['featureDrift', 'missingRate', 'wrongTypeRate', "
        + "'outOfRangeRate', 'unseenCategoryRate', 'schemaViolationRate']) || (has(self.model.features) "
        + "&& size(self.model.features) > 0)",
        message = "objectives on the model's inputs need model.features")
@ValidationRule(value = "!self.objectives.exists(o, o.metric in ['featureDrift', 'outOfRangeRate', 'unseenCategoryRate', "
        + "'scoreDrift']) || has(self.reference)",
        message = "featureDrift, outOfRangeRate, unseenCategoryRate and scoreDrift compare with a reference: set "
                + "reference.configMap")
@ValidationRule(value = "self.objectives.filter(o, has(o.budget)).size() <= 8",
        message = "at most 8 objectives have a budget: each keeps its history in status")
@ValidationRule(value = "!self.objectives.exists(o, o.metric == 'expectedCost') || has(self.costs)",
        message = "expectedCost needs costs: what a false positive and a false negative cost, and the unit")
public class ModelMonitorSpec {

    /** Why the stored spec could not be read (see {@link StoredSpec}), or null: it is not part of the resource. */
    @JsonIgnore
    private transient String unreadable;

    /** The stored spec as it was, for a placeholder: written back as it was, so a copy is unreadable again. */
    @JsonIgnore
    private transient JsonNode stored;

    /** A placeholder for a stored spec this operator cannot read: defaults, the target if it could be read, and why. */
    static ModelMonitorSpec unreadable(String problem, TargetSpec target, JsonNode stored) {
        ModelMonitorSpec spec = new ModelMonitorSpec();
        spec.unreadable = problem;
        spec.target = target;
        spec.stored = stored;
        return spec;
    }

    JsonNode stored() {
        return stored;
    }

    /** Why the stored spec could not be read, or null when it was read. */
    public String unreadable() {
        return unreadable;
    }

    @Required
    @JsonPropertyDescription("The workload that serves the model.")
    private TargetSpec target = new TargetSpec();

    @Required
    @JsonPropertyDescription("What the model predicts and how its requests and responses are read.")
    private ModelSpec model = new ModelSpec();

    @JsonPropertyDescription("How ground-truth labels reach the collector and how long predictions wait for them.")
    private GroundTruthSpec groundTruth = new GroundTruthSpec();

    @JsonPropertyDescription("The sidecar that proxies the model's traffic and records what it sees.")
    private CollectorSpec collector = new CollectorSpec();

    @JsonPropertyDescription("How often and over which window the objectives are judged.")
    private EvaluationSpec evaluation = new EvaluationSpec();

    @Required
    @Size(min = 1, max = 32)
    @ValidationRule(value = "self.all(o, self.exists_one(p, p.metric == o.metric && has(p.min) == has(o.min) "
            + "&& has(p.compareTo) == has(o.compareTo)))",
            message = "each metric may have at most one min, one max and one compareTo objective")
    @JsonPropertyDescription("The service-level objectives of the model. Each names a metric and exactly one of min "
            + "or max, or compareTo: baseline with a margin.")
    private List<ObjectiveSpec> objectives = new ArrayList<>();

    @JsonPropertyDescription("Where the metrics come from: the collectors directly (default) or Prometheus.")
    private MetricsSourceSpec metricsSource;

    @JsonPropertyDescription("What the model's inputs are compared with: a profile of its training data in a ConfigMap. "
            + "Without it, model.features still get their data-quality figures (missing and wrong-type rates).")
    private ReferenceSpec reference;

    @JsonPropertyDescription("What the model's mistakes cost, for binary classifiers: per false positive and false "
            + "negative, in the business's unit. Gives expectedCost (status, objectives, alerts and the rollback record).")
    private CostSpec costs;

    public CostSpec getCosts() {
        return costs;
    }

    public void setCosts(CostSpec costs) {
        this.costs = costs;
    }

    @JsonPropertyDescription("What happens to the Deployment when an objective is breached with confidence.")
    private RollbackSpec rollback = new RollbackSpec();

    @Size(max = 16)
    @ValidationRule(value = "self.all(a, self.exists_one(b, b.name == a.name))", message = "alert names must be unique")
    @JsonPropertyDescription("Who is told about breaches, rollbacks and recoveries.")
    private List<AlertSpec> alerts = new ArrayList<>();

    public TargetSpec getTarget() {
        return target;
    }

    public void setTarget(TargetSpec target) {
        this.target = target;
    }

    public ModelSpec getModel() {
        return model;
    }

    public void setModel(ModelSpec model) {
        this.model = model;
    }

    public GroundTruthSpec getGroundTruth() {
        return groundTruth;
    }

    public void setGroundTruth(GroundTruthSpec groundTruth) {
        this.groundTruth = groundTruth;
    }

    public CollectorSpec getCollector() {
        return collector;
    }

    public void setCollector(CollectorSpec collector) {
        this.collector = collector;
    }

    public EvaluationSpec getEvaluation() {
        return evaluation;
    }

    public void setEvaluation(EvaluationSpec evaluation) {
        this.evaluation = evaluation;
    }

    /** The objective on this metric with this kind of bound (a min, a max, or a comparison): at most one, by CEL. */
    public Optional<ObjectiveSpec> objective(MetricName metric, boolean min, boolean comparison) {
        return objectives == null ? Optional.empty() : objectives.stream()
                .filter(o -> o.getMetric() == metric && (o.getCompareTo() != null) == comparison
                        && (comparison || (o.getMin() != null) == min))
                .findFirst();
    }

    public List<ObjectiveSpec> getObjectives() {
        return objectives;
    }

    public void setObjectives(List<ObjectiveSpec> objectives) {
        this.objectives = objectives;
    }

    public ReferenceSpec getReference() {
        return reference;
    }

    public void setReference(ReferenceSpec reference) {
        this.reference = reference;
    }

    public MetricsSourceSpec getMetricsSource() {
        return metricsSource;
    }

    public void setMetricsSource(MetricsSourceSpec metricsSource) {
        this.metricsSource = metricsSource;
    }

    public RollbackSpec getRollback() {
        return rollback;
    }

    public void setRollback(RollbackSpec rollback) {
        this.rollback = rollback;
    }

    public List<AlertSpec> getAlerts() {
        return alerts;
    }

    public void setAlerts(List<AlertSpec> alerts) {
        this.alerts = alerts;
    }
}

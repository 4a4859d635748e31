package io.modelmonitor.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "has(self.compareTo) ? !has(self.min) && !has(self.max) && has(self.margin) "
        + ": has(self.min) != has(self.max) && !has(self.margin)",
        message = "set exactly one of min or max, or compareTo with a margin (and neither min nor max)")
@ValidationRule(value = "!has(self.compareTo) || self.metric in ['accuracy', 'precision', 'recall', 'errorRate', "
        + "'latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms', 'ttftP50Ms', 'ttftP95Ms', 'ttftP99Ms', 'acceptanceRate', "
        + "'truncationRate', 'expectedCost']",
        message = "compareTo compares accuracy, precision, recall, errorRate, acceptanceRate, truncationRate, "
                + "expectedCost or a latency or time-to-first-token percentile")
@ValidationRule(value = "!has(self.margin) || self.metric.startsWith('latency') || self.metric.startsWith('ttft') "
        + "|| self.metric == 'expectedCost' || self.margin <= 1.0",
        message = "the margin of a proportion is at most 1 (a latency margin is in milliseconds, a cost margin in "
                + "costs.unit per 1,000 predictions)")
@ValidationRule(value = "self.metric != 'expectedCost' || has(self.max) || has(self.compareTo)",
        message = "expectedCost takes a max (in costs.unit per 1,000 predictions) or compareTo")
@ValidationRule(value = "!(self.metric in ['outputTokensPerSecond', 'acceptanceRate', 'meanScore']) || has(self.min) "
        + "|| has(self.compareTo)",
        message = "outputTokensPerSecond, acceptanceRate and meanScore take a min")
@ValidationRule(value = "!(self.metric in ['featureDrift', 'missingRate', 'wrongTypeRate', 'outOfRangeRate', "
        + "'unseenCategoryRate', 'schemaViolationRate', 'scoreDrift']) || has(self.max)",
        message = "the input metrics (featureDrift and the data-quality rates) and scoreDrift take a max")
@ValidationRule(value = "!(self.metric in ['estimatedAccuracy', 'estimatedPrecision', 'estimatedRecall', 'estimatedF1']) "
        + "|| has(self.min)",
        message = "the estimated metrics take a min")
@ValidationRule(value = "!has(self.features) || self.metric in ['featureDrift', 'missingRate', 'wrongTypeRate', "
        + "'outOfRangeRate', 'unseenCategoryRate']",
        message = "features names the inputs of featureDrift or a per-feature rate")
public class ObjectiveSpec {

    @Required
    @JsonPropertyDescription("The metric: accuracy, precision, recall, f1, errorRate, throughputRps, latencyP50Ms, "
            + "latencyP95Ms, latencyP99Ms, segmentAccuracyGap, statisticalParityDifference, disparateImpactRatio, "
            + "equalOpportunityDifference, equalizedOddsDifference (binary tasks), predictionDrift, mae or rmse; before "
            + "labels: featureDrift, missingRate, wrongTypeRate, outOfRangeRate, unseenCategoryRate, schemaViolationRate "
            + "(model.features), estimatedAccuracy, estimatedPrecision, estimatedRecall, estimatedF1, scoreDrift (scores); "
            + "generative models (task generation): ttftP50Ms, ttftP95Ms, ttftP99Ms, interTokenLatencyP50Ms, "
            + "interTokenLatencyP99Ms, outputTokensPerSecond, truncationRate, acceptanceRate, meanScore, acceptanceRateGap; "
            + "with costs (binary tasks): expectedCost, per 1,000 predictions. The "
            + "fairness metrics compare the groups of model.segment with simultaneous intervals.")
    private MetricName metric;

    @JsonPropertyDescription("Lower bound: breached only when the whole confidence interval lies below it.")
    private Double min;

    @JsonPropertyDescription("Upper bound: breached only when the whole confidence interval lies above it.")
    private Double max;

    @JsonPropertyDescription("baseline: a comparison objective. The revision being judged (the newest, e.g. a "
            + "canary) against its baseline (the last known-good revision: its pods while they still serve, else its "
            + "figures recorded when it was last Healthy), by a non-inferiority test on the difference; with margin, "
            + "not min or max.")
    private ComparisonTarget compareTo;

    @Min(0)
    @Max(3_600_000)
    @JsonPropertyDescription("With compareTo: how much worse than the baseline the judged revision may be: a "
            + "proportion for accuracy, precision, recall, errorRate, acceptanceRate and truncationRate (0.02: two points), "
            + "milliseconds for a latency or time-to-first-token percentile, costs.unit per 1,000 predictions for "
            + "expectedCost. Breached only when the whole interval of the difference lies beyond it.")
    private Double margin;

    @JsonPropertyDescription("false: a dry run. The objective is judged and shown in status, metrics and alerts' "
            + "details, but it never makes the monitor Breached, never rolls back and never keeps it from Healthy. "
            + "Default true, except for featureDrift: a drifted input is a reason to look, so it alerts unless this "
            + "says true.")
    private Boolean enforce;

    @Size(max = FeatureSpec.MAX_FEATURES)
    @JsonPropertyDescription("For featureDrift and the per-feature rates: the features judged (names of "
            + "model.features, checked by the operator); all of them when unset.")
    private List<String> features;

    @JsonPropertyDescription("How urgent a breach of this objective is: critical (pages; the default), warning (a "
            + "ticket) or info. Alert receivers take what their minSeverity allows; the rollback and the recovery that "
            + "follow a breach go where the breach went. Also the severity label of the operator's objective metrics.")
    private Severity severity;

    @Size(max = 2048)
    @Pattern("^https?://[^\\s]+$")
    @JsonPropertyDescription("What to do when this objective is breached: a runbook URL every alert of the breach links to.")
    private String runbookUrl;

    public String getRunbookUrl() {
        return runbookUrl;
    }

    public void setRunbookUrl(String runbookUrl) {
        this.runbookUrl = runbookUrl;
    }

    @JsonPropertyDescription("An error budget: Met in target of the judged evaluations over periodDays. Status shows "
            + "the budget left and the burn rates; a fast burn pages (critical), a slow one tickets (warning), by the SRE "
            + "workbook's multi-window rules.")
    private BudgetSpec budget;

    public BudgetSpec getBudget() {
        return budget;
    }

    public void setBudget(BudgetSpec budget) {
        this.budget = budget;
    }

    public Severity getSeverity() {
        return severity;
    }

    public void setSeverity(Severity severity) {
        this.severity = severity;
    }

    /** The severity as it says, else critical: a breach that rolls back is worth a page unless told otherwise. */
    public Severity severityOrDefault() {
        return severity == null ? Severity.critical : severity;
    }

    public List<String> getFeatures() {
        return features;
    }

    public void setFeatures(List<String> features) {
        this.features = features;
    }

    /** Whether the objective is enforced: as it says, else true except for featureDrift. */
    public boolean enforced() {
        return enforce != null ? enforce : metric != MetricName.featureDrift;
    }

    public Boolean getEnforce() {
        return enforce;
    }

    public void setEnforce(Boolean enforce) {
        this.enforce = enforce;
    }

    public ObjectiveSpec() {
    }

    public static ObjectiveSpec min(MetricName metric, double bound) {
        ObjectiveSpec o = new ObjectiveSpec();
        o.metric = metric;
        o.min = bound;
        return o;
    }

    /** {@code metric} of the judged revision not worse than the baseline's by more than {@code margin}. */
    public static ObjectiveSpec comparedToBaseline(MetricName metric, double margin) {
        ObjectiveSpec o = new ObjectiveSpec();
        o.metric = metric;
        o.compareTo = ComparisonTarget.baseline;
        o.margin = margin;
        return o;
    }

    public ComparisonTarget getCompareTo() {
        return compareTo;
    }

    public void setCompareTo(ComparisonTarget compareTo) {
        this.compareTo = compareTo;
    }

    public Double getMargin() {
        return margin;
    }

    public void setMargin(Double margin) {
        this.margin = margin;
    }

    public static ObjectiveSpec max(MetricName metric, double bound) {
        ObjectiveSpec o = new ObjectiveSpec();
        o.metric = metric;
        o.max = bound;
        return o;
    }

    public MetricName getMetric() {
        return metric;
    }

    public void setMetric(MetricName metric) {
        this.metric = metric;
    }

    public Double getMin() {
        return min;
    }

    public void setMin(Double min) {
        this.min = min;
    }

    public Double getMax() {
        return max;
    }

    public void setMax(Double max) {
        this.max = max;
    }
}

package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "has(self.min) != has(self.max)", message = "set exactly one of min or max")
public class ObjectiveSpec {

    @Required
    @JsonPropertyDescription("The metric: accuracy, precision, recall, f1, errorRate, throughputRps, latencyP50Ms, "
            + "latencyP95Ms, latencyP99Ms, segmentAccuracyGap, statisticalParityDifference, disparateImpactRatio, "
            + "equalOpportunityDifference, equalizedOddsDifference (binary tasks), predictionDrift, mae or rmse. The "
            + "fairness metrics compare the groups of model.segment with simultaneous intervals.")
    private MetricName metric;

    @JsonPropertyDescription("Lower bound: breached only when the whole confidence interval lies below it.")
    private Double min;

    @JsonPropertyDescription("Upper bound: breached only when the whole confidence interval lies above it.")
    private Double max;

    @io.fabric8.generator.annotation.Default("true")
    @JsonPropertyDescription("false: a dry run. The objective is judged and shown in status, metrics and alerts' "
            + "details, but it never makes the monitor Breached, never rolls back and never keeps it from Healthy.")
    private Boolean enforce = true;

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

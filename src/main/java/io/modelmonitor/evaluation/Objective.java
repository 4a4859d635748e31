package io.modelmonitor.evaluation;

import io.modelmonitor.api.v1alpha1.MetricName;

/** An objective as the rules see it: a metric and one bound. */
public record Objective(MetricName metric, Double min, Double max) {

    public double bound() {
        return min != null ? min : max;
    }

    public String describe() {
        return metric + (min != null ? " >= " + min : " <= " + max);
    }
}

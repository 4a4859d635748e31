package io.modelmonitor.evaluation;

import io.modelmonitor.api.v1alpha1.MetricName;

/**
 * An objective as the rules see it: a metric, one bound, and whether it is enforced (a dry-run objective, enforce
 * false, is judged and reported but never breaches the monitor, never rolls back).
 */
public record Objective(MetricName metric, Double min, Double max, boolean enforce) {

    public Objective(MetricName metric, Double min, Double max) {
        this(metric, min, max, true);
    }

    public double bound() {
        return min != null ? min : max;
    }

    /** Identifies the objective among a monitor's: one min and one max objective per metric. */
    public String key() {
        return key(metric, min != null);
    }

    public static String key(MetricName metric, boolean min) {
        return metric + (min ? "/min" : "/max");
    }

    public String describe() {
        return metric + (min != null ? " >= " + min : " <= " + max);
    }
}

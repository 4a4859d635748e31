package io.modelmonitor.evaluation;

import java.util.List;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;

/**
 * An objective as the rules see it: a metric, one bound, and whether it is enforced (a dry-run objective, enforce
 * false, is judged and reported but never breaches the monitor, never rolls back). With a {@code margin} instead
 * of a bound it is a comparison: the judged revision against its baseline, not worse by more than the margin.
 */
public record Objective(MetricName metric, Double min, Double max, boolean enforce, Double margin, List<String> features) {

    /** @param features the input features judged (empty: all of them) */
    public Objective {
        features = features == null ? List.of() : List.copyOf(features);
    }

    public Objective(MetricName metric, Double min, Double max, boolean enforce, Double margin) {
        this(metric, min, max, enforce, margin, List.of());
    }

    public Objective(MetricName metric, Double min, Double max) {
        this(metric, min, max, true);
    }

    public Objective(MetricName metric, Double min, Double max, boolean enforce) {
        this(metric, min, max, enforce, null);
    }

    /** The judged revision's {@code metric} not worse than the baseline's by more than {@code margin}. */
    public static Objective comparison(MetricName metric, double margin, boolean enforce) {
        return new Objective(metric, null, null, enforce, margin);
    }

    public boolean comparison() {
        return margin != null;
    }

    /** The bound, or for a comparison its margin. */
    public double bound() {
        return min != null ? min : max != null ? max : margin;
    }

    /** Identifies the objective among a monitor's: one min, one max and one comparison objective per metric. */
    public String key() {
        return key(metric, min != null, comparison());
    }

    /** The key of the objective a status entry reports on. */
    public static String key(ObjectiveStatus status) {
        return key(status.getMetric(), status.getMin() != null, status.getCompareTo() != null);
    }

    public static String key(MetricName metric, boolean min, boolean comparison) {
        return metric + (comparison ? "/baseline" : min ? "/min" : "/max");
    }

    public String describe() {
        return metric + (comparison() ? " within " + margin + " of the baseline" : min != null ? " >= " + min : " <= " + max);
    }
}

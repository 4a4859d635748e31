package io.modelmonitor.evaluation;

import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.metrics.Intervals.Estimate;

/** One objective judged once: its state, the estimate behind it and why, in words. */
public record Judgement(Objective objective, ObjectiveState state, Estimate estimate, String reason) {

    public Double value() {
        return estimate == null || Double.isNaN(estimate.value()) ? null : estimate.value();
    }
}

package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * An error budget for an objective: Met in {@code target} of its judged evaluations over {@code periodDays}, with
 * burn-rate alerts by the SRE workbook's multi-window rules.
 */
public class BudgetSpec {

    @Required
    @Min(0.5)
    @Max(0.9999)
    @JsonPropertyDescription("The share of judged evaluations (Met or Breached; InsufficientData counts neither way) "
            + "that should be Met, e.g. 0.99; 0.5 to 0.9999.")
    private Double target;

    @Min(1)
    @Max(90)
    @Default("28")
    @JsonPropertyDescription("The period the budget is counted over, in days (1 to 90; default 28).")
    private Integer periodDays = 28;

    public BudgetSpec() {
    }

    public BudgetSpec(double target, int periodDays) {
        this.target = target;
        this.periodDays = periodDays;
    }

    public Double getTarget() {
        return target;
    }

    public void setTarget(Double target) {
        this.target = target;
    }

    public Integer getPeriodDays() {
        return periodDays;
    }

    public void setPeriodDays(Integer periodDays) {
        this.periodDays = periodDays;
    }
}

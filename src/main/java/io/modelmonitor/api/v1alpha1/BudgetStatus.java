package io.modelmonitor.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An objective's error budget: what is left, how fast it burns, what that asks for, and the history it is counted from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BudgetStatus {

    @JsonPropertyDescription("The objective's target, as the spec says.")
    private Double target;

    @JsonPropertyDescription("The period in days, as the spec says.")
    private Integer periodDays;

    @JsonPropertyDescription("Share of the period's budget left: 1 untouched, 0 spent, below 0 overspent.")
    private Double remaining;

    @JsonPropertyDescription("Met and Breached evaluations judged in the period.")
    private Long judged;

    @JsonPropertyDescription("Breached evaluations in the period.")
    private Long breached;

    @JsonPropertyDescription("Burn rate per window (5m, 30m, 1h, 6h, 1d, 3d): the window's Breached share over the "
            + "allowed share (1 - target); 1 spends the budget exactly over the period.")
    private Map<String, Double> burnRates;

    @JsonPropertyDescription("What the burn asks for: None, Ticket (3 days and 6 hours faster than allowed) or Page "
            + "(an hour faster than 14.4, or 6 hours faster than 6, with the short windows agreeing).")
    private String alert;

    @JsonPropertyDescription("Since when (RFC 3339) the alert has been what it is.")
    private String alertSince;

    @JsonPropertyDescription("The counts the budget is computed from, kept here so they survive operator restarts: "
            + "bounded buckets (minutes for an hour, ten minutes for 6 hours, hours for 3 days, days for 90 days).")
    private String history;

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

    public Double getRemaining() {
        return remaining;
    }

    public void setRemaining(Double remaining) {
        this.remaining = remaining;
    }

    public Long getJudged() {
        return judged;
    }

    public void setJudged(Long judged) {
        this.judged = judged;
    }

    public Long getBreached() {
        return breached;
    }

    public void setBreached(Long breached) {
        this.breached = breached;
    }

    public Map<String, Double> getBurnRates() {
        return burnRates;
    }

    public void setBurnRates(Map<String, Double> burnRates) {
        this.burnRates = burnRates;
    }

    public String getAlert() {
        return alert;
    }

    public void setAlert(String alert) {
        this.alert = alert;
    }

    public String getAlertSince() {
        return alertSince;
    }

    public void setAlertSince(String alertSince) {
        this.alertSince = alertSince;
    }

    public String getHistory() {
        return history;
    }

    public void setHistory(String history) {
        this.history = history;
    }
}

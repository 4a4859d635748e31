package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObjectiveStatus {

    @JsonPropertyDescription("The metric judged.")
    private MetricName metric;

    @JsonPropertyDescription("The objective's lower bound, if it has one.")
    private Double min;

    @JsonPropertyDescription("The objective's upper bound, if it has one.")
    private Double max;

    @JsonPropertyDescription("baseline for a comparison objective: value, lower and upper are then the difference "
            + "judged minus baseline.")
    private ComparisonTarget compareTo;

    @JsonPropertyDescription("A comparison objective's margin.")
    private Double margin;

    @JsonPropertyDescription("Lower bound of the value's confidence interval, when it has one.")
    private Double lower;

    @JsonPropertyDescription("Upper bound of the value's confidence interval, when it has one.")
    private Double upper;

    @JsonPropertyDescription("Samples the value is computed from (labels, requests or predictions).")
    private Long n;

    @JsonPropertyDescription("The metric's value at the last evaluation.")
    private Double value;

    @JsonPropertyDescription("Met, Breached or InsufficientData.")
    private ObjectiveState state;

    @JsonPropertyDescription("Evaluations in a row this objective has been Breached.")
    private Integer consecutiveBreaches;

    @JsonPropertyDescription("Why the objective is in its state, e.g. the interval and the sample size.")
    private String message;

    @JsonPropertyDescription("true for a dry-run objective (spec enforce: false): judged and shown, never acted on.")
    private Boolean dryRun;

    @JsonPropertyDescription("The objective's error budget, when the spec gives it one.")
    private BudgetStatus budget;

    public BudgetStatus getBudget() {
        return budget;
    }

    public void setBudget(BudgetStatus budget) {
        this.budget = budget;
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

    public Double getLower() {
        return lower;
    }

    public void setLower(Double lower) {
        this.lower = lower;
    }

    public Double getUpper() {
        return upper;
    }

    public void setUpper(Double upper) {
        this.upper = upper;
    }

    public Long getN() {
        return n;
    }

    public void setN(Long n) {
        this.n = n;
    }

    public Boolean getDryRun() {
        return dryRun;
    }

    public void setDryRun(Boolean dryRun) {
        this.dryRun = dryRun;
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

    public Double getValue() {
        return value;
    }

    public void setValue(Double value) {
        this.value = value;
    }

    public ObjectiveState getState() {
        return state;
    }

    public void setState(ObjectiveState state) {
        this.state = state;
    }

    public Integer getConsecutiveBreaches() {
        return consecutiveBreaches;
    }

    public void setConsecutiveBreaches(Integer consecutiveBreaches) {
        this.consecutiveBreaches = consecutiveBreaches;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}

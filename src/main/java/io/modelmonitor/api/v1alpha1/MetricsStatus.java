package io.modelmonitor.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricsStatus {

    @JsonPropertyDescription("Length of the window these metrics cover, e.g. 5m.")
    private String window;

    @JsonPropertyDescription("Requests seen in the window.")
    private Long requests;

    @JsonPropertyDescription("Predictions read in the window.")
    private Long predictions;

    @JsonPropertyDescription("Predictions joined with a ground-truth label in the window.")
    private Long labels;

    @JsonPropertyDescription("Share of labeled predictions that were correct.")
    private Proportion accuracy;

    @JsonPropertyDescription("Binary: precision of the positive label. Multiclass: macro average.")
    private Proportion precision;

    @JsonPropertyDescription("Binary: recall of the positive label. Multiclass: macro average.")
    private Proportion recall;

    @JsonPropertyDescription("Harmonic mean of precision and recall (macro average for multiclass).")
    private Double f1;

    @JsonPropertyDescription("Share of requests answered with 5xx or not answered by the model.")
    private Proportion errorRate;

    @JsonPropertyDescription("Share of predictions that received a label.")
    private Proportion labelCoverage;

    @JsonPropertyDescription("Requests per second over the window.")
    private Double throughputRps;

    @JsonPropertyDescription("Latency percentiles from the histogram merged across replicas.")
    private LatencyStatus latencyMs;

    @JsonPropertyDescription("Per group (segment): predictions, labels, positive-prediction rate, accuracy and, for "
            + "binary tasks, true- and false-positive rates and precision, each with its interval.")
    private List<SegmentStatus> segments;

    @JsonPropertyDescription("Fairness comparisons across the groups, each with its simultaneous interval, the groups "
            + "that make it and the groups short of samples.")
    private List<FairnessStatus> fairness;

    @JsonPropertyDescription("Largest accuracy gap between two segments that have enough samples.")
    private Double segmentAccuracyGap;

    @JsonPropertyDescription("Population stability index of the predicted classes against the last known good revision.")
    private Double predictionDrift;

    @JsonPropertyDescription("The input features (model.features), the drifted and worst-quality first, at most 10.")
    private List<FeatureStatus> features;

    @JsonPropertyDescription("Performance estimated without labels from the model's scores (binary classifiers).")
    private EstimatedStatus estimated;

    @JsonPropertyDescription("A generative model's tokens, their timing and the feedback on its answers (task generation).")
    private GenerationStatus generation;

    @JsonPropertyDescription("Share of requests read for inputs whose body did not have the shape the features are "
            + "read from.")
    private Proportion schemaViolationRate;

    @JsonPropertyDescription("What the window's mistakes cost, with spec.costs (binary tasks).")
    private CostStatus expectedCost;

    public CostStatus getExpectedCost() {
        return expectedCost;
    }

    public void setExpectedCost(CostStatus expectedCost) {
        this.expectedCost = expectedCost;
    }

    @JsonPropertyDescription("Multiclass: precision and recall per class.")
    private List<ClassStatus> classes;

    @JsonPropertyDescription("Regression: mean absolute error.")
    private Double mae;

    @JsonPropertyDescription("Regression: root mean squared error.")
    private Double rmse;

    public String getWindow() {
        return window;
    }

    public void setWindow(String window) {
        this.window = window;
    }

    public Long getRequests() {
        return requests;
    }

    public void setRequests(Long requests) {
        this.requests = requests;
    }

    public Long getPredictions() {
        return predictions;
    }

    public void setPredictions(Long predictions) {
        this.predictions = predictions;
    }

    public Long getLabels() {
        return labels;
    }

    public void setLabels(Long labels) {
        this.labels = labels;
    }

    public Proportion getAccuracy() {
        return accuracy;
    }

    public void setAccuracy(Proportion accuracy) {
        this.accuracy = accuracy;
    }

    public Proportion getPrecision() {
        return precision;
    }

    public void setPrecision(Proportion precision) {
        this.precision = precision;
    }

    public Proportion getRecall() {
        return recall;
    }

    public void setRecall(Proportion recall) {
        this.recall = recall;
    }

    public Double getF1() {
        return f1;
    }

    public void setF1(Double f1) {
        this.f1 = f1;
    }

    public Proportion getErrorRate() {
        return errorRate;
    }

    public void setErrorRate(Proportion errorRate) {
        this.errorRate = errorRate;
    }

    public Proportion getLabelCoverage() {
        return labelCoverage;
    }

    public void setLabelCoverage(Proportion labelCoverage) {
        this.labelCoverage = labelCoverage;
    }

    public Double getThroughputRps() {
        return throughputRps;
    }

    public void setThroughputRps(Double throughputRps) {
        this.throughputRps = throughputRps;
    }

    public LatencyStatus getLatencyMs() {
        return latencyMs;
    }

    public void setLatencyMs(LatencyStatus latencyMs) {
        this.latencyMs = latencyMs;
    }

    public List<FairnessStatus> getFairness() {
        return fairness;
    }

    public void setFairness(List<FairnessStatus> fairness) {
        this.fairness = fairness;
    }

    public List<SegmentStatus> getSegments() {
        return segments;
    }

    public void setSegments(List<SegmentStatus> segments) {
        this.segments = segments;
    }

    public Double getSegmentAccuracyGap() {
        return segmentAccuracyGap;
    }

    public void setSegmentAccuracyGap(Double segmentAccuracyGap) {
        this.segmentAccuracyGap = segmentAccuracyGap;
    }

    public GenerationStatus getGeneration() {
        return generation;
    }

    public void setGeneration(GenerationStatus generation) {
        this.generation = generation;
    }

    public EstimatedStatus getEstimated() {
        return estimated;
    }

    public void setEstimated(EstimatedStatus estimated) {
        this.estimated = estimated;
    }

    public List<FeatureStatus> getFeatures() {
        return features;
    }

    public void setFeatures(List<FeatureStatus> features) {
        this.features = features;
    }

    public Proportion getSchemaViolationRate() {
        return schemaViolationRate;
    }

    public void setSchemaViolationRate(Proportion schemaViolationRate) {
        this.schemaViolationRate = schemaViolationRate;
    }

    public Double getPredictionDrift() {
        return predictionDrift;
    }

    public void setPredictionDrift(Double predictionDrift) {
        this.predictionDrift = predictionDrift;
    }

    public List<ClassStatus> getClasses() {
        return classes;
    }

    public void setClasses(List<ClassStatus> classes) {
        this.classes = classes;
    }

    public Double getMae() {
        return mae;
    }

    public void setMae(Double mae) {
        this.mae = mae;
    }

    public Double getRmse() {
        return rmse;
    }

    public void setRmse(Double rmse) {
        this.rmse = rmse;
    }
}

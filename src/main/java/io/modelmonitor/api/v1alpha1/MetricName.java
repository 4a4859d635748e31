package io.modelmonitor.api.v1alpha1;

/** The metrics an objective can name; the spelling is the spec's. */
public enum MetricName {
    accuracy(Kind.CLASSIFICATION),
    precision(Kind.CLASSIFICATION),
    recall(Kind.CLASSIFICATION),
    f1(Kind.CLASSIFICATION),
    errorRate(Kind.ANY),
    throughputRps(Kind.ANY),
    latencyP50Ms(Kind.ANY),
    latencyP95Ms(Kind.ANY),
    latencyP99Ms(Kind.ANY),
    segmentAccuracyGap(Kind.CLASSIFICATION),
    /** Largest difference in positive-prediction rate between groups; needs no labels. */
    statisticalParityDifference(Kind.CLASSIFICATION),
    /** Lowest ratio of positive-prediction rates between groups, folded to at most 1 (four-fifths rule: min 0.8). */
    disparateImpactRatio(Kind.CLASSIFICATION),
    /** Largest difference in true-positive rate between groups (binary tasks). */
    equalOpportunityDifference(Kind.BINARY),
    /** The larger of the largest true-positive-rate and false-positive-rate differences between groups (binary tasks). */
    equalizedOddsDifference(Kind.BINARY),
    predictionDrift(Kind.CLASSIFICATION),
    mae(Kind.REGRESSION),
    rmse(Kind.REGRESSION),
    /**
     * Built in, judged on every monitor and never listed in spec.objectives: a revision whose pods do not become
     * ready (rollout past its deadline, crash loops, evaluation.readinessTimeout) breaches it.
     */
    availability(Kind.ANY);

    /** Which model tasks the metric is defined for. */
    public enum Kind {
        ANY, CLASSIFICATION, BINARY, REGRESSION
    }

    private final Kind kind;

    MetricName(Kind kind) {
        this.kind = kind;
    }

    public boolean appliesTo(ModelTask task) {
        return switch (kind) {
            case ANY -> true;
            case CLASSIFICATION -> task.isClassification();
            case BINARY -> task == ModelTask.BINARY_CLASSIFICATION;
            case REGRESSION -> !task.isClassification();
        };
    }
}

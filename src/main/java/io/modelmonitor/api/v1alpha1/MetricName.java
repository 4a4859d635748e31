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
    /**
     * The largest Jensen-Shannon distance (base 2, in [0, 1]) of an input feature from spec.reference, over the
     * objective's features (all, unless it names some); needs no labels. Not enforced unless the objective says so.
     */
    featureDrift(Kind.ANY),
    /** The largest share of rows missing a feature (absent or null). */
    missingRate(Kind.ANY),
    /** The largest share of rows with a feature of the wrong type (text for a number, NaN, an object). */
    wrongTypeRate(Kind.ANY),
    /** The largest share of a numerical feature's values outside spec.reference's range. */
    outOfRangeRate(Kind.ANY),
    /** The largest share of a categorical feature's values in a category spec.reference never saw. */
    unseenCategoryRate(Kind.ANY),
    /** The share of requests whose body did not have the shape the features are read from. */
    schemaViolationRate(Kind.ANY),
    /**
     * Accuracy estimated without labels from the model's calibrated scores (confidence-based, as NannyML's CBPE), for
     * a binary classifier that gives scores; likewise precision, recall and F1.
     */
    estimatedAccuracy(Kind.BINARY),
    estimatedPrecision(Kind.BINARY),
    estimatedRecall(Kind.BINARY),
    estimatedF1(Kind.BINARY),
    /** The Jensen-Shannon distance of the scores' distribution from the reference's (ten equal bins of [0, 1]). */
    scoreDrift(Kind.BINARY),
    /** A generative model's time from request to first output token, streamed answers only (ms). */
    ttftP50Ms(Kind.GENERATION),
    ttftP95Ms(Kind.GENERATION),
    ttftP99Ms(Kind.GENERATION),
    /** Time between consecutive output events of a stream, as the client received them (ms). */
    interTokenLatencyP50Ms(Kind.GENERATION),
    interTokenLatencyP99Ms(Kind.GENERATION),
    /** The median answer's output tokens per second, first byte in to last byte out; an objective takes min. */
    outputTokensPerSecond(Kind.GENERATION),
    /** The share of answers cut off by the token limit (finish reason length). */
    truncationRate(Kind.GENERATION),
    /** The share of answers people accepted, of those given accept or reject feedback. */
    acceptanceRate(Kind.GENERATION),
    /** The mean feedback score (in [0, 1]) of the answers that got one. */
    meanScore(Kind.GENERATION),
    /** The largest difference in acceptance rate between segments (fairness of a generative model). */
    acceptanceRateGap(Kind.GENERATION),
    /**
     * What the labelled predictions' mistakes cost per 1,000 predictions, in spec.costs.unit (binary tasks): false
     * positives times their cost plus false negatives times theirs, with simultaneous intervals on both rates.
     */
    expectedCost(Kind.BINARY),
    mae(Kind.REGRESSION),
    rmse(Kind.REGRESSION),
    /**
     * Built in, judged on every monitor and never listed in spec.objectives: a revision whose pods do not become
     * ready (rollout past its deadline, crash loops, evaluation.readinessTimeout) breaches it.
     */
    availability(Kind.ANY);

    /** Which model tasks the metric is defined for. */
    public enum Kind {
        ANY, CLASSIFICATION, BINARY, REGRESSION, GENERATION
    }

    private final Kind kind;

    MetricName(Kind kind) {
        this.kind = kind;
    }

    /** The metrics of the model's inputs: they need spec.model.features. */
    public boolean isInput() {
        return this == featureDrift || this == missingRate || this == wrongTypeRate || this == outOfRangeRate
                || this == unseenCategoryRate || this == schemaViolationRate;
    }

    /** The input metrics that compare with spec.reference. */
    public boolean needsReference() {
        return this == featureDrift || this == outOfRangeRate || this == unseenCategoryRate || this == scoreDrift;
    }

    /** A generative model's metrics, read from its tokens and the feedback on its answers. */
    public boolean isGeneration() {
        return kind == Kind.GENERATION;
    }

    /** The performance estimated from scores, before labels. */
    public boolean isEstimate() {
        return this == estimatedAccuracy || this == estimatedPrecision || this == estimatedRecall || this == estimatedF1;
    }

    public boolean appliesTo(ModelTask task) {
        return switch (kind) {
            case ANY -> true;
            case CLASSIFICATION -> task.isClassification();
            case BINARY -> task == ModelTask.BINARY_CLASSIFICATION;
            case REGRESSION -> task == ModelTask.REGRESSION;
            case GENERATION -> task == ModelTask.GENERATION;
        };
    }
}

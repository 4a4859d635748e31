package io.modelmonitor.api.v1alpha1;

/** What a comparison objective compares the judged revision with. */
public enum ComparisonTarget {
    /** The last known-good revision: its pods while they serve, else its figures recorded when it was Healthy. */
    baseline
}

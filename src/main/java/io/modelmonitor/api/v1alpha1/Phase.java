package io.modelmonitor.api.v1alpha1;

public enum Phase {
    Pending,
    Collecting,
    Healthy,
    InsufficientData,
    /** An objective is Breached, not yet for consecutiveBreaches evaluations in a row: suspected, nothing acted on. */
    Breaching,
    Breached,
    RollingBack,
    RolledBack,
    Invalid
}

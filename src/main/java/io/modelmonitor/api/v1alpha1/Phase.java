package io.modelmonitor.api.v1alpha1;

public enum Phase {
    Pending,
    Collecting,
    Healthy,
    InsufficientData,
    Breached,
    RollingBack,
    RolledBack,
    Invalid
}

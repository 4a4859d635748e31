package io.modelmonitor.api.v1alpha1;

public enum ObjectiveState {
    Met,
    Breached,
    InsufficientData
}

package io.modelmonitor.api.v1alpha1;

public enum MetricsSourceType {
    collectors,
    prometheus
}

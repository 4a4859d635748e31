package io.modelmonitor.api.v1alpha1;

public enum TargetKind {
    Deployment,
    StatefulSet
}

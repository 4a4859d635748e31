package io.modelmonitor.api.v1alpha1;

public enum TargetKind {
    Deployment,
    StatefulSet,
    /** Argo Rollouts' Rollout (argoproj.io/v1alpha1). */
    Rollout
}

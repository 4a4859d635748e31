package io.modelmonitor.api.v1alpha1;

public enum TargetKind {
    Deployment,
    StatefulSet,
    /** Argo Rollouts' Rollout (argoproj.io/v1alpha1). */
    Rollout,
    /** KServe's InferenceService (serving.kserve.io/v1beta1) in raw deployment mode: its predictor's pods. */
    InferenceService
}

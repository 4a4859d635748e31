package io.modelmonitor.api.v1alpha1;

/** How a rollback was carried out. */
public enum RollbackMethod {
    /** The operator restored the earlier revision's pod template (as kubectl rollout undo does). */
    restoreTemplate,
    /** The target's own controller was asked to go back: an Argo Rollout's update aborted. */
    abort,
    /** The target's own traffic split was set back: a KServe canary's trafficPercent set to 0. */
    shiftTraffic
}

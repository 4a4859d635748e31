package io.modelmonitor.api.v1alpha1;

/** How the collector gets into the model's pods. */
public enum CollectorInjection {
    /** The operator adds it to the workload's pod template (a new rollout; GitOps tools see the edit as drift). */
    template,
    /**
     * The operator's mutating admission webhook adds it to each pod at creation; the workload is never edited.
     * Pods created before the monitor, or while the webhook was unavailable, run without it until restarted.
     */
    webhook
}

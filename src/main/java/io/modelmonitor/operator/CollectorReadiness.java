package io.modelmonitor.operator;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/** How many of the target's pods run the current collector and are ready, read from the Deployment's status. */
record CollectorReadiness(int expected, int ready, boolean rolledOut) {

    static CollectorReadiness of(Deployment deployment) {
        int expected = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        DeploymentStatus status = deployment.getStatus();
        Long generation = deployment.getMetadata().getGeneration();
        // Until the controller has observed the injected template, its counts describe the old pods.
        boolean observed = status != null && status.getObservedGeneration() != null
                && (generation == null || status.getObservedGeneration() >= generation);
        if (!observed) {
            return new CollectorReadiness(expected, 0, false);
        }
        int updated = valueOf(status.getUpdatedReplicas());
        int ready = Math.min(updated, valueOf(status.getReadyReplicas()));
        int total = valueOf(status.getReplicas());
        return new CollectorReadiness(expected, ready, updated >= expected && total == updated);
    }

    private static int valueOf(Integer value) {
        return value == null ? 0 : value;
    }

    boolean allReady() {
        return expected > 0 && rolledOut && ready >= expected;
    }

    String reason() {
        if (expected == 0) {
            return Reasons.SCALED_TO_ZERO;
        }
        return allReady() ? Reasons.COLLECTORS_READY : Reasons.ROLLOUT_IN_PROGRESS;
    }

    String message() {
        if (expected == 0) {
            return "the target is scaled to zero; no collector runs";
        }
        return ready + " of " + expected + " collectors ready" + (rolledOut ? "" : "; rollout of the collector in progress");
    }
}

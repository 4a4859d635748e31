package io.modelmonitor.operator.status;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A reconcile that threw, as the reason Ready gives: a refused permission, a write that lost a race and an API
 * server error are told apart, so that alerts and scripts can match on them; anything else is ReconcileFailed.
 */
public record ReconcileFailure(Reason reason, String message) {

    public static ReconcileFailure of(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                return switch (k.getCode()) {
                    case 403 -> new ReconcileFailure(Reason.FORBIDDEN, "the API server refused the operator's account: "
                            + k.getMessage() + "; the chart's RBAC grants what the operator needs, check that it is installed "
                            + "and current");
                    case 409 -> new ReconcileFailure(Reason.CONFLICT, "another writer changed the object first; retried: "
                            + k.getMessage());
                    default -> new ReconcileFailure(Reason.KUBERNETES_API_ERROR, k.getMessage());
                };
            }
        }
        return new ReconcileFailure(Reason.RECONCILE_FAILED, e.getMessage());
    }
}

package io.modelmonitor.operator.injection;

/** Names the operator writes on the objects it touches. They are the record of what to undo. */
public final class Annotations {

    private static final String PREFIX = "modelmonitor.io/";

    /** On a Deployment: the ModelMonitor that injected its collector. */
    public static final String MONITOR = PREFIX + "monitor";
    /** A label on the pod template: which monitor watches these pods (what NetworkPolicies select on). */
    public static final String MONITORED_LABEL = PREFIX + "monitored";
    /** The label a namespace opts in to the webhook with ({@code enabled}) and a pod opts out with ({@code disabled}). */
    public static final String INJECTION_LABEL = PREFIX + "injection";
    /** On a pod template: hash of the injected collector's configuration; changes roll the pods. */
    public static final String CONFIG_HASH = PREFIX + "collector-config-hash";
    /**
     * On a pod template: digest of the user's part of the template when the collector was injected, so that a
     * rollout the user makes can be told apart from one we would cause (see {@link CollectorSidecar#needsInjection}).
     */
    public static final String USER_TEMPLATE_HASH = PREFIX + "user-template-hash";
    /** On a Service: the target ports as they were before routing through the collector, as JSON. */
    public static final String ORIGINAL_TARGET_PORTS = PREFIX + "original-target-ports";
    /** On a Service: the ModelMonitor that routed it; only that one restores it. */
    public static final String ROUTED_BY = PREFIX + "routed-by";

    /**
     * On a Deployment: a rollback the operator decided on, written before the template is changed, so that an
     * operator restart in between completes it instead of repeating or forgetting it.
     */
    public static final String ROLLBACK_INTENT = PREFIX + "rollback-intent";

    public static final String COLLECTOR_CONTAINER = "modelmonitor-collector";
    public static final String DATA_PORT_NAME = "mm-data";
    public static final String ADMIN_PORT_NAME = "mm-admin";

    private Annotations() {
    }
}

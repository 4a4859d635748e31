package io.modelmonitor.operator;

/** Condition and Event reasons: each says one thing, so alerts and scripts can match on it. */
public final class Reasons {

    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String TARGET_NOT_FOUND = "TargetNotFound";
    public static final String TARGET_CLAIMED = "TargetClaimed";
    public static final String TARGET_INCOMPATIBLE = "TargetIncompatible";
    public static final String SIDECAR_INJECTED = "SidecarInjected";
    public static final String SIDECAR_UPDATED = "SidecarUpdated";
    public static final String SIDECAR_REMOVED = "SidecarRemoved";
    public static final String SERVICE_ROUTED = "ServiceRouted";
    public static final String SERVICE_RESTORED = "ServiceRestored";
    public static final String SERVICE_NOT_ROUTED = "ServiceNotRouted";
    public static final String ROLLOUT_IN_PROGRESS = "RolloutInProgress";
    public static final String SCALED_TO_ZERO = "ScaledToZero";
    public static final String COLLECTORS_READY = "CollectorsReady";
    public static final String MONITORING = "Monitoring";
    public static final String NO_BREACH = "NoBreach";
    public static final String NO_ROLLBACK = "NoRollback";
    public static final String RECONCILE_FAILED = "ReconcileFailed";
    public static final String OBJECTIVE_BREACHED = "ObjectiveBreached";
    public static final String RECOVERED = "Recovered";
    public static final String ROLLBACK_TRIGGERED = "RollbackTriggered";
    public static final String ROLLBACK_SUCCEEDED = "RollbackSucceeded";
    public static final String ROLLBACK_FAILED = "RollbackFailed";
    public static final String ROLLBACK_IN_PROGRESS = "RollbackInProgress";
    public static final String ROLLBACK_EXHAUSTED = "RollbackExhausted";
    public static final String ROLLBACK_COOLDOWN = "RollbackCoolingDown";
    public static final String ALERT_ONLY = "AlertOnly";
    public static final String NEW_REVISION = "NewRevision";
    public static final String METRICS_UNAVAILABLE = "MetricsSourceUnavailable";
    public static final String METRICS_READ = "MetricsRead";
    public static final String ALERTS_DELIVERED = "Delivered";
    public static final String ALERT_DELIVERY_FAILED = "DeliveryFailed";

    private Reasons() {
    }
}

package io.modelmonitor.operator.status;

import io.modelmonitor.alerting.AlertEvent;

/**
 * Every reason a condition or an Event of a monitor gives, each saying one thing so alerts and scripts can match on
 * it. A reason that is also an Event knows the Event's type; one that people must hear about knows its alert; a
 * rollback's outcome knows its {@code modelmonitor_rollbacks} result. {@link Announcer} acts on all three.
 */
public enum Reason {
    INVALID_SPEC("InvalidSpec", EventType.WARNING),
    TARGET_NOT_FOUND("TargetNotFound", EventType.WARNING),
    TARGET_CLAIMED("TargetClaimed", EventType.WARNING),
    TARGET_INCOMPATIBLE("TargetIncompatible", EventType.WARNING),
    /** The spec asks the operator for what its author may not have it do (an image, a Service, a Secret's use). */
    NOT_ALLOWED("NotAllowed", EventType.WARNING),
    WEBHOOK_DISABLED("WebhookDisabled", EventType.WARNING),
    SIDECAR_INJECTED("SidecarInjected", EventType.NORMAL),
    SIDECAR_UPDATED("SidecarUpdated", EventType.NORMAL),
    SIDECAR_REMOVED("SidecarRemoved", EventType.NORMAL),
    SERVICE_ROUTED("ServiceRouted", EventType.NORMAL),
    SERVICE_RESTORED("ServiceRestored", EventType.NORMAL),
    SERVICE_NOT_ROUTED("ServiceNotRouted", EventType.NONE),
    SERVICE_ROUTING_LOST("ServiceRoutingLost", EventType.WARNING),
    ROLLOUT_IN_PROGRESS("RolloutInProgress", EventType.NONE),
    SCALED_TO_ZERO("ScaledToZero", EventType.NONE),
    COLLECTORS_READY("CollectorsReady", EventType.NONE),
    /** injection: webhook: some pods were created without the collector; a restart gives them one. */
    PODS_WITHOUT_COLLECTOR("PodsWithoutCollector", EventType.WARNING),
    /** injection: webhook: some pods run a collector configured by an older spec; a restart gives them the current one. */
    COLLECTORS_OUTDATED("CollectorsOutdated", EventType.WARNING),
    /** spec.reference names a ConfigMap that is missing, unlabelled, too large or not a profile. */
    REFERENCE_UNAVAILABLE("ReferenceUnavailable", EventType.WARNING),
    REFERENCE_READ("ReferenceRead", EventType.NONE),
    MONITORING("Monitoring", EventType.NONE),
    NO_BREACH("NoBreach", EventType.NONE),
    NO_ROLLBACK("NoRollback", EventType.NONE),
    RECONCILE_FAILED("ReconcileFailed", EventType.NONE),
    /** The API server refused the operator's account a request: the chart's RBAC lacks it (or a policy denies it). */
    FORBIDDEN("Forbidden", EventType.NONE),
    /** Another writer changed the object between the operator's read and its write; the next reconcile retries. */
    CONFLICT("Conflict", EventType.NONE),
    /** The API server answered an error other than those above, or could not be reached. */
    KUBERNETES_API_ERROR("KubernetesApiError", EventType.NONE),
    OBJECTIVE_BREACHED("ObjectiveBreached", EventType.WARNING, AlertEvent.Kind.BREACH, null),
    /** The built-in availability objective: a revision whose pods do not become ready. */
    REVISION_NOT_READY("RevisionNotReady", EventType.WARNING, AlertEvent.Kind.BREACH, null),
    RECOVERED("Recovered", EventType.NORMAL, AlertEvent.Kind.RECOVERY, null),
    /** An objective's error budget burns fast enough to page, or slowly enough only for a ticket. */
    BUDGET_BURNING("BudgetBurning", EventType.WARNING, AlertEvent.Kind.BUDGET_BURN, null),
    /** The burn that alerted has slowed below every rule. */
    BUDGET_RECOVERED("BudgetRecovered", EventType.NORMAL, AlertEvent.Kind.BUDGET_RECOVERED, null),
    ROLLBACK_TRIGGERED("RollbackTriggered", EventType.WARNING, AlertEvent.Kind.ROLLBACK, "triggered"),
    ROLLBACK_SUCCEEDED("RollbackSucceeded", EventType.NORMAL, AlertEvent.Kind.ROLLBACK_SUCCEEDED, "succeeded"),
    ROLLBACK_FAILED("RollbackFailed", EventType.WARNING, AlertEvent.Kind.ROLLBACK_FAILED, "failed"),
    ROLLBACK_IN_PROGRESS("RollbackInProgress", EventType.NONE),
    ROLLBACK_EXHAUSTED("RollbackExhausted", EventType.WARNING, AlertEvent.Kind.ROLLBACK_EXHAUSTED, "exhausted"),
    /** The revision rolled back from came back (a GitOps tool or a person re-applied it): it is judged again. */
    ROLLBACK_REVERTED("RollbackReverted", EventType.WARNING),
    ALERT_ONLY("AlertOnly", EventType.NONE),
    NEW_REVISION("NewRevision", EventType.NONE),
    METRICS_SOURCE_UNAVAILABLE("MetricsSourceUnavailable", EventType.NONE),
    METRICS_READ("MetricsRead", EventType.NONE),
    DELIVERED("Delivered", EventType.NONE),
    DELIVERY_FAILED("DeliveryFailed", EventType.NONE);

    /** The core/v1 Event type a reason is recorded with, or NONE for a condition's reason only. */
    public enum EventType {
        NORMAL("Normal"), WARNING("Warning"), NONE(null);

        final String wire;

        EventType(String wire) {
            this.wire = wire;
        }
    }

    private final String wire;
    private final EventType eventType;
    private final AlertEvent.Kind alert;
    private final String rollbackResult;

    Reason(String wire, EventType eventType) {
        this(wire, eventType, null, null);
    }

    Reason(String wire, EventType eventType, AlertEvent.Kind alert, String rollbackResult) {
        this.wire = wire;
        this.eventType = eventType;
        this.alert = alert;
        this.rollbackResult = rollbackResult;
    }

    /** The reason as conditions and Events carry it. */
    public String wire() {
        return wire;
    }

    public EventType eventType() {
        return eventType;
    }

    /** The alert this reason raises, or null. */
    public AlertEvent.Kind alert() {
        return alert;
    }

    /** The {@code result} of {@code modelmonitor_rollbacks} this reason counts, or null. */
    public String rollbackResult() {
        return rollbackResult;
    }

    @Override
    public String toString() {
        return wire;
    }
}

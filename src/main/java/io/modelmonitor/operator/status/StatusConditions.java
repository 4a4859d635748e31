package io.modelmonitor.operator.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** Sets conditions per the Kubernetes API conventions: lastTransitionTime moves only when the status flips. */
public final class StatusConditions {

    public static final String READY = "Ready";
    public static final String COLLECTORS_READY = "CollectorsReady";
    public static final String DEGRADED = "Degraded";
    public static final String ROLLED_BACK = "RolledBack";
    public static final String ROLLBACK_EXHAUSTED = "RollbackExhausted";
    public static final String ALERTS_DELIVERED = "AlertsDelivered";
    public static final String METRICS_AVAILABLE = "MetricsAvailable";
    /** Whether spec.reference could be read as a profile (set only when the spec names one). */
    public static final String REFERENCE_READY = "ReferenceReady";
    /** Whether the model's traffic passes the collector, checked on the live Service (only with spec.target.service). */
    public static final String TRAFFIC_ROUTED = "TrafficRouted";

    private StatusConditions() {
    }

    public static void set(List<Condition> conditions, String type, boolean status, String reason, String message,
            Long observedGeneration, Instant now) {
        String value = status ? "True" : "False";
        Optional<Condition> existing = find(conditions, type);
        String transition = existing.filter(c -> value.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
        Condition condition = new ConditionBuilder()
                .withType(type)
                .withStatus(value)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(observedGeneration)
                .withLastTransitionTime(transition)
                .build();
        existing.ifPresentOrElse(c -> conditions.set(conditions.indexOf(c), condition), () -> conditions.add(condition));
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }
}

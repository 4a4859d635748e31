package io.modelmonitor.operator.status;

import java.util.List;

import io.modelmonitor.alerting.AlertSender;
import io.modelmonitor.api.v1alpha1.ModelMonitor;

/** Alert deliveries happen in the background; the AlertsDelivered condition shows their last outcome per receiver. */
public final class AlertDeliveryReport {

    private AlertDeliveryReport() {
    }

    public static void report(AlertSender alerts, ModelMonitor monitor, StatusAggregator state) {
        var deliveries = alerts.deliveries(monitor);
        if (deliveries.isEmpty()) {
            return;
        }
        List<String> failed = deliveries.values().stream().filter(d -> !d.delivered())
                .map(d -> d.alert() + ": " + d.detail()).sorted().toList();
        if (failed.isEmpty()) {
            state.condition(StatusConditions.ALERTS_DELIVERED, true, Reason.DELIVERED, "the last alert reached "
                    + "every receiver (" + String.join(", ", deliveries.keySet().stream().sorted().toList()) + ")");
        } else {
            state.condition(StatusConditions.ALERTS_DELIVERED, false, Reason.DELIVERY_FAILED, String.join("; ", failed));
        }
    }
}

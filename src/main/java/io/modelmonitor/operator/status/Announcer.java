package io.modelmonitor.operator.status;

import java.util.function.UnaryOperator;

import io.modelmonitor.alerting.AlertEvent;
import io.modelmonitor.alerting.AlertSender;
import io.modelmonitor.api.v1alpha1.ModelMonitor;

/** The one place a reason is announced: its Event, its rollback count and its alert, each as the {@link Reason} says. */
public final class Announcer {

    private final EventRecorder events;
    private final AlertSender alerts;
    private final OperatorMetrics metrics;

    public Announcer(EventRecorder events, AlertSender alerts, OperatorMetrics metrics) {
        this.events = events;
        this.alerts = alerts;
        this.metrics = metrics;
    }

    /** Announces the reason; {@code details} adds what the alert says beyond the message (objective, revisions). */
    public void announce(ModelMonitor monitor, Reason reason, String message, StatusAggregator state,
            UnaryOperator<AlertEvent.Builder> details) {
        events.record(monitor, reason, message);
        if (reason.rollbackResult() != null) {
            metrics.rollback(monitor, reason.rollbackResult());
        }
        if (reason.alert() != null) {
            alerts.send(monitor, details.apply(AlertEvent.of(reason.alert(), monitor.getMetadata().getName(),
                    monitor.getMetadata().getNamespace(), state.now()).message(message)).build());
        }
    }
}

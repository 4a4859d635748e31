package io.modelmonitor.operator.status;

import java.util.function.UnaryOperator;

import org.jboss.logging.Logger;

import io.modelmonitor.alerting.AlertDelivery;
import io.modelmonitor.alerting.AlertEvent;
import io.modelmonitor.alerting.AlertSender;
import io.modelmonitor.alerting.LogFields;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Severity;

/**
 * The one place a reason is announced: its Event, its log record, its rollback count and its alert, each as the
 * {@link Reason} says. A decision is logged here once, as one record whose fields (monitor, namespace, revision,
 * reason, severity) a log pipeline can index: the history outlives the Events Kubernetes keeps for an hour.
 */
public final class Announcer {

    private static final Logger LOG = Logger.getLogger("io.modelmonitor.decisions");

    private final EventRecorder events;
    private final AlertSender alerts;
    private final OperatorMetrics metrics;
    private final AlertDelivery delivery;

    public Announcer(EventRecorder events, AlertSender alerts, OperatorMetrics metrics, AlertDelivery delivery) {
        this.events = events;
        this.alerts = alerts;
        this.metrics = metrics;
        this.delivery = delivery;
    }

    /**
     * Announces the reason; {@code details} adds what the alert says beyond the message (objective, revisions, and
     * for a breach its severity and runbook). A breach opens an incident whose severity the rollback and recovery
     * alerts after it keep, so they reach the receivers the breach reached; the recovery closes it.
     */
    public void announce(ModelMonitor monitor, Reason reason, String message, StatusAggregator state,
            UnaryOperator<AlertEvent.Builder> details) {
        events.record(monitor, reason, message);
        if (reason.rollbackResult() != null) {
            metrics.rollback(monitor, reason.rollbackResult());
        }
        ModelMonitorStatus status = state.status();
        String namespace = monitor.getMetadata().getNamespace();
        String name = monitor.getMetadata().getName();
        AlertEvent event = details.apply(AlertEvent.of(reason.alert() == null ? AlertEvent.Kind.BREACH : reason.alert(),
                        name, namespace, state.now()).message(message)
                .severity(status.getIncidentSeverity() == null ? Severity.critical : status.getIncidentSeverity())
                .dashboard(delivery.dashboardUrl(namespace, name))).build();
        log(monitor, reason, message, status, reason.alert() == null ? null : event);
        if (reason.alert() == null) {
            return;
        }
        // A budget's burn is an incident of its own (its severity says how fast it burns); the breach's is this one.
        if (event.kind() == AlertEvent.Kind.BREACH) {
            status.setIncidentSeverity(event.severity());
        } else if (event.kind() == AlertEvent.Kind.RECOVERY) {
            status.setIncidentSeverity(null);
        }
        alerts.send(monitor, event);
    }

    private static void log(ModelMonitor monitor, Reason reason, String message, ModelMonitorStatus status,
            AlertEvent event) {
        LogFields.of("monitor", monitor.getMetadata().getName()).and("namespace", monitor.getMetadata().getNamespace())
                .and("reason", reason.wire()).and("revision", status.getTargetRevision())
                .and("severity", event == null ? null : event.severity())
                .and("objective", event == null ? null : event.objective())
                .and("value", event == null ? null : event.value()).and("bound", event == null ? null : event.bound())
                .log(LOG, Logger.Level.INFO, "%s/%s %s: %s", monitor.getMetadata().getNamespace(),
                        monitor.getMetadata().getName(), reason.wire(), message);
    }
}

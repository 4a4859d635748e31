package io.modelmonitor.alerting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.modelmonitor.api.v1alpha1.AlertType;

/**
 * {@code type: pagerduty}: PagerDuty's Events API v2. A breach, a rollback and its outcome are one incident (the same
 * {@code dedup_key} per monitor: PagerDuty adds each to it instead of paging again), which the recovery resolves. The
 * routing key comes from {@code keySecretRef}; the URL from {@code urlSecretRef} (the EU endpoint differs).
 */
final class PagerDutyChannel implements AlertChannel {

    @Override
    public AlertType type() {
        return AlertType.pagerduty;
    }

    @Override
    public Map<String, Object> payload(AlertEvent event) {
        return payload(event, null);
    }

    @Override
    public java.net.http.HttpRequest request(java.net.URI url, String key, AlertEvent event, java.time.Duration timeout) {
        return AlertChannel.jsonPost(url, payload(event, key), timeout).build();
    }

    static Map<String, Object> payload(AlertEvent event, String routingKey) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("routing_key", routingKey);
        json.put("dedup_key", AlertChannel.incidentKey(event));
        if (event.kind().resolves()) {
            json.put("event_action", "resolve");
            return json;
        }
        json.put("event_action", "trigger");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("summary", AlertChannel.summary(event, 1024));
        payload.put("source", event.namespace() + "/" + event.monitor());
        payload.put("severity", severity(event));
        payload.put("timestamp", event.time().toString());
        payload.put("component", event.monitor());
        payload.put("group", event.namespace());
        payload.put("class", event.objective() == null ? event.kind().wireName : event.objective());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event", event.kind().wireName);
        details.put("phase", event.phase());
        details.put("objective", event.objective());
        details.put("value", event.value());
        details.put("bound", event.bound());
        details.put("fromRevision", event.fromRevision());
        details.put("toRevision", event.toRevision());
        details.put("message", event.message());
        payload.put("custom_details", details);
        json.put("payload", payload);
        List<Map<String, Object>> links = new ArrayList<>();
        if (event.runbookUrl() != null) {
            links.add(Map.of("href", event.runbookUrl(), "text", "Runbook"));
        }
        if (event.dashboardUrl() != null) {
            links.add(Map.of("href", event.dashboardUrl(), "text", "Dashboard"));
        }
        if (!links.isEmpty()) {
            json.put("links", links);
        }
        return json;
    }

    /**
     * A breach is as severe as its objective says; a model that stays breached because no rollback could be made is
     * critical; one the operator is mending, or has mended, informs.
     */
    private static String severity(AlertEvent event) {
        return switch (event.kind()) {
            case BREACH, BUDGET_BURN -> event.severity().name();
            case ROLLBACK_FAILED, ROLLBACK_EXHAUSTED -> "critical";
            case ROLLBACK -> "warning";
            default -> "info";
        };
    }
}

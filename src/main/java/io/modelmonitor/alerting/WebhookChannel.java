package io.modelmonitor.alerting;

import java.util.LinkedHashMap;
import java.util.Map;

import io.modelmonitor.api.v1alpha1.AlertType;

/** {@code type: webhook}: a flat JSON object, documented in src/docs/delivery.md, for any receiver to parse. */
final class WebhookChannel implements AlertChannel {

    @Override
    public AlertType type() {
        return AlertType.webhook;
    }

    @Override
    public Map<String, Object> payload(AlertEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("apiVersion", "modelmonitor.io/v1alpha1");
        json.put("kind", "ModelMonitorAlert");
        json.put("event", event.kind().wireName);
        json.put("monitor", event.monitor());
        json.put("namespace", event.namespace());
        json.put("phase", event.phase());
        json.put("objective", event.objective());
        json.put("value", event.value());
        json.put("bound", event.bound());
        json.put("fromRevision", event.fromRevision());
        json.put("toRevision", event.toRevision());
        json.put("message", event.message());
        json.put("severity", event.severity().name());
        json.put("runbookUrl", event.runbookUrl());
        json.put("dashboardUrl", event.dashboardUrl());
        json.put("time", event.time().toString());
        return json;
    }
}

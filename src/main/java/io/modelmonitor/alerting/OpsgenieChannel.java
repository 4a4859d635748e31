package io.modelmonitor.alerting;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.modelmonitor.api.v1alpha1.AlertType;

/**
 * {@code type: opsgenie}: Opsgenie's Alert API. A breach and what follows are one alert (the same {@code alias} per
 * monitor: Opsgenie counts each as a repeat), which the recovery closes ({@code POST <url>/<alias>/close}). The API key
 * comes from {@code keySecretRef} and goes only into the {@code Authorization: GenieKey} header; the URL from
 * {@code urlSecretRef} (e.g. https://api.opsgenie.com/v2/alerts, or the EU one).
 */
final class OpsgenieChannel implements AlertChannel {

    @Override
    public AlertType type() {
        return AlertType.opsgenie;
    }

    @Override
    public Map<String, Object> payload(AlertEvent event) {
        if (event.kind().resolves()) {
            Map<String, Object> close = new LinkedHashMap<>();
            close.put("source", "model-monitor");
            close.put("note", AlertChannel.summary(event, 25_000));
            return close;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("message", AlertChannel.summary(event, 130));
        json.put("alias", AlertChannel.incidentKey(event));
        json.put("description", event.message() == null ? event.headline() : event.message());
        json.put("source", "model-monitor");
        json.put("priority", priority(event));
        json.put("entity", event.namespace() + "/" + event.monitor());
        json.put("tags", List.of("model-monitor", event.kind().wireName, event.severity().name()));
        Map<String, Object> details = new LinkedHashMap<>();
        put(details, "phase", event.phase());
        put(details, "objective", event.objective());
        put(details, "value", event.value() == null ? null : event.value().toString());
        put(details, "bound", event.bound() == null ? null : event.bound().toString());
        put(details, "fromRevision", event.fromRevision() == null ? null : event.fromRevision().toString());
        put(details, "toRevision", event.toRevision() == null ? null : event.toRevision().toString());
        put(details, "severity", event.severity().name());
        put(details, "runbook", event.runbookUrl());
        put(details, "dashboard", event.dashboardUrl());
        json.put("details", details);
        return json;
    }

    @Override
    public HttpRequest request(URI url, String key, AlertEvent event, Duration timeout) {
        URI target = url;
        if (event.kind().resolves()) {
            String base = url.toString().replaceAll("/+$", "");
            target = URI.create(base + "/" + URLEncoder.encode(AlertChannel.incidentKey(event), StandardCharsets.UTF_8)
                    + "/close?identifierType=alias");
        }
        HttpRequest.Builder request = AlertChannel.jsonPost(target, payload(event), timeout);
        if (key != null) {
            request.header("Authorization", "GenieKey " + key);
        }
        return request.build();
    }

    /** As PagerDuty's severity: a breach as its objective says (critical P1, warning P3, info P5). */
    private static String priority(AlertEvent event) {
        return switch (event.kind()) {
            case BREACH, BUDGET_BURN -> switch (event.severity()) {
                case critical -> "P1";
                case warning -> "P3";
                case info -> "P5";
            };
            case ROLLBACK_FAILED, ROLLBACK_EXHAUSTED -> "P1";
            case ROLLBACK -> "P3";
            default -> "P5";
        };
    }

    private static void put(Map<String, Object> details, String name, String value) {
        if (value != null) {
            details.put(name, value);
        }
    }
}

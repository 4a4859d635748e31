package io.modelmonitor.alerting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.modelmonitor.api.v1alpha1.AlertType;

/**
 * {@code type: teams}: a Microsoft Teams workflow webhook ("Post to a channel when a webhook request is received"),
 * which takes a message with one Adaptive Card attachment: the headline, the message, and the facts.
 */
final class TeamsChannel implements AlertChannel {

    @Override
    public AlertType type() {
        return AlertType.teams;
    }

    @Override
    public Map<String, Object> payload(AlertEvent event) {
        List<Map<String, Object>> body = new ArrayList<>();
        body.add(Map.of("type", "TextBlock", "text", event.monitor() + ": " + event.headline(), "weight", "Bolder",
                "size", "Medium", "wrap", true, "color", attention(event.kind()) ? "Attention" : "Good"));
        if (event.message() != null) {
            body.add(Map.of("type", "TextBlock", "text", event.message(), "wrap", true));
        }
        List<Map<String, Object>> facts = new ArrayList<>();
        fact(facts, "Monitor", event.namespace() + "/" + event.monitor());
        fact(facts, "Severity", event.severity().name());
        fact(facts, "Phase", event.phase());
        fact(facts, "Objective", event.objective());
        fact(facts, "Value", event.value() == null ? null : String.format(java.util.Locale.ROOT, "%.4g", event.value()));
        fact(facts, "Bound", event.bound() == null ? null : String.format(java.util.Locale.ROOT, "%.4g", event.bound()));
        fact(facts, "From revision", event.fromRevision() == null ? null : event.fromRevision().toString());
        fact(facts, "To revision", event.toRevision() == null ? null : event.toRevision().toString());
        fact(facts, "Time", event.time().toString());
        body.add(Map.of("type", "FactSet", "facts", facts));
        List<Map<String, Object>> actions = new ArrayList<>();
        if (event.runbookUrl() != null) {
            actions.add(Map.of("type", "Action.OpenUrl", "title", "Runbook", "url", event.runbookUrl()));
        }
        if (event.dashboardUrl() != null) {
            actions.add(Map.of("type", "Action.OpenUrl", "title", "Dashboard", "url", event.dashboardUrl()));
        }
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.put("body", body);
        if (!actions.isEmpty()) {
            card.put("actions", actions);
        }
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "message");
        message.put("attachments", List.of(attachment));
        return message;
    }

    private static boolean attention(AlertEvent.Kind kind) {
        return !kind.resolves() && kind != AlertEvent.Kind.ROLLBACK_SUCCEEDED;
    }

    private static void fact(List<Map<String, Object>> facts, String title, String value) {
        if (value != null) {
            facts.add(Map.of("title", title, "value", value));
        }
    }
}

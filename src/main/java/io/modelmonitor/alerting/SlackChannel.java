package io.modelmonitor.alerting;

import java.util.Map;

import io.modelmonitor.api.v1alpha1.AlertType;

/** {@code type: slack}: what a Slack incoming webhook (or a compatible one) accepts, one message per event. */
final class SlackChannel implements AlertChannel {

    @Override
    public AlertType type() {
        return AlertType.slack;
    }

    @Override
    public Map<String, Object> payload(AlertEvent event) {
        StringBuilder text = new StringBuilder()
                .append(event.kind().emoji).append(" *").append(event.monitor()).append("* in `")
                .append(event.namespace()).append("` (").append(event.severity().name()).append("): ").append(event.headline());
        if (event.message() != null) {
            text.append("\n").append(event.message());
        }
        // Slack's own link markup: <url|label>.
        if (event.runbookUrl() != null) {
            text.append("\n<").append(event.runbookUrl()).append("|Runbook>");
        }
        if (event.dashboardUrl() != null) {
            text.append(event.runbookUrl() != null ? " · " : "\n").append("<").append(event.dashboardUrl()).append("|Dashboard>");
        }
        return Map.of("text", text.toString());
    }
}

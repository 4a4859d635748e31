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
                .append(event.namespace()).append("`: ").append(event.headline());
        if (event.message() != null) {
            text.append("\n").append(event.message());
        }
        return Map.of("text", text.toString());
    }
}

package io.modelmonitor.alerting;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Something people should hear about. Serialized as the documented webhook payload, or as a Slack message.
 */
public record AlertEvent(Kind kind, String monitor, String namespace, String phase, String objective, Double value,
        Double bound, Long fromRevision, Long toRevision, String message, Instant time) {

    public enum Kind {
        BREACH("breach", ":rotating_light:"),
        ROLLBACK("rollback", ":rewind:"),
        ROLLBACK_SUCCEEDED("rollbackSucceeded", ":white_check_mark:"),
        ROLLBACK_FAILED("rollbackFailed", ":x:"),
        ROLLBACK_EXHAUSTED("rollbackExhausted", ":sos:"),
        RECOVERY("recovery", ":large_green_circle:");

        public final String wireName;
        final String emoji;

        Kind(String wireName, String emoji) {
            this.wireName = wireName;
            this.emoji = emoji;
        }
    }

    /** The {@code webhook} payload: a flat JSON object, documented in the README. */
    public Map<String, Object> webhookPayload() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("apiVersion", "modelmonitor.io/v1alpha1");
        json.put("kind", "ModelMonitorAlert");
        json.put("event", kind.wireName);
        json.put("monitor", monitor);
        json.put("namespace", namespace);
        json.put("phase", phase);
        json.put("objective", objective);
        json.put("value", value);
        json.put("bound", bound);
        json.put("fromRevision", fromRevision);
        json.put("toRevision", toRevision);
        json.put("message", message);
        json.put("time", time.toString());
        return json;
    }

    /** The {@code slack} payload: what a Slack incoming webhook (or a compatible one) accepts. */
    public Map<String, Object> slackPayload() {
        StringBuilder text = new StringBuilder()
                .append(kind.emoji).append(" *").append(monitor).append("* in `").append(namespace).append("`: ")
                .append(headline());
        if (message != null) {
            text.append("\n").append(message);
        }
        return Map.of("text", text.toString());
    }

    private String headline() {
        String objectivePart = objective == null ? "" : objective + (value == null ? "" : " = " + fmt(value))
                + (bound == null ? "" : " (bound " + fmt(bound) + ")");
        return switch (kind) {
            case BREACH -> "objective breached: " + objectivePart;
            case ROLLBACK -> "rolling back from revision " + fromRevision + " to " + toRevision + " (" + objectivePart + ")";
            case ROLLBACK_SUCCEEDED -> "rolled back to revision " + toRevision;
            case ROLLBACK_FAILED -> "rollback failed";
            case ROLLBACK_EXHAUSTED -> "breached and no further rollback will be made";
            case RECOVERY -> "recovered: every objective is met";
        };
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}

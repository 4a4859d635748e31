package io.modelmonitor.alerting;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Something people should hear about: what happened to which monitor, and the objective and revisions involved
 * when there are any. Built with {@link #of}; each {@link AlertChannel} turns it into its receiver's payload.
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

    public AlertEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(time, "time");
    }

    /** An event of this kind about the monitor; the rest is named on the builder, and absent unless set. */
    public static Builder of(Kind kind, String monitor, String namespace, Instant time) {
        return new Builder(kind, monitor, namespace, time);
    }

    /** One line a person reads first: what happened, with the objective and revisions. */
    public String headline() {
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

    public static final class Builder {
        private final Kind kind;
        private final String monitor;
        private final String namespace;
        private final Instant time;
        private String phase;
        private String objective;
        private Double value;
        private Double bound;
        private Long fromRevision;
        private Long toRevision;
        private String message;

        private Builder(Kind kind, String monitor, String namespace, Instant time) {
            this.kind = kind;
            this.monitor = monitor;
            this.namespace = namespace;
            this.time = time;
        }

        public Builder phase(String phase) {
            this.phase = phase;
            return this;
        }

        /** The objective concerned: its metric, the value measured and the bound it was judged against. */
        public Builder objective(String metric, Double value, Double bound) {
            this.objective = metric;
            this.value = value;
            this.bound = bound;
            return this;
        }

        public Builder fromRevision(Long revision) {
            this.fromRevision = revision;
            return this;
        }

        public Builder toRevision(Long revision) {
            this.toRevision = revision;
            return this;
        }

        public Builder message(String message) {
            this.message = message;
            return this;
        }

        public AlertEvent build() {
            return new AlertEvent(kind, monitor, namespace, phase, objective, value, bound, fromRevision, toRevision,
                    message, time);
        }
    }
}

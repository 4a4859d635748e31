package io.modelmonitor.alerting;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

import io.modelmonitor.api.v1alpha1.Severity;

/**
 * Something people should hear about: what happened to which monitor, and the objective and revisions involved
 * when there are any. Built with {@link #of}; each {@link AlertChannel} turns it into its receiver's payload.
 */
public record AlertEvent(Kind kind, String monitor, String namespace, String phase, String objective, Double value,
        Double bound, Long fromRevision, Long toRevision, String message, Instant time, Severity severity, String runbookUrl, String dashboardUrl) {

    public enum Kind {
        BREACH("breach", ":rotating_light:"),
        ROLLBACK("rollback", ":rewind:"),
        ROLLBACK_SUCCEEDED("rollbackSucceeded", ":white_check_mark:"),
        ROLLBACK_FAILED("rollbackFailed", ":x:"),
        ROLLBACK_EXHAUSTED("rollbackExhausted", ":sos:"),
        RECOVERY("recovery", ":large_green_circle:"),
        /** An objective's error budget burns fast enough to page or to make a ticket: an incident of its own. */
        BUDGET_BURN("budgetBurn", ":fire:"),
        /** The burn that alerted has slowed below every rule: its incident is resolved. */
        BUDGET_RECOVERED("budgetRecovered", ":large_green_circle:");

        /** Whether this event closes an incident (a breach's, or a burn's). */
        public boolean resolves() {
            return this == RECOVERY || this == BUDGET_RECOVERED;
        }

        /** Whether this event belongs to an objective's budget incident rather than the monitor's breach incident. */
        public boolean budget() {
            return this == BUDGET_BURN || this == BUDGET_RECOVERED;
        }

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
        severity = severity == null ? Severity.critical : severity;
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
            case BUDGET_BURN -> "error budget of " + objective + " burning (" + severityWord() + ")";
            case BUDGET_RECOVERED -> "error budget of " + objective + " no longer burning fast";
        };
    }

    private String severityWord() {
        return severity == Severity.critical ? "page" : severity == Severity.warning ? "ticket" : "info";
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
        private Severity severity;
        private String runbookUrl;
        private String dashboardUrl;

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

        /** How urgent: which receivers take it (minSeverity) and how a pager ranks it; critical when unset. */
        public Builder severity(Severity severity) {
            this.severity = severity;
            return this;
        }

        /** What to do next: the breached objective's runbook (spec.objectives[].runbookUrl); null: none. */
        public Builder runbook(String url) {
            this.runbookUrl = url;
            return this;
        }

        /** Where to look: the monitor's dashboard (modelmonitor.alerts.dashboard-url); null: none. */
        public Builder dashboard(String url) {
            this.dashboardUrl = url;
            return this;
        }

        public AlertEvent build() {
            return new AlertEvent(kind, monitor, namespace, phase, objective, value, bound, fromRevision, toRevision,
                    message, time, severity, runbookUrl, dashboardUrl);
        }
    }
}

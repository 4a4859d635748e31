package io.modelmonitor.api.v1alpha1;

/**
 * How urgent an objective's breach is, as on-call tools rank it: {@code critical} pages, {@code warning} makes a
 * ticket, {@code info} is for the record. Alert receivers choose the least they take with {@code minSeverity}.
 */
public enum Severity {
    info,
    warning,
    critical;

    /** Whether an alert of this severity reaches a receiver that takes {@code least} and above. */
    public boolean atLeast(Severity least) {
        return compareTo(least) >= 0;
    }
}

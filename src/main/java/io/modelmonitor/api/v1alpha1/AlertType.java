package io.modelmonitor.api.v1alpha1;

public enum AlertType {
    slack,
    webhook,
    /** PagerDuty Events API v2: a breach triggers an incident, its recovery resolves it (one dedup key per monitor). */
    pagerduty,
    /** A Microsoft Teams workflow webhook, with an Adaptive Card. */
    teams,
    /** Opsgenie's Alert API: a breach creates an alert, its recovery closes it (one alias per monitor). */
    opsgenie
}

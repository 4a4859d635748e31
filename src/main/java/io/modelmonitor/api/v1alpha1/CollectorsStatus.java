package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class CollectorsStatus {

    @JsonPropertyDescription("Pods the target Deployment wants, each with one collector.")
    private int expected;

    @JsonPropertyDescription("Pods running the current collector configuration and ready.")
    private int ready;

    @JsonPropertyDescription("Collectors whose data the last evaluation could read.")
    private int reporting;

    public CollectorsStatus() {
    }

    public CollectorsStatus(int expected, int ready, int reporting) {
        this.expected = expected;
        this.ready = ready;
        this.reporting = reporting;
    }

    public int getExpected() {
        return expected;
    }

    public void setExpected(int expected) {
        this.expected = expected;
    }

    public int getReady() {
        return ready;
    }

    public void setReady(int ready) {
        this.ready = ready;
    }

    public int getReporting() {
        return reporting;
    }

    public void setReporting(int reporting) {
        this.reporting = reporting;
    }
}

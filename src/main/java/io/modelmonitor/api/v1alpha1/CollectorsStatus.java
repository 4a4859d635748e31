package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class CollectorsStatus {

    @JsonPropertyDescription("Pods the target Deployment wants, each with one collector.")
    private int expected;

    @JsonPropertyDescription("Pods running the current collector configuration and ready.")
    private int ready;

    @JsonPropertyDescription("Collectors whose data the last evaluation could read.")
    private int reporting;

    @JsonPropertyDescription("injection: webhook: ready pods of the current revision that run without a collector "
            + "(created before the monitor, or while the webhook was unavailable); kubectl rollout restart gives them one.")
    private Integer withoutCollector;

    @JsonPropertyDescription("injection: webhook: pods of the current revision whose collector runs an older "
            + "configuration of this monitor (its spec changed since they started); kubectl rollout restart gives them "
            + "the current one.")
    private Integer outdated;

    public Integer getOutdated() {
        return outdated;
    }

    public void setOutdated(Integer outdated) {
        this.outdated = outdated;
    }

    public Integer getWithoutCollector() {
        return withoutCollector;
    }

    public void setWithoutCollector(Integer withoutCollector) {
        this.withoutCollector = withoutCollector;
    }

    @JsonPropertyDescription("Collector image the target's current pod template runs.")
    private String image;

    @JsonPropertyDescription("The operator's default collector image, when it differs from image: it rolls out with the "
            + "model's next rollout (no restart of its own); set spec.collector.image to update at once.")
    private String pendingImage;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getPendingImage() {
        return pendingImage;
    }

    public void setPendingImage(String pendingImage) {
        this.pendingImage = pendingImage;
    }

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

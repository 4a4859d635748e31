package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.modelmonitor.api.CollectorContract;

public class CollectorSpec {

    @Default("webhook")
    @JsonPropertyDescription("webhook (default): the operator's mutating admission webhook adds the collector to each "
            + "pod of the target at creation, in namespaces labelled modelmonitor.io/injection=enabled; the target is "
            + "never edited (GitOps-safe). Pods that run without it are counted in status.collectors. template: the "
            + "operator adds the collector to the target's pod template (for clusters without the chart's webhook).")
    private CollectorInjection injection = CollectorInjection.webhook;

    public CollectorInjection getInjection() {
        return injection;
    }

    public void setInjection(CollectorInjection injection) {
        this.injection = injection;
    }

    /** True when the webhook, not the pod template, brings the collector. */
    @JsonIgnore
    public boolean byWebhook() {
        return injection == CollectorInjection.webhook;
    }

    @Size(max = 512)
    @JsonPropertyDescription("Collector image. Empty: the operator's configured default, normally its own image. Any "
            + "other image must be allowed by the operator (chart value collector.allowedImages); otherwise the monitor is "
            + "Invalid with reason NotAllowed.")
    private String image = "";

    @Default("" + CollectorContract.DATA_PORT)
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Data port: the collector listens here and proxies to the model.")
    private Integer port = CollectorContract.DATA_PORT;

    @Default("" + CollectorContract.ADMIN_PORT)
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Admin port: Prometheus metrics, the snapshot the operator reads, health probes.")
    private Integer adminPort = CollectorContract.ADMIN_PORT;

    @Min(1)
    @Max(500_000)
    @JsonPropertyDescription("Most predictions kept waiting for a label in each collector, at most 500,000 (33 bytes "
            + "each, in the collector's 48 MiB heap). Default: the operator's configured default.")
    private Integer maxPendingLabels;

    @JsonPropertyDescription("Compute resources of the collector container. Empty: the operator's configured defaults.")
    private ResourceRequirements resources;

    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('1s') && duration(self) <= duration('10m')",
            message = "bodyTimeout must be between 1s and 10m")
    @JsonPropertyDescription("How long a request body, or the request side of an HTTP/2 stream, may go without a byte "
            + "from the client before the collector closes it (a slot a client holds for ever is a slot others lack). "
            + "Raise it for bidirectional gRPC streams whose clients go quiet. Default 30s, at most 10m.")
    private String bodyTimeout;

    public String getBodyTimeout() {
        return bodyTimeout;
    }

    public void setBodyTimeout(String bodyTimeout) {
        this.bodyTimeout = bodyTimeout;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Integer getAdminPort() {
        return adminPort;
    }

    public void setAdminPort(Integer adminPort) {
        this.adminPort = adminPort;
    }

    public Integer getMaxPendingLabels() {
        return maxPendingLabels;
    }

    public void setMaxPendingLabels(Integer maxPendingLabels) {
        this.maxPendingLabels = maxPendingLabels;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }
}

package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.modelmonitor.api.CollectorContract;

public class TargetSpec {

    public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
    public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$";

    @Default("Deployment")
    @JsonPropertyDescription("Kind of the workload that serves the model: Deployment, StatefulSet, Rollout (Argo "
            + "Rollouts, argoproj.io/v1alpha1) or InferenceService (KServe, serving.kserve.io/v1beta1, raw deployment "
            + "mode, with collector.injection webhook). Another project's CRD must be installed before the operator "
            + "starts.")
    private TargetKind kind = TargetKind.Deployment;

    @Required
    @Pattern(DNS_SUBDOMAIN)
    @JsonPropertyDescription("Name of the workload, in the ModelMonitor's namespace.")
    private String name;

    @Pattern(DNS_LABEL)
    @JsonPropertyDescription("Name of the model's container in the pod template. Default: the first container.")
    private String container;

    @Default("" + CollectorContract.MODEL_PORT)
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("The model's HTTP port inside the pod; the collector forwards to 127.0.0.1 on this port.")
    private Integer port = CollectorContract.MODEL_PORT;

    @Pattern(DNS_LABEL)
    @JsonPropertyDescription("Optional Service in front of the model. The port of this Service that targets the model's "
            + "port is pointed at the collector's data port once the collectors are ready, and restored on deletion. "
            + "Only a Service whose selector selects the target's pods is routed (otherwise TrafficRouted says NotAllowed).")
    private String service;

    public TargetKind getKind() {
        return kind;
    }

    public void setKind(TargetKind kind) {
        this.kind = kind;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getContainer() {
        return container;
    }

    public void setContainer(String container) {
        this.container = container;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }
}

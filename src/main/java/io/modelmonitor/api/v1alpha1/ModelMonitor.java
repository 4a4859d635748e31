package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A ModelMonitor watches one model Deployment: it injects the collector, judges the objectives and rolls back. */
@Group(ModelMonitor.GROUP)
@Version(ModelMonitor.VERSION)
@ShortNames("mm")
@JsonClassDescription("Monitors a machine-learning model served by a Deployment: collects its predictions, latency and "
        + "ground-truth labels through an injected sidecar, judges objectives with statistical confidence and rolls "
        + "the Deployment back when one is breached.")
@AdditionalPrinterColumn(name = "Target", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.target.name")
@AdditionalPrinterColumn(name = "Phase", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Accuracy", type = AdditionalPrinterColumn.Type.NUMBER,
        jsonPath = ".status.metrics.accuracy.value")
@AdditionalPrinterColumn(name = "P99(ms)", type = AdditionalPrinterColumn.Type.NUMBER,
        jsonPath = ".status.metrics.latencyMs.p99")
@AdditionalPrinterColumn(name = "Errors", type = AdditionalPrinterColumn.Type.NUMBER,
        jsonPath = ".status.metrics.errorRate.value")
@AdditionalPrinterColumn(name = "TTFT-P95(ms)", type = AdditionalPrinterColumn.Type.NUMBER,
        jsonPath = ".status.metrics.generation.ttftMs.p95", priority = 1)
@AdditionalPrinterColumn(name = "Accepted", type = AdditionalPrinterColumn.Type.NUMBER,
        jsonPath = ".status.metrics.generation.acceptanceRate.value", priority = 1)
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class ModelMonitor extends CustomResource<ModelMonitorSpec, ModelMonitorStatus> implements Namespaced {

    public static final String GROUP = "modelmonitor.io";
    public static final String VERSION = "v1alpha1";

    /** A stored spec this operator cannot read costs this monitor alone, never the watch of all (see StoredSpec). */
    @Override
    @JsonDeserialize(using = StoredSpec.Reader.class)
    public void setSpec(ModelMonitorSpec spec) {
        super.setSpec(spec);
    }

    /**
     * Declared here so that the operator's client can write a placeholder back as it was stored
     * ({@link StoredSpec.Writer}, applied as a mix-in: an annotation here would hide the spec's schema from the CRD
     * generator).
     */
    @Override
    public ModelMonitorSpec getSpec() {
        return super.getSpec();
    }
}

package io.modelmonitor.cluster;

import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.operator.status.StatusConditions;

/** What the cluster tests read of a monitor, as kubectl would show it: its status, a condition, its Events. */
final class Monitors {

    private Monitors() {
    }

    /** The monitor's status; an empty one while it has none (or the monitor is not there yet). */
    static ModelMonitorStatus status(KubernetesClient client, String namespace, String name) {
        ModelMonitor mm = client.resources(ModelMonitor.class).inNamespace(namespace).withName(name).get();
        return mm == null || mm.getStatus() == null ? new ModelMonitorStatus() : mm.getStatus();
    }

    static Condition condition(ModelMonitorStatus status, String type) {
        return StatusConditions.find(status.getConditions(), type)
                .orElseThrow(() -> new AssertionError("no condition " + type + " in " + status.getConditions()));
    }

    /** The Events about ModelMonitors in the namespace. */
    static List<Event> events(KubernetesClient client, String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "ModelMonitor".equals(e.getInvolvedObject().getKind())).toList();
    }
}

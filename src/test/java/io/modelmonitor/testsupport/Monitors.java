package io.modelmonitor.testsupport;

import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.operator.status.StatusConditions;

/** What tests read of a monitor, as kubectl would show it: its status, a condition, its Events. */
public final class Monitors {

    private Monitors() {
    }

    /** The monitor's status; an empty one while it has none (or the monitor is not there yet). */
    public static ModelMonitorStatus status(KubernetesClient client, String namespace, String name) {
        ModelMonitor mm = client.resources(ModelMonitor.class).inNamespace(namespace).withName(name).get();
        return mm == null || mm.getStatus() == null ? new ModelMonitorStatus() : mm.getStatus();
    }

    public static Condition condition(ModelMonitorStatus status, String type) {
        return StatusConditions.find(status.getConditions(), type)
                .orElseThrow(() -> new AssertionError("no condition " + type + " in " + status.getConditions()));
    }

    public static Condition condition(ModelMonitor monitor, String type) {
        return condition(monitor.getStatus() == null ? new ModelMonitorStatus() : monitor.getStatus(), type);
    }

    /** The condition, or one of status Unknown while the monitor has not set it (for waiting until it has). */
    public static Condition conditionOrUnknown(ModelMonitor monitor, String type) {
        return StatusConditions.find(monitor.getStatus() == null ? List.<Condition>of() : monitor.getStatus().getConditions(), type)
                .orElse(new ConditionBuilder().withType(type).withStatus("Unknown").withReason("").withMessage("").build());
    }

    /** The Events about ModelMonitors in the namespace. */
    public static List<Event> events(KubernetesClient client, String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "ModelMonitor".equals(e.getInvolvedObject().getKind())).toList();
    }
}

package io.modelmonitor.operator.routing;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.operator.status.EventRecorder;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.target.Targets;

/**
 * Undoes what a monitor did to a Deployment or a Service it no longer names: when spec.target changes, and on
 * deletion. The status records what the monitor touched (injectedDeployment, routedService), so a Service left
 * pointing at a collector port that is about to disappear cannot be forgotten. Services are restored before
 * collectors are removed, so no request meets a missing port.
 */
public final class TargetRelease {

    private final KubernetesClient client;
    private final EventRecorder events;
    private final ServiceRouter router;

    public TargetRelease(KubernetesClient client, EventRecorder events) {
        this.client = client;
        this.events = events;
        this.router = new ServiceRouter(client, events);
    }

    /**
     * Releases a Service or Deployment the monitor touched but its spec no longer names, and updates the status. A
     * Service still named is restored too when the Deployment changes: its pods are about to lose the collector
     * port, and it is routed again once the new target's collectors are ready.
     */
    public void releaseStale(ModelMonitor monitor, ModelMonitorStatus status) {
        var target = monitor.getSpec().getTarget();
        String routed = status.getRoutedService();
        String injected = status.getInjectedDeployment();
        boolean deploymentChanged = injected != null && !injected.equals(target.getName());
        if (routed != null && (deploymentChanged || !routed.equals(target.getService()))) {
            router.restore(monitor, routed);
            status.setRoutedService(null);
        }
        if (deploymentChanged) {
            removeCollector(monitor, injected);
            status.setInjectedDeployment(null);
        }
    }

    /** On deletion: every Service and Deployment the monitor names or touched. */
    public void releaseAll(ModelMonitor monitor) {
        ModelMonitorStatus status = monitor.getStatus() == null ? new ModelMonitorStatus() : monitor.getStatus();
        var target = monitor.getSpec().getTarget();
        touched(target.getService(), status.getRoutedService()).forEach(name -> router.restore(monitor, name));
        touched(target.getName(), status.getInjectedDeployment()).forEach(name -> removeCollector(monitor, name));
    }

    private static Set<String> touched(String named, String recorded) {
        Set<String> names = new LinkedHashSet<>();
        names.add(named);
        names.add(recorded);
        names.removeIf(Objects::isNull);
        return names;
    }

    /** Removes the collector, if this monitor put it there (another monitor may have claimed the target since). */
    private void removeCollector(ModelMonitor monitor, String targetName) {
        Targets.Type type = Targets.of(monitor.getSpec().getTarget().getKind());
        Optional<Target> target = type.find(client, monitor.getMetadata().getNamespace(), targetName);
        if (target.isPresent() && target.get().claimedBy().filter(monitor.getMetadata().getName()::equals).isPresent()) {
            target.get().removeCollector();
            events.record(monitor, Reason.SIDECAR_REMOVED, "removed the collector from " + type.kind() + " " + targetName);
        }
    }
}

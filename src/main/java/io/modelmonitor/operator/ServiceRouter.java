package io.modelmonitor.operator;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ServiceResource;
import io.modelmonitor.api.v1alpha1.ModelMonitor;

/** Applies {@link ServiceRouting} to the monitor's Service through the API. */
final class ServiceRouter {

    private final KubernetesClient client;
    private final EventRecorder events;

    ServiceRouter(KubernetesClient client, EventRecorder events) {
        this.client = client;
        this.events = events;
    }

    /** Routes the Service through the collector; returns why it could not, if it could not. */
    Optional<String> route(ModelMonitor monitor, Workload target) {
        String name = monitor.getSpec().getTarget().getService();
        if (name == null) {
            return Optional.empty();
        }
        ServiceResource<Service> resource = service(monitor, name);
        Service service = resource.get();
        if (service == null) {
            return Optional.of("Service " + name + " not found; traffic does not pass the collector");
        }
        if (ServiceRouting.isRouted(service)) {
            return Optional.empty();
        }
        Container model = CollectorSidecar.modelContainer(target.template(), monitor.getSpec().getTarget().getContainer()).orElse(null);
        int modelPort = monitor.getSpec().getTarget().getPort();
        if (ServiceRouting.modelPorts(service, model, modelPort).isEmpty()) {
            return Optional.of("Service " + name + " has no port that targets the model's port " + modelPort);
        }
        resource.edit(s -> {
            ServiceRouting.route(s, model, modelPort);
            return s;
        });
        events.record(monitor, Reason.SERVICE_ROUTED, "Service " + name + " now sends the model's traffic through the "
                + "collector (target port " + Annotations.DATA_PORT_NAME + ")");
        return Optional.empty();
    }

    /** Puts the Service's target ports back as they were before routing. */
    void restore(ModelMonitor monitor, String name) {
        ServiceResource<Service> resource = service(monitor, name);
        Service service = resource.get();
        if (service == null || !ServiceRouting.isRouted(service)) {
            return;
        }
        resource.edit(s -> {
            ServiceRouting.restore(s);
            return s;
        });
        events.record(monitor, Reason.SERVICE_RESTORED, "Service " + name + " targets the model directly again");
    }

    private ServiceResource<Service> service(ModelMonitor monitor, String name) {
        return client.services().inNamespace(monitor.getMetadata().getNamespace()).withName(name);
    }
}

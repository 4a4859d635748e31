package io.modelmonitor.operator.routing;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ServiceResource;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.status.EventRecorder;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusAggregator;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.operator.target.PodCensus;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.validation.AuthorLimits;

/** Applies {@link ServicePortRewrite} to the monitor's Service through the API. */
public final class ServiceRouter {

    private final KubernetesClient client;
    private final EventRecorder events;

    public ServiceRouter(KubernetesClient client, EventRecorder events) {
        this.client = client;
        this.events = events;
    }

    /** Whether the model's traffic passes the collector, as the live Service says, and why not. */
    public record Routing(boolean routed, Reason reason, String message) {

        /** Says it in TrafficRouted; not routed also makes the monitor not Ready (Collecting) and returns false. */
        public boolean report(StatusAggregator state) {
            state.condition(StatusConditions.TRAFFIC_ROUTED, routed, reason, message);
            if (!routed) {
                state.condition(StatusConditions.READY, false, reason, message);
                state.status().setPhase(Phase.Collecting);
            }
            return routed;
        }
    }

    /**
     * Routes the Service through the collector, or checks that it still is: read from the live Service every time,
     * not from what we once wrote. A Service reset by someone else is routed again (Event ServiceRoutingLost).
     * Empty when the monitor names no Service.
     */
    public Optional<Routing> route(ModelMonitor monitor, Target target, PodCensus census, String routedNow) {
        String name = monitor.getSpec().getTarget().getService();
        if (name == null) {
            return Optional.empty();
        }
        if (census != null && census.withoutCollector() > 0 && routedNow == null) {
            // Webhook injection: a pod without a collector has no mm-data port, so routing now would send all traffic
            // to the others.
            return Optional.of(new Routing(false, Reason.SERVICE_NOT_ROUTED, "Service " + name
                    + " is routed through the collector once every pod has one (" + census.withoutCollector()
                    + " run without; " + target.restartCommand() + " gives them one)"));
        }
        ServiceResource<Service> resource = service(monitor, name);
        Service service = resource.get();
        if (service == null) {
            return Optional.of(new Routing(false, Reason.SERVICE_NOT_ROUTED,
                    "Service " + name + " not found; traffic does not pass the collector"));
        }
        String me = monitor.getMetadata().getName();
        Optional<String> owner = ServicePortRewrite.routedBy(service).filter(o -> !o.equals(me));
        if (owner.isPresent()) {
            return Optional.of(new Routing(false, Reason.SERVICE_NOT_ROUTED, "Service " + name
                    + " is routed by ModelMonitor " + owner.get() + "; a Service can be routed by only one monitor"));
        }
        Optional<String> notAllowed = AuthorLimits.serviceProblem(name, service.getSpec().getSelector(),
                target.template().getMetadata() == null ? null : target.template().getMetadata().getLabels(),
                target.kind() + " " + target.name());
        if (notAllowed.isPresent()) {
            // Routed before this check existed: given back, since it never carried this target's traffic.
            if (ServicePortRewrite.isRouted(service) && ServicePortRewrite.routedBy(service).filter(me::equals).isPresent()) {
                restore(monitor, name);
            }
            return Optional.of(new Routing(false, Reason.NOT_ALLOWED, notAllowed.get()));
        }
        Container model = CollectorSidecar.modelContainer(target.template(), monitor.getSpec().getTarget().getContainer())
                .orElse(null);
        int modelPort = monitor.getSpec().getTarget().getPort();
        if (ServicePortRewrite.routesThroughCollector(service, model, modelPort)) {
            if (ServicePortRewrite.routedBy(service).isEmpty()) {
                // Routed by an operator before routed-by existed: claim it, so that only this monitor restores it.
                resource.edit(s -> {
                    s.getMetadata().getAnnotations().put(Annotations.ROUTED_BY, me);
                    return s;
                });
            }
            return Optional.of(routed(name));
        }
        boolean lost = ServicePortRewrite.isRouted(service);
        if (ServicePortRewrite.modelPorts(service, model, modelPort).isEmpty()) {
            String message = lost
                    ? "Service " + name + " no longer targets the collector nor the model's port " + modelPort
                            + " (changed by someone else); traffic does not pass the collector"
                    : "Service " + name + " has no port that targets the model's port " + modelPort;
            return Optional.of(new Routing(false, lost ? Reason.SERVICE_ROUTING_LOST : Reason.SERVICE_NOT_ROUTED, message));
        }
        resource.edit(s -> {
            ServicePortRewrite.route(s, model, modelPort, me);
            return s;
        });
        if (lost) {
            events.record(monitor, Reason.SERVICE_ROUTING_LOST, "Service " + name + " sent the model's traffic around "
                    + "the collector (its target ports were reset by someone else); routed through the collector again");
        } else {
            events.record(monitor, Reason.SERVICE_ROUTED, "Service " + name + " now sends the model's traffic through the "
                    + "collector (target port " + Annotations.DATA_PORT_NAME + ")");
        }
        return Optional.of(routed(name));
    }

    private static Routing routed(String name) {
        return new Routing(true, Reason.SERVICE_ROUTED, "Service " + name + " sends the model's traffic through the "
                + "collector (target port " + Annotations.DATA_PORT_NAME + ")");
    }

    /** Puts the Service's target ports back as they were before routing, if this monitor routed it. */
    void restore(ModelMonitor monitor, String name) {
        ServiceResource<Service> resource = service(monitor, name);
        Service service = resource.get();
        if (service == null || !ServicePortRewrite.isRouted(service)
                || ServicePortRewrite.routedBy(service).filter(o -> !o.equals(monitor.getMetadata().getName())).isPresent()) {
            return;
        }
        resource.edit(s -> {
            ServicePortRewrite.restore(s);
            return s;
        });
        events.record(monitor, Reason.SERVICE_RESTORED, "Service " + name + " targets the model directly again");
    }

    private ServiceResource<Service> service(ModelMonitor monitor, String name) {
        return client.services().inNamespace(monitor.getMetadata().getNamespace()).withName(name);
    }
}

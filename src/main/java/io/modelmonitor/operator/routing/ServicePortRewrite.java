package io.modelmonitor.operator.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.modelmonitor.operator.injection.Annotations;

/**
 * Points a Service's model port at the collector and back. The target port becomes the collector's named
 * port, so pods that do not run the collector yet simply drop out of the endpoints instead of refusing
 * connections. The original target ports are kept in an annotation on the Service itself, which makes
 * the restore exact even after an operator restart.
 */
public final class ServicePortRewrite {

    private static final TypeReference<Map<String, IntOrString>> ORIGINALS = new TypeReference<>() {
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServicePortRewrite() {
    }

    /** The Service ports that send traffic to the model's port. */
    public static List<ServicePort> modelPorts(Service service, Container model, int modelPort) {
        return service.getSpec().getPorts().stream()
                .filter(p -> targetsModel(p, model, modelPort))
                .toList();
    }

    private static boolean targetsModel(ServicePort port, Container model, int modelPort) {
        IntOrString target = port.getTargetPort();
        if (target == null) {
            return port.getPort() != null && port.getPort() == modelPort;
        }
        if (target.getIntVal() != null) {
            return target.getIntVal() == modelPort;
        }
        String name = target.getStrVal();
        List<ContainerPort> ports = model == null || model.getPorts() == null ? List.of() : model.getPorts();
        return ports.stream().anyMatch(p -> name.equals(p.getName()) && p.getContainerPort() == modelPort);
    }

    /** True when the operator has routed the Service (its annotation says so), whatever its ports say now. */
    public static boolean isRouted(Service service) {
        return originals(service).isPresent();
    }

    /**
     * True when traffic to the model really passes the collector: the Service is routed and none of its ports
     * targets the model directly any more. A Service reset by someone else (a GitOps sync, a kubectl apply) keeps our
     * annotations but sends the traffic around the collector again.
     */
    public static boolean routesThroughCollector(Service service, Container model, int modelPort) {
        return isRouted(service) && modelPorts(service, model, modelPort).isEmpty()
                && service.getSpec().getPorts().stream().anyMatch(ServicePortRewrite::targetsCollector);
    }

    /** The monitor that routed the Service, if the Service says. */
    public static Optional<String> routedBy(Service service) {
        Map<String, String> annotations = service.getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(Annotations.ROUTED_BY));
    }

    /**
     * Routes every port that targets the model through the collector, recording each one's target port (merged
     * with what an earlier routing recorded) and the monitor that routed it. Returns false when no port targets
     * the model.
     */
    public static boolean route(Service service, Container model, int modelPort, String monitorName) {
        List<ServicePort> ports = modelPorts(service, model, modelPort);
        if (ports.isEmpty()) {
            return false;
        }
        Map<String, IntOrString> originals = new LinkedHashMap<>(originals(service).orElse(Map.of()));
        for (ServicePort port : ports) {
            originals.put(key(port), port.getTargetPort());
            port.setTargetPort(new IntOrString(Annotations.DATA_PORT_NAME));
        }
        if (service.getMetadata().getAnnotations() == null) {
            service.getMetadata().setAnnotations(new LinkedHashMap<>());
        }
        try {
            service.getMetadata().getAnnotations().put(Annotations.ORIGINAL_TARGET_PORTS, JSON.writeValueAsString(originals));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("target ports are always serializable", e);
        }
        service.getMetadata().getAnnotations().put(Annotations.ROUTED_BY, monitorName);
        return true;
    }

    /** Puts back the target ports recorded by {@link #route}. Returns false when the Service was not routed. */
    public static boolean restore(Service service) {
        Optional<Map<String, IntOrString>> originals = originals(service);
        if (originals.isEmpty()) {
            return false;
        }
        for (ServicePort port : service.getSpec().getPorts()) {
            String key = key(port);
            if (originals.get().containsKey(key) && targetsCollector(port)) {
                port.setTargetPort(originals.get().get(key));
            }
        }
        Map<String, String> annotations = service.getMetadata().getAnnotations();
        annotations.remove(Annotations.ORIGINAL_TARGET_PORTS);
        annotations.remove(Annotations.ROUTED_BY);
        if (annotations.isEmpty()) {
            service.getMetadata().setAnnotations(null);
        }
        return true;
    }

    private static boolean targetsCollector(ServicePort port) {
        return port.getTargetPort() != null && Annotations.DATA_PORT_NAME.equals(port.getTargetPort().getStrVal());
    }

    private static Optional<Map<String, IntOrString>> originals(Service service) {
        Map<String, String> annotations = service.getMetadata().getAnnotations();
        String json = annotations == null ? null : annotations.get(Annotations.ORIGINAL_TARGET_PORTS);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, ORIGINALS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("annotation " + Annotations.ORIGINAL_TARGET_PORTS + " on Service "
                    + service.getMetadata().getName() + " is not the JSON the operator wrote: " + e.getOriginalMessage(), e);
        }
    }

    /** A Service port is identified by its number and protocol (names are optional for single-port Services). */
    private static String key(ServicePort port) {
        return port.getPort() + "/" + (port.getProtocol() == null ? "TCP" : port.getProtocol());
    }
}

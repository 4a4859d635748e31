package io.modelmonitor.operator.source;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.target.Target;
import io.quarkus.arc.DefaultBean;

/** The target's pods that are running, ready and carry the collector, at pod IP and admin port. */
@ApplicationScoped
@DefaultBean
public class PodCollectorEndpoints implements CollectorEndpoints {

    private final KubernetesClient client;

    public PodCollectorEndpoints(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public List<Endpoint> endpoints(ModelMonitor monitor, Target target) {
        // Every revision's pods, each named with its revision: the evaluator judges the current one's and keeps a
        // window for each other one serving beside it (a rolling update, a canary).
        var selector = target.podSelector();
        if (selector.isEmpty()) {
            return List.of();
        }
        int adminPort = monitor.getSpec().getCollector().getAdminPort();
        return client.pods().inNamespace(target.namespace()).withLabels(selector)
                .list().getItems().stream()
                .filter(PodCollectorEndpoints::readyWithCollector)
                .map(p -> new Endpoint(p.getMetadata().getName(), p.getStatus().getPodIP(), adminPort,
                        p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(target.revisionLabel())))
                .toList();
    }

    static boolean readyWithCollector(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getPodIP() == null || pod.getMetadata().getDeletionTimestamp() != null
                || !"Running".equals(pod.getStatus().getPhase())) {
            return false;
        }
        boolean hasCollector = pod.getSpec().getContainers().stream()
                .anyMatch(c -> Annotations.COLLECTOR_CONTAINER.equals(c.getName()));
        boolean collectorReady = pod.getStatus().getContainerStatuses() == null
                || pod.getStatus().getContainerStatuses().stream()
                        .filter(s -> Annotations.COLLECTOR_CONTAINER.equals(s.getName()))
                        .allMatch(s -> Boolean.TRUE.equals(s.getReady()));
        return hasCollector && collectorReady;
    }
}

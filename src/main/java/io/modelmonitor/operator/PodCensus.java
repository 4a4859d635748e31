package io.modelmonitor.operator;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * With webhook injection the template says nothing about collectors: the current revision's running pods are
 * counted instead, those the webhook gave a collector and those created without one, those whose collector runs
 * an older configuration of the monitor (its spec changed since they started), and the collector image.
 */
record PodCensus(int pods, int withCollector, int withoutCollector, int outdated, String image) {

    static PodCensus of(KubernetesClient client, Workload target, String desiredHash) {
        var selector = target.currentPodSelector();
        if (selector.isEmpty()) {
            return new PodCensus(0, 0, 0, 0, null);
        }
        List<Pod> running = client.pods().inNamespace(target.namespace()).withLabels(selector).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                        && "Running".equals(p.getStatus().getPhase()))
                .toList();
        int with = 0;
        int outdated = 0;
        String image = null;
        for (Pod pod : running) {
            var collector = pod.getSpec().getContainers().stream()
                    .filter(c -> Annotations.COLLECTOR_CONTAINER.equals(c.getName())).findFirst();
            if (collector.isPresent()) {
                with++;
                Map<String, String> annotations = pod.getMetadata().getAnnotations();
                if (!desiredHash.equals(annotations == null ? null : annotations.get(Annotations.CONFIG_HASH))) {
                    outdated++;
                }
                image = collector.map(Container::getImage).orElse(image);
            }
        }
        return new PodCensus(running.size(), with, running.size() - with, outdated, image);
    }
}

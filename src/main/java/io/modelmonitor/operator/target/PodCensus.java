package io.modelmonitor.operator.target;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.operator.injection.Annotations;

/**
 * With webhook injection the template says nothing about collectors: the current revision's running pods are
 * counted instead, those the webhook gave a collector and those created without one, those whose collector runs
 * an older configuration of the monitor (its spec changed since they started), and the collector image.
 * {@code unseen} counts the pods without one that started after the monitor existed and did not opt out: the webhook
 * should have seen them, so it was down or their namespace is not labelled for it.
 */
public record PodCensus(int pods, int withCollector, int withoutCollector, int outdated, int unseen, String image) {

    public static PodCensus of(KubernetesClient client, Target target, String desiredHash, String monitorCreated) {
        var selector = target.currentPodSelector();
        if (selector.isEmpty()) {
            return new PodCensus(0, 0, 0, 0, 0, null);
        }
        List<Pod> running = client.pods().inNamespace(target.namespace()).withLabels(selector).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                        && "Running".equals(p.getStatus().getPhase()))
                .toList();
        int with = 0;
        int outdated = 0;
        int unseen = 0;
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
            } else if (startedAfter(pod, monitorCreated)
                    && !"disabled".equals(pod.getMetadata().getLabels() == null ? null
                            : pod.getMetadata().getLabels().get(Annotations.INJECTION_LABEL))) {
                unseen++;
            }
        }
        return new PodCensus(running.size(), with, running.size() - with, outdated, unseen, image);
    }

    /** Creation times are RFC 3339 in seconds, so a pod made in the monitor's own second does not count. */
    private static boolean startedAfter(Pod pod, String monitorCreated) {
        String created = pod.getMetadata().getCreationTimestamp();
        if (created == null || monitorCreated == null) {
            return false;
        }
        try {
            return Instant.parse(created).isAfter(Instant.parse(monitorCreated));
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}

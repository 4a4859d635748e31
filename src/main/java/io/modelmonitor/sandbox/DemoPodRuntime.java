package io.modelmonitor.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.collector.Collector;
import io.modelmonitor.collector.CollectorConfig;
import io.modelmonitor.operator.injection.Annotations;

/**
 * Runs a simulated pod for real, on its loopback IP: the demo model in its model container, and, when the operator
 * injected one, the real collector configured from exactly the environment the operator gave that container.
 */
public final class DemoPodRuntime implements PodRuntime {

    /** How the demo model behaves for an image. */
    public interface Models {
        DemoModelServer.Behaviour behaviour(String image);
    }

    private record Running(DemoServer model, Collector collector) {
    }

    private final KubernetesClient client;
    private final Models models;
    private final Map<String, Running> pods = new ConcurrentHashMap<>();

    public DemoPodRuntime(KubernetesClient client, Models models) {
        this.client = client;
        this.models = models;
    }

    @Override
    public void start(Pod pod) {
        String ip = pod.getStatus().getPodIP();
        Container model = pod.getSpec().getContainers().get(0);
        int port = model.getPorts() == null || model.getPorts().isEmpty() ? 8080 : model.getPorts().get(0).getContainerPort();
        // The demo language model for its images (the llm story), the demo fraud model for any other.
        DemoServer server = SandboxScenario.isLlm(model.getImage())
                ? DemoLlmServer.start(ip, port, SandboxScenario.llmBehaviour(model.getImage()))
                : DemoModelServer.start(ip, port, models.behaviour(model.getImage()));
        Collector collector = pod.getSpec().getContainers().stream()
                .filter(c -> Annotations.COLLECTOR_CONTAINER.equals(c.getName())).findFirst()
                .map(c -> {
                    Map<String, String> env = environment(pod, c);
                    env.put("MM_UPSTREAM_URL", "http://" + ip + ":" + port);
                    return Collector.start(CollectorConfig.fromEnv(env));
                })
                .orElse(null);
        pods.put(key(pod), new Running(server, collector));
    }

    /** The container's environment as the kubelet would resolve it: fieldRefs and secretKeyRefs included. */
    private Map<String, String> environment(Pod pod, Container container) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
                String path = var.getValueFrom().getFieldRef().getFieldPath();
                if ("status.podIP".equals(path)) {
                    env.put(var.getName(), pod.getStatus().getPodIP());
                } else if (path.startsWith("metadata.labels['") && path.endsWith("']") && pod.getMetadata().getLabels() != null) {
                    String value = pod.getMetadata().getLabels().get(path.substring(17, path.length() - 2));
                    if (value != null) {
                        env.put(var.getName(), value);
                    }
                }
            } else if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                var ref = var.getValueFrom().getSecretKeyRef();
                Secret secret = client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(ref.getName()).get();
                if (secret != null && secret.getData() != null && secret.getData().get(ref.getKey()) != null) {
                    env.put(var.getName(), new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey())),
                            StandardCharsets.UTF_8));
                } else if (secret != null && secret.getStringData() != null) {
                    env.put(var.getName(), secret.getStringData().get(ref.getKey()));
                }
            }
        }
        // A pod has its own network namespace; here, its own loopback address.
        env.put("MM_BIND_ADDRESS", pod.getStatus().getPodIP());
        env.remove("JAVA_TOOL_OPTIONS");
        return env;
    }

    @Override
    public void stop(Pod pod) {
        Running running = pods.remove(key(pod));
        if (running != null) {
            if (running.collector() != null) {
                running.collector().close();
            }
            running.model().close();
        }
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
}

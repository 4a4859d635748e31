package io.modelmonitor.operator;

import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.collector.Collector;
import io.modelmonitor.collector.CollectorConfig;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.testsupport.Fixtures;

/**
 * Pods played on loopback for the operator tests: real collectors on 127.0.0.2, 127.0.0.3 ... (one IP per pod,
 * the same ports on each, as in a cluster), a stub model behind them, and the Pod objects the operator finds them by.
 */
public final class LoopbackPods {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A model answering every request with one positive prediction. */
    public record StubModel(HttpServer server) implements AutoCloseable {

        public int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private LoopbackPods() {
    }

    public static StubModel stubModel() throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"predictions\":[1]}".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new StubModel(server);
    }

    /** Two distinct ports free on 127.0.0.2 (held together, so they cannot be the same one). */
    public static int[] freePorts() throws Exception {
        try (ServerSocket s1 = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"));
                ServerSocket s2 = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            return new int[] {s1.getLocalPort(), s2.getLocalPort()};
        }
    }

    public static Collector collector(String ip, int modelPort, int dataPort, int adminPort) {
        Map<String, String> env = new HashMap<>();
        env.put("MM_UPSTREAM_URL", "http://127.0.0.1:" + modelPort);
        env.put("MM_BIND_ADDRESS", ip);
        env.put("MM_POD_IP", ip);
        env.put("MM_PORT", Integer.toString(dataPort));
        env.put("MM_ADMIN_PORT", Integer.toString(adminPort));
        // One key for the collectors of one monitor, as the operator's Secret gives them: ids verify across replicas.
        env.put("MM_ID_KEY", "loopback-pods-monitor-key-0123456789");
        return Collector.start(CollectorConfig.fromEnv(env));
    }

    /** A running, ready pod of the Deployment "scorer" with a collector, at {@code ip}. */
    static void pod(KubernetesClient client, String ns, String name, String ip) {
        pod(client, ns, name, ip, Map.of());
    }

    /** As {@link #pod(KubernetesClient, String, String, String)}, with more labels (e.g. its pod-template-hash). */
    static void pod(KubernetesClient client, String ns, String name, String ip, Map<String, String> labels) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels("app", "scorer")
                .addToLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("model").withImage("m").endContainer()
                .addNewContainer().withName(Annotations.COLLECTOR_CONTAINER).withImage("c").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip)
                .addNewContainerStatus().withName(Annotations.COLLECTOR_CONTAINER).withReady(true).endContainerStatus()
                .endStatus().build();
        client.resource(pod).create();
        client.pods().resource(pod).updateStatus();
    }

    /** A monitor of the Deployment "scorer" with the given collector ports, judged every second. */
    static ModelMonitor scorerMonitor(String ns, int dataPort, int adminPort) {
        var mm = Fixtures.monitor(ns, "scorer", "scorer");
        mm.getSpec().getGroundTruth().setTokenSecretRef(null);
        mm.getSpec().getCollector().setPort(dataPort);
        mm.getSpec().getCollector().setAdminPort(adminPort);
        mm.getSpec().getEvaluation().setInterval("1s");
        mm.getSpec().getEvaluation().setMinSamples(100);
        mm.getSpec().setObjectives(List.of(
                ObjectiveSpec.min(MetricName.accuracy, 0.9),
                ObjectiveSpec.max(MetricName.latencyP99Ms, 250)));
        return mm;
    }

    /**
     * The Deployment "scorer" (revision 1, two replicas) with its monitor, rolled out onto the loopback pods
     * scorer-a (127.0.0.2) and scorer-b (127.0.0.3); returns once the operator reads both collectors.
     */
    public static void deployScorer(KubernetesClient client, String ns, int dataPort, int adminPort) {
        var deployment = Fixtures.modelDeployment(ns, "scorer", 2);
        deployment.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "1");
        client.resource(deployment).create();
        client.resource(scorerMonitor(ns, dataPort, adminPort)).create();
        Fixtures.markRolledOut(client, await().atMost(Duration.ofSeconds(15)).until(
                () -> client.apps().deployments().inNamespace(ns).withName("scorer").get(),
                d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));
        pod(client, ns, "scorer-a", "127.0.0.2");
        pod(client, ns, "scorer-b", "127.0.0.3");
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            var status = client.resources(ModelMonitor.class).inNamespace(ns)
                    .withName("scorer").get().getStatus();
            return status != null && status.getLastEvaluationTime() != null && status.getCollectors() != null
                    && status.getCollectors().getReporting() == 2;
        });
    }

    /** {@code pairs} predictions through each of the two collectors, alternating; returns their ids. */
    public static List<String> predictPairs(Collector a, Collector b, int pairs) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            ids.add(predict(a));
            ids.add(predict(b));
        }
        return ids;
    }

    /** Labels for the ids, 80% agreeing with the prediction ("1"), sent to the collector at ip; returns the answer. */
    public static String feedback(String ip, int dataPort, List<String> ids) throws Exception {
        StringBuilder labels = new StringBuilder("[");
        for (int i = 0; i < ids.size(); i++) {
            labels.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids.get(i)).append("\",\"label\":\"")
                    .append(i % 5 == 0 ? "0" : "1").append("\"}");
        }
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + dataPort + "/modelmonitor/v1/feedback"))
                .POST(HttpRequest.BodyPublishers.ofString(labels + "]")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** One prediction through a collector; returns its id. */
    public static String predict(Collector c) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + c.config().bindAddress() + ":" + c.dataPort()
                + "/v1/models/scorer:predict")).POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[[1]]}")).build(),
                HttpResponse.BodyHandlers.ofString()).headers().firstValue("X-Prediction-Id").orElseThrow();
    }
}

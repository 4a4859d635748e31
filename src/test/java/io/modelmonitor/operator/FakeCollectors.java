package io.modelmonitor.operator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelmonitor.metrics.CollectorSnapshot;
import io.modelmonitor.metrics.LatencyHistogram;
import io.modelmonitor.sandbox.PodRuntime;

/**
 * Stands in for the collectors of simulated pods: a snapshot server on each pod's loopback IP and admin port,
 * whose counters grow by 100 labeled requests per read at the accuracy the test assigns to the pod's model image.
 */
final class FakeCollectors implements PodRuntime {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int adminPort;
    private final Function<String, Double> accuracyOfImage;
    private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();

    FakeCollectors(int adminPort, Function<String, Double> accuracyOfImage) {
        this.adminPort = adminPort;
        this.accuracyOfImage = accuracyOfImage;
    }

    @Override
    public void start(Pod pod) {
        String ip = pod.getStatus().getPodIP();
        String image = pod.getSpec().getContainers().get(0).getImage();
        long started = System.currentTimeMillis();
        long[] reads = {0};
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(ip, adminPort), 16);
            server.createContext("/modelmonitor/v1/snapshot", exchange -> {
                long n;
                synchronized (reads) {
                    n = ++reads[0] * 100;
                }
                long correct = Math.round(n * accuracyOfImage.apply(image));
                long[] latency = new long[LatencyHistogram.BOUNDS_MS.length + 1];
                latency[LatencyHistogram.bucketOf(20)] = n;
                CollectorSnapshot s = new CollectorSnapshot(ip, pod.getMetadata().getName(), started,
                        System.currentTimeMillis(), "binary-classification", Map.of("2xx", n), latency, n * 20.0, Map.of(),
                        Map.of("none", Map.of("1", correct, "0", n - correct)),
                        List.of(new CollectorSnapshot.LabelCount("1", "1", correct),
                                new CollectorSnapshot.LabelCount("0", "1", n - correct)),
                        List.of(new CollectorSnapshot.SegmentLabelCount("none", "tp", correct),
                                new CollectorSnapshot.SegmentLabelCount("none", "fn", n - correct)),
                        new CollectorSnapshot.Regression(0, 0, 0), Map.of(), 0, 0, 0, null, null, null);
                byte[] body = JSON.writeValueAsBytes(s);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            servers.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), server);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind " + ip + ":" + adminPort, e);
        }
    }

    @Override
    public void stop(Pod pod) {
        HttpServer server = servers.remove(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
        if (server != null) {
            server.stop(0);
        }
    }

    void stopAll() {
        servers.values().forEach(s -> s.stop(0));
        servers.clear();
    }
}

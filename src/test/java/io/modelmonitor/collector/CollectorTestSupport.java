package io.modelmonitor.collector;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;

import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.metrics.CollectorSnapshot;

/** Starts real collectors on loopback in front of a stub model, and talks to them over real HTTP. */
abstract class CollectorTestSupport {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static final String ID_KEY = "test-key-of-the-monitor-0123456789";

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    /** Closes the resource after the test, in reverse order of registration. */
    <T extends AutoCloseable> T closing(T resource) {
        resources.add(resource);
        return resource;
    }

    StubModel model(Function<StubModel.Request, StubModel.Response> answer) throws Exception {
        StubModel model = new StubModel(answer);
        resources.add(model);
        return model;
    }

    Collector collector(StubModel model, String... env) {
        return collector(model.port(), env);
    }

    Collector collector(int upstreamPort, String... env) {
        Map<String, String> values = new HashMap<>(Map.of(
                "MM_UPSTREAM_URL", "http://127.0.0.1:" + upstreamPort,
                "MM_PORT", "0", "MM_ADMIN_PORT", "0",
                "MM_BIND_ADDRESS", "127.0.0.1", "MM_POD_IP", "127.0.0.1",
                // As the operator gives every collector of one monitor: a shared key to sign ids with.
                "MM_ID_KEY", ID_KEY, "MM_REVISION", "5d8f7c9b44"));
        for (int i = 0; i < env.length; i += 2) {
            values.put(env[i], env[i + 1]);
        }
        Collector collector = Collector.start(CollectorConfig.fromEnv(values));
        resources.add(collector);
        return collector;
    }

    static HttpResponse<byte[]> post(Collector c, String path, String body, String... headers) throws Exception {
        return send(c, "POST", path, HttpRequest.BodyPublishers.ofString(body), headers);
    }

    static HttpResponse<byte[]> send(Collector c, String method, String path, HttpRequest.BodyPublisher body,
            String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.dataPort() + path))
                .timeout(Duration.ofSeconds(30)).method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> feedback(Collector c, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + c.dataPort() + "/modelmonitor/v1/feedback"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String admin(Collector c, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.adminPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static CollectorSnapshot snapshot(Collector c) throws Exception {
        return PredictionReader.JSON.readValue(admin(c, CollectorContract.SNAPSHOT_PATH), CollectorSnapshot.class);
    }

    /** Labeled predictions of one confusion cell, all segments together. */
    static long labels(CollectorSnapshot s, String predicted, String actual) {
        return s.labels().stream().filter(l -> l.predicted().equals(predicted) && l.actual().equals(actual))
                .mapToLong(CollectorSnapshot.LabelCount::count).sum();
    }

    /** Labeled predictions of one segment with one outcome (tp, fp, fn, tn; correct, incorrect). */
    static long segmentLabels(CollectorSnapshot s, String segment, String outcome) {
        return s.segmentLabels().stream().filter(l -> l.segment().equals(segment) && l.outcome().equals(outcome))
                .mapToLong(CollectorSnapshot.SegmentLabelCount::count).sum();
    }

    static String[] ids(HttpResponse<?> response) {
        return response.headers().firstValue(Http1Proxy.PREDICTION_ID).orElseThrow().split(",");
    }
}

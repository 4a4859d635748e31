package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.modelmonitor.metrics.CollectorSnapshot;
import io.modelmonitor.metrics.LatencyHistogram;

/** The data port as a model's clients see it: real HTTP on loopback through a real collector. */
class CollectorProxyTest extends CollectorTestSupport {

    @Test
    void kserveV1BatchGivesOneIdPerInstanceAndPassesTheBodyThrough() throws Exception {
        String answer = "{\"predictions\": [1, 0, 1], \"model_version\": \"7\"}";
        StubModel model = model(r -> new StubModel.Response(200, "application/json", answer.getBytes(), false,
                Map.of("X-Model-Version", "7")));
        Collector c = collector(model);

        HttpResponse<byte[]> response = post(c, "/v1/models/fraud:predict?explain=false",
                "{\"instances\": [[1,2],[3,4],[5,6]]}", "Content-Type", "application/json", "X-Request-Id", "abc");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body())).isEqualTo(answer);
        assertThat(response.headers().firstValue("X-Model-Version")).contains("7");
        assertThat(ids(response)).hasSize(3).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches("[0-9a-z]{8}\\.[0-9a-z]+\\.[0-9a-z]{6}\\.5d8f7c9b44@127\\.0\\.0\\.1:"
                        + c.adminPort() + "\\.[A-Za-z0-9_-]{11}"));
        StubModel.Request seen = model.received.get(0);
        assertThat(seen.uri()).isEqualTo("/v1/models/fraud:predict?explain=false");
        assertThat(seen.headers().get("X-request-id")).containsExactly("abc");
        assertThat(new String(seen.body())).isEqualTo("{\"instances\": [[1,2],[3,4],[5,6]]}");

        CollectorSnapshot s = snapshot(c);
        assertThat(s.predictions()).containsEntry("none", Map.of("1", 2L, "0", 1L));
        assertThat(s.requests()).containsEntry("2xx", 1L);
        assertThat(s.pendingLabels()).isEqualTo(3);
    }

    @Test
    void openInferenceV2RowsAreInstancesAndScoreVectorsReadAsArgmax() throws Exception {
        StubModel model = model(r -> new String(r.body()).contains("probs")
                ? StubModel.Response.json("{\"model_name\":\"iris\",\"outputs\":[{\"name\":\"probs\",\"shape\":[2,3],"
                        + "\"datatype\":\"FP32\",\"data\":[0.1,0.7,0.2, 0.6,0.3,0.1]}]}")
                : StubModel.Response.json("{\"model_name\":\"iris\",\"outputs\":[{\"name\":\"predict\",\"shape\":[2],"
                        + "\"datatype\":\"BYTES\",\"data\":[\"setosa\",\"virginica\"]}]}"));
        Collector c = collector(model, "MM_PROTOCOL", "open-inference-v2", "MM_TASK", "multiclass-classification");

        assertThat(ids(post(c, "/v2/models/iris/infer", "{\"inputs\":[]}"))).hasSize(2);
        assertThat(ids(post(c, "/v2/models/iris/infer", "{\"inputs\":[],\"want\":\"probs\"}"))).hasSize(2);

        assertThat(snapshot(c).predictions().get("none"))
                .containsEntry("setosa", 1L).containsEntry("virginica", 1L).containsEntry("1", 1L).containsEntry("0", 1L);
    }

    @Test
    void anyJsonWithAPointerAndSegmentsFromTheRequestBody() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"result\":{\"label\":\"churn\",\"score\":0.93}}"));
        Collector c = collector(model, "MM_PROTOCOL", "json", "MM_PREDICTION_POINTER", "/result/label",
                "MM_TASK", "multiclass-classification", "MM_SEGMENT_POINTER", "/customer/region");

        post(c, "/score", "{\"customer\":{\"region\":\"eu\"}}");
        post(c, "/score", "{\"customer\":{\"region\":\"us\"}}");
        post(c, "/score", "{\"customer\":{}}");

        assertThat(snapshot(c).predictions()).containsEntry("eu", Map.of("churn", 1L))
                .containsEntry("us", Map.of("churn", 1L)).containsEntry("none", Map.of("churn", 1L));
    }

    @Test
    void segmentsTheModelAssignsAreReadFromItsResponse() throws Exception {
        StubModel model = model(r -> StubModel.Response.json(new String(r.body(), StandardCharsets.UTF_8)
                .contains("eu") ? "{\"predictions\":[1],\"cohort\":\"eu\"}" : "{\"predictions\":[0]}"));
        Collector c = collector(model, "MM_SEGMENT_RESPONSE_POINTER", "/cohort");
        post(c, "/p", "{\"who\":\"eu\"}");
        post(c, "/p", "{\"who\":\"eu\"}");
        post(c, "/p", "{\"who\":\"us\"}");
        assertThat(snapshot(c).predictions()).containsEntry("eu", Map.of("1", 2L)).containsEntry("none", Map.of("0", 1L));
    }

    @Test
    void segmentsFromAHeader() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[0]}"));
        Collector c = collector(model, "MM_SEGMENT_HEADER", "X-Segment");
        post(c, "/p", "{}", "X-Segment", "eu");
        post(c, "/p", "{}", "X-Segment", "eu");
        post(c, "/p", "{}");
        assertThat(snapshot(c).predictions()).containsEntry("eu", Map.of("0", 2L)).containsEntry("none", Map.of("0", 1L));
    }

    @Test
    void anUnreachableModelGives502AndIsCounted() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Collector c = collector(closedPort);

        HttpResponse<byte[]> response = post(c, "/v1/models/m:predict", "{\"instances\":[1]}");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue(Http1Proxy.PREDICTION_ID)).isPresent();
        assertThat(snapshot(c).requests()).containsEntry("unreachable", 1L).containsEntry("2xx", 0L);
        assertThat(admin(c, "/metrics")).contains("modelmonitor_requests_total{code_class=\"unreachable\"} 1");
    }

    @Test
    void malformedHugeAndNonJsonTrafficPassesThroughByteForByteAndIsCounted() throws Exception {
        byte[] huge = jsonOfSize(3 << 20);
        byte[] binary = new byte[2 << 20];
        new Random(7).nextBytes(binary);
        StubModel model = model(r -> switch (r.uri()) {
            case "/text" -> StubModel.Response.of(200, "text/plain", "hello, not json".getBytes(), false);
            case "/broken" -> StubModel.Response.of(200, "application/json", "{\"predictions\": [1,".getBytes(), false);
            case "/huge" -> StubModel.Response.of(200, "application/json", huge, false);
            case "/huge-chunked" -> StubModel.Response.of(200, null, huge, true);
            case "/echo" -> StubModel.Response.of(200, "application/octet-stream", r.body(), true);
            case "/missing" -> StubModel.Response.of(404, "application/json", "{\"error\":\"no such model\"}".getBytes(), false);
            default -> StubModel.Response.json("{\"something\":\"else\"}");
        });
        Collector c = collector(model);

        assertThat(new String(post(c, "/text", "x").body())).isEqualTo("hello, not json");
        assertThat(new String(post(c, "/broken", "x").body())).isEqualTo("{\"predictions\": [1,");
        assertThat(sha256(post(c, "/huge", "x").body())).isEqualTo(sha256(huge));
        assertThat(sha256(post(c, "/huge-chunked", "x").body())).isEqualTo(sha256(huge));
        HttpResponse<byte[]> echoed = send(c, "PUT", "/echo", HttpRequest.BodyPublishers.ofByteArray(binary),
                "Content-Type", "application/octet-stream");
        assertThat(sha256(echoed.body())).isEqualTo(sha256(binary));
        assertThat(sha256(model.received.get(model.received.size() - 1).body())).isEqualTo(sha256(binary));
        HttpResponse<byte[]> missing = post(c, "/missing", "{}");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new String(missing.body())).isEqualTo("{\"error\":\"no such model\"}");
        post(c, "/other", "{}");

        CollectorSnapshot s = snapshot(c);
        assertThat(s.unparsed()).containsEntry("not_json", 3L) // text, broken JSON, octet-stream
                .containsEntry("too_large", 2L).containsEntry("no_prediction", 1L);
        assertThat(s.requests()).containsEntry("2xx", 6L).containsEntry("4xx", 1L);
        assertThat(s.predictions()).isEmpty();
    }

    @Test
    void concurrentLoadLosesNoCounts() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1]}"));
        Collector c = collector(model);
        int requests = 4000;
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return post(c, "/v1/models/m:predict", "{\"instances\":[1]}").statusCode();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            assertThat(calls.stream().map(CompletableFuture::join)).allMatch(status -> status == 200);
        } finally {
            pool.shutdownNow();
        }
        CollectorSnapshot s = snapshot(c);
        assertThat(s.requests().get("2xx")).isEqualTo(requests);
        assertThat(Arrays.stream(s.latencyBuckets()).sum()).isEqualTo(requests);
        assertThat(s.predictions().get("none").get("1")).isEqualTo(requests);
        assertThat(model.received).hasSize(requests);
        assertThat(LatencyHistogram.quantile(s.latencyBuckets(), 0.5)).isPositive();
    }

    @Test
    void metricsUseTheStableNamesAndCapCardinality() throws Exception {
        int[] next = {0};
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[\"class-" + (next[0]++) + "\"]}"));
        Collector c = collector(model, "MM_TASK", "multiclass-classification", "MM_MAX_CLASSES", "4");
        for (int i = 0; i < 10; i++) {
            post(c, "/p", "{}");
        }
        String metrics = admin(c, "/metrics");
        assertThat(metrics).contains("# TYPE modelmonitor_requests_total counter",
                "# TYPE modelmonitor_request_duration_seconds histogram",
                "modelmonitor_request_duration_seconds_bucket{le=\"+Inf\"} 10",
                "modelmonitor_request_duration_seconds_count 10",
                "modelmonitor_predictions_total{class=\"class-0\",segment=\"none\"} 1",
                "modelmonitor_predictions_total{class=\"other\",segment=\"none\"} 6",
                "modelmonitor_pending_labels 10", "modelmonitor_feedback_total{result=\"matched\"} 0",
                "modelmonitor_unparsed_responses_total{reason=\"not_json\"} 0",
                "modelmonitor_pending_evictions_total{reason=\"capacity\"} 0");
        assertThat(metrics.lines().filter(l -> l.startsWith("modelmonitor_predictions_total{"))).hasSize(5);
        assertThat(admin(c, "/healthz")).isEqualTo("ok\n");
        assertThat(admin(c, "/readyz")).isEqualTo("ok\n");
    }

    @Test
    void shuttingDownTurnsUnreadyFinishesRequestsInFlightThenStops() throws Exception {
        StubModel model = model(r -> {
            try {
                Thread.sleep(1000); // a slow prediction, in flight when the pod is told to stop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StubModel.Response.json("{\"predictions\":[1]}");
        });
        Collector c = collector(model, "MM_SHUTDOWN_DRAIN", "2s");
        int dataPort = c.dataPort();
        var inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return post(c, "/v1/models/m:predict", "{\"instances\":[1]}").statusCode();
            } catch (Exception e) {
                return -1;
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !model.received.isEmpty());
        Thread stopping = new Thread(c::shutDown);
        stopping.start();

        Awaitility.await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + c.adminPort() + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503));
        assertThat(inFlight.get(5, TimeUnit.SECONDS)).as("the request in flight completes").isEqualTo(200);
        stopping.join(10_000);
        assertThat(stopping.isAlive()).isFalse();
        assertThatThrownBy(() -> new Socket("127.0.0.1", dataPort).close()).as("closed after the drain")
                .isInstanceOf(ConnectException.class);
    }

    private static byte[] jsonOfSize(int size) {
        StringBuilder sb = new StringBuilder(size + 32).append("{\"predictions\":[");
        while (sb.length() < size) {
            sb.append("1,");
        }
        return sb.append("1]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}

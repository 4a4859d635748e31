package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a client of the feedback endpoint could try, against a collector started with the operator's JVM options:
 * aim the collector at an address of its choosing with a made-up id, slip extra data past the JSON parser, or grow
 * the metrics without bound. (The old collector forwarded a forged id's label, with the feedback token, to whatever
 * address the id named; ignored trailing data; and had a series per predicted x actual x segment.)
 *
 * <p>Runs beside the Quarkus tests, which mostly wait on clocks, and not beside the cluster tests, which it would
 * slow on the same two cores (the unit phase's concurrent lane). Its tests run one after another.
 */
@Execution(ExecutionMode.CONCURRENT)
class CollectorFeedbackAbuseTest extends CollectorTestSupport {

    private static final String TOKEN = "feedback-token-0123456789";

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void anIdWhoseSignatureDoesNotVerifyIsRejectedAndMakesNoNetworkCall() throws Exception {
        Trap trap = closing(new Trap());
        StubModel model = closing(new StubModel(r -> StubModel.Response.json("{\"predictions\":[1]}")));
        CollectorProcess collector = closing(CollectorProcess.start(model.port(), Map.of("MM_FEEDBACK_TOKEN", TOKEN)));
        String genuine = predict(collector);
        String trapAddress = "@127.0.0.1:" + trap.port();

        String[] forged = {
            // a genuine id with its address swapped for the trap's
            genuine.replaceFirst("@127\\.0\\.0\\.1:\\d+", trapAddress),
            // an id in the right shape, signed with a key that is not the monitor's
            new PredictionIds("127.0.0.1", trap.port(), "5d8f7c9b44", "not-the-monitors-key-0123").format(7),
            // the old format, which named an address and nothing else
            "0a1b2c3d-7" + trapAddress,
            // no signature at all
            "0a1b2c3d.7.5d8f7c9b44" + trapAddress,
        };
        JsonNode answer = feedback(collector, "[" + List.of(forged).stream()
                .map(id -> "{\"id\":\"" + id + "\",\"label\":\"1\"}").collect(Collectors.joining(",")) + "]").body();

        assertThat(answer.get("rejected").asInt()).isEqualTo(4);
        String badSignature = "id signature does not verify: not issued by a collector of this model";
        assertThat(answer.get("rejections").findValuesAsText("reason")).hasSize(4).containsOnly(badSignature);
        Thread.sleep(500);
        assertThat(trap.connections).as("connections the collector made to the address in a forged id").isEmpty();

        // The control: an id signed with the monitor's key is forwarded to the address inside it, token and all.
        String signed = new PredictionIds("127.0.0.1", trap.port(), "5d8f7c9b44", CollectorTestSupport.ID_KEY).format(7);
        // (The trap never answers, so the request is not waited for.)
        HTTP.sendAsync(feedbackRequest(collector, "{\"id\":\"" + signed + "\",\"label\":\"1\"}"),
                HttpResponse.BodyHandlers.discarding());
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !trap.connections.isEmpty());
        assertThat(genuine).hasSizeLessThan(64);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void feedbackMustBeExactlyOneJsonDocument() throws Exception {
        StubModel model = closing(new StubModel(r -> StubModel.Response.json("{\"predictions\":[1]}")));
        CollectorProcess collector = closing(CollectorProcess.start(model.port(), Map.of()));
        String id = predict(collector);
        String label = "{\"id\":\"" + id + "\",\"label\":\"1\"}";

        for (String body : List.of(label + " trailing", label + label, "[" + label + "]]")) {
            Answer response = feedback(collector, body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.body().get("error").asText()).as(body)
                    .startsWith("body must be exactly one JSON document; there is more data after it at offset ");
        }
        assertThat(collector.metric("modelmonitor_feedback_total{result=\"matched\"}")).as("nothing applied").isZero();
        assertThat(collector.metric("modelmonitor_pending_labels")).isEqualTo(1);

        assertThat(feedback(collector, label + "\n").statusCode()).as("trailing whitespace is fine").isEqualTo(202);
        assertThat(collector.metric("modelmonitor_feedback_total{result=\"matched\"}")).isEqualTo(1);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void metricsStayAFewThousandSeriesWhateverTheTrafficAndTheTotalsStayExact() throws Exception {
        // Every response names 40 classes; every request its own segment; labels disagree in 3 ways per prediction:
        // more classes and segments than the caps, and every (predicted, actual, segment) different.
        String classes = IntStream.range(0, 40).mapToObj(k -> "\"c" + k + "\"").collect(Collectors.joining(","));
        StubModel model = closing(new StubModel(r -> StubModel.Response.json("{\"predictions\":[" + classes + "]}")));
        CollectorProcess collector = closing(CollectorProcess.start(model.port(), Map.of(
                "MM_TASK", "multiclass-classification", "MM_SEGMENT_HEADER", "X-Segment", "MM_FEEDBACK_TOKEN", TOKEN)));
        int labelled = 0;
        for (int round = 0; round < 3; round++) {
            StringBuilder labels = new StringBuilder("[");
            for (int segment = 0; segment < 40; segment++) {
                String[] ids = send(collector, "s" + segment).headers().firstValue(Http1Proxy.PREDICTION_ID)
                        .orElseThrow().split(",");
                for (int k = 0; k < ids.length; k++) {
                    labels.append(labelled++ == 0 ? "" : ",").append("{\"id\":\"").append(ids[k])
                            .append("\",\"label\":\"c").append((k + round + segment) % 40).append("\"}");
                }
            }
            labelled = 0;
            assertThat(feedback(collector, labels.append(']').toString()).body().get("matched").asInt()).isEqualTo(1600);
        }

        List<String> series = collector.metrics().lines().filter(l -> !l.startsWith("#")).toList();
        int cap = 33; // 32 named + "other", for classes and for segments
        assertThat(series.stream().filter(l -> l.startsWith("modelmonitor_labels_total{"))).hasSizeLessThanOrEqualTo(cap * cap);
        assertThat(series.stream().filter(l -> l.startsWith("modelmonitor_segment_labels_total{")))
                .hasSizeLessThanOrEqualTo(cap * 2);
        assertThat(series).as("all series of one collector").hasSizeLessThan(2_500);
        assertThat(sum(series, "modelmonitor_labels_total{")).as("every label counted, folded or not").isEqualTo(4800);
        assertThat(sum(series, "modelmonitor_segment_labels_total{")).isEqualTo(4800);
        assertThat(sum(series, "modelmonitor_predictions_total{")).isEqualTo(4800);
    }

    private static long sum(List<String> series, String prefix) {
        return series.stream().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String predict(CollectorProcess collector) throws Exception {
        return send(collector, "none").headers().firstValue(Http1Proxy.PREDICTION_ID).orElseThrow();
    }

    private static HttpResponse<String> send(CollectorProcess collector, String segment) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.dataPort()
                + "/v1/models/m:predict")).header("X-Segment", segment)
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[[1]]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private record Answer(int statusCode, JsonNode body) {
    }

    private static Answer feedback(CollectorProcess collector, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(feedbackRequest(collector, body), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), PredictionReader.JSON.readTree(r.body()));
    }

    private static HttpRequest feedbackRequest(CollectorProcess collector, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.dataPort() + "/modelmonitor/v1/feedback"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }


    /** An address a forged id might name: it only records who connects. */
    private static final class Trap implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> connections = new CopyOnWriteArrayList<>();

        Trap() throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        connections.add(server.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : connections) {
                s.close();
            }
        }
    }
}

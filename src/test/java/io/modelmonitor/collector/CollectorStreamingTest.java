package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A response whose body is not complete promptly (an LLM's token stream, slow chunked JSON, a body of no declared
 * type) reaches the client as the model sends it, through a collector started with the operator's JVM options.
 * The model here sends its first part, then waits for the test: the client must have that part while the model is
 * still holding the rest. (The old collector held all but text/event-stream until complete.)
 */
@Execution(ExecutionMode.CONCURRENT)
class CollectorStreamingTest {

    private ChunkedModel model;
    private CollectorProcess collector;

    @AfterEach
    void close() throws Exception {
        if (collector != null) {
            collector.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @ParameterizedTest(name = "Content-Type: {0}")
    @Execution(ExecutionMode.SAME_THREAD)
    @CsvSource(delimiter = '|', nullValues = "none", value = {
        "application/x-ndjson | '{\"token\":\"Once\"}\n' | '{\"token\":\"upon\"}\n'",
        "application/json     | '{\"predictions\":[1,'   | '0]}'",
        "none                 | 'first part '           | 'second part'",
    })
    void aBodyThatIsNotCompletePromptlyReachesTheClientAsItComes(String type, String first, String second)
            throws Exception {
        model = new ChunkedModel(type, first, second);
        collector = CollectorProcess.start(model.port(), Map.of());

        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), collector.dataPort())) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(("POST /v1/models/m:predict HTTP/1.1\r\nHost: m\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            StringBuilder received = new StringBuilder();
            InputStream in = client.getInputStream();

            readUntil(in, received, first);
            long firstByteAfterModelSentIt = System.nanoTime() - model.firstPartSent;
            assertThat(model.holdingTheRest()).as("the model has not sent the rest yet").isTrue();
            // The proof is the rest still held by the model; the bound catches a part held for a timer (the body's
            // 30 s, the head's 10 s), with room for a cold collector's first request on a busy machine (282 ms seen).
            assertThat(TimeUnit.NANOSECONDS.toMillis(firstByteAfterModelSentIt))
                    .as("the first part reached the client long before any timer of the collector's").isLessThan(1000);
            assertThat(received.toString()).startsWith("HTTP/1.1 200").contains("\r\nX-Prediction-Id: ");

            model.sendTheRest();
            readUntil(in, received, second);
            readUntil(in, received, "\r\n0\r\n\r\n"); // the last chunk
        }

        if ("application/json".equals(type)) {
            // Read after it went by, for the counts; its ids could not go into the header already sent.
            assertThat(collector.metric("modelmonitor_predictions_total{class=\"1\",segment=\"none\"}")).isEqualTo(1);
            assertThat(collector.metric("modelmonitor_predictions_total{class=\"0\",segment=\"none\"}")).isEqualTo(1);
            assertThat(collector.metric("modelmonitor_unparsed_responses_total{reason=\"streamed\"}")).isEqualTo(1);
        }
        assertThat(collector.metric("modelmonitor_requests_total{code_class=\"2xx\"}")).isEqualTo(1);
    }

    /** A body of declared length is a document: a model pausing between head and body (a GC) loses no join. */
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aDocumentOfDeclaredLengthIsWaitedForAndItsPredictionTracked() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread pausingModel = new Thread(() -> {
                try (Socket s = server.accept()) {
                    ChunkedModel.readRequest(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    byte[] body = "{\"predictions\":[1]}".getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(100); // twenty times the stream hold
                    out.write(body);
                    out.flush();
                    s.getInputStream().read();
                } catch (IOException | InterruptedException e) {
                    // the test fails on what the client saw
                }
            });
            pausingModel.start();
            collector = CollectorProcess.start(server.getLocalPort(), Map.of());

            var response = CollectorTestSupport.HTTP.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + collector.dataPort() + "/v1/models/m:predict"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = response.headers().firstValue("X-Prediction-Id").orElseThrow();
            var feedback = CollectorTestSupport.HTTP.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + collector.dataPort() + "/modelmonitor/v1/feedback"))
                    .POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"" + id + "\",\"label\":\"1\"}]"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.body()).isEqualTo("{\"predictions\":[1]}");
            assertThat(feedback.body()).contains("\"matched\":1");
            pausingModel.join(5000);
        }
    }

    private static void readUntil(InputStream in, StringBuilder received, String expected) throws IOException {
        byte[] buffer = new byte[8192];
        while (!received.toString().contains(expected)) {
            int n = in.read(buffer); // SocketTimeoutException: the collector held it back
            if (n < 0) {
                throw new IOException("closed before \"" + expected + "\"; got " + received);
            }
            received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
    }

    /** A model on a plain socket: one response, chunked, its second part sent only when the test says so. */
    private static final class ChunkedModel implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final CountDownLatch release = new CountDownLatch(1);
        private final Thread thread;
        volatile long firstPartSent;
        private volatile boolean sentTheRest;

        ChunkedModel(String type, String first, String second) throws IOException {
            thread = new Thread(() -> {
                try (Socket s = server.accept()) {
                    readRequest(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\n" + (type == null ? "" : "Content-Type: " + type + "\r\n")
                            + "Transfer-Encoding: chunked\r\n\r\n" + chunk(first)).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    firstPartSent = System.nanoTime();
                    release.await(30, TimeUnit.SECONDS);
                    sentTheRest = true;
                    out.write((chunk(second) + "0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(1000);
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            thread.start();
        }

        static void readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                head.write(in.read());
            }
            in.readNBytes(2); // "{}", as the test sends
        }

        private static String chunk(String data) {
            return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
        }

        int port() {
            return server.getLocalPort();
        }

        boolean holdingTheRest() {
            return !sentTheRest;
        }

        void sendTheRest() {
            release.countDown();
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            server.close();
            thread.join(5000);
        }
    }
}

package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.fabric8.kubernetes.api.model.Quantity;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.metrics.CollectorSnapshot;
import io.modelmonitor.operator.config.OperatorConfig;

/**
 * What a client of the model can try against the sidecar in its path, tried on the packaged application started as
 * the image starts it, with the JVM options the operator injects (a 48 MiB heap that exits on OutOfMemoryError): hold
 * memory with unfinished heads or bodies, hold every connection slot in a phase that had no deadline, poison the
 * fairness groups, aim an old id at an address, and confuse the framing of HTTP/1.1 or the streams of HTTP/2. Each
 * test failed on the collector before issue 27. It runs beside the cluster tests, which mostly wait on clocks, and
 * never at the same time as the sandbox's test (one lane, a resource lock).
 */
@Execution(ExecutionMode.CONCURRENT)
// The lane SandboxKubectlIT takes too (its BESIDE_THE_CLUSTER_TESTS).
@ResourceLock("beside-the-cluster-tests")
class CollectorHostileClientsIT extends CollectorTestSupport {

    private static final String TOKEN = "feedback-token-0123456789";
    private static final byte[] PREFACE = ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    /** An empty SETTINGS frame: what follows the preface. */
    private static final byte[] SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    private final List<AutoCloseable> sockets = new ArrayList<>();
    private Server grpcModel;

    @AfterEach
    void closeSockets() throws Exception {
        for (AutoCloseable s : sockets) {
            s.close();
        }
        if (grpcModel != null) {
            grpcModel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void fourThousandClientsSendingHeaderLinesAreShedBeforeTheHeapIsAtRisk() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1]}"));
        CollectorProcess collector = closing(CollectorProcess.startPackaged(model.port(), Map.of()));

        // Complete header lines, a kilobyte at a time: the decoder parses each into the request's headers (heap), so
        // 4,000 such heads of 8 KB ended the collector with an OutOfMemoryError before the heads' budget.
        List<SocketChannel> hostile = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            SocketChannel s = SocketChannel.open(new InetSocketAddress("127.0.0.1", collector.dataPort()));
            sockets.add(s);
            hostile.add(s);
            write(s, "POST /v1/models/m:predict HTTP/1.1\r\nHost: m\r\n");
        }
        for (int line = 0; line < 8; line++) {
            String header = "X-Pad-" + line + ": " + "a".repeat(1000) + "\r\n";
            for (SocketChannel s : hostile) {
                write(s, header);
            }
            Thread.sleep(100); // a line at a time, as a slow client sends them: each is parsed and kept
        }

        List<CompletableFuture<HttpResponse<String>>> honest = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            honest.add(HTTP.sendAsync(predict(collector, "{\"instances\":[[1]]}").build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> r : honest) {
            assertThat(r.get(60, TimeUnit.SECONDS).statusCode()).as("an honest request during the attack").isEqualTo(200);
        }

        assertThat(collector.alive()).as("the collector is up; output: %s", tail(collector)).isTrue();
        assertThat(collector.output()).doesNotContain("java.lang.OutOfMemoryError");
        assertThat(collector.metric("modelmonitor_connections_closed_total{reason=\"shed\"}"))
                .as("oldest unfinished heads shed").isPositive();
        assertThat(collector.metric("modelmonitor_buffered_bytes{kind=\"heads\"}"))
                .isLessThanOrEqualTo(collector.metric("modelmonitor_buffer_limit_bytes{kind=\"heads\"}"));
        long limitMiB = Quantity.getAmountInBytes(new Quantity(OperatorConfig.COLLECTOR_MEMORY_LIMIT)).longValue() >> 20;
        assertThat(collector.rssMiB()).as("within the sidecar's default memory limit, %d MiB", limitMiB).isLessThan(limitMiB);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void everyPhaseHasADeadlineAndGivesWayToHonestClients() throws Exception {
        WebSocketModel model = closing(new WebSocketModel());
        CollectorProcess collector = closing(CollectorProcess.startPackaged(model.port(), Map.of("MM_MAX_CONNECTIONS", "16",
                "MM_BODY_TIMEOUT", "2s", "MM_IDLE_TIMEOUT", "3s", "MM_TUNNEL_IDLE_TIMEOUT", "3s")));

        // Below the cap: each phase that used to count as active for ever is closed at its deadline.
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slow.add(prefaceOnly(collector));
            slow.add(stalledBody(collector));
            slow.add(idleTunnel(collector));
        }
        for (Socket s : slow) {
            assertThat(closedByPeerWithin(s, Duration.ofSeconds(8))).as("closed by the collector").isTrue();
        }
        assertThat(collector.metric("modelmonitor_connections_closed_total{reason=\"body_timeout\"}")).isEqualTo(2);
        assertThat(collector.metric("modelmonitor_connections_closed_total{reason=\"idle_timeout\"}"))
                .as("HTTP/2 prefaces without a stream, and silent tunnels").isEqualTo(4);

        // At the cap, every slot held that way: honest clients still get in, the slow ones make room.
        for (int i = 0; i < 16; i++) {
            switch (i % 3) {
                case 0 -> prefaceOnly(collector);
                case 1 -> stalledBody(collector);
                default -> idleTunnel(collector);
            }
        }
        Thread.sleep(Connections.SLOW_MILLIS + 200);
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(predict(collector, "{\"instances\":[[1]]}")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("honest request %d at the cap", i).isEqualTo(200);
        }
        assertThat(collector.metric("modelmonitor_connections_closed_total{reason=\"evicted\"}")).isGreaterThanOrEqualTo(10);
        assertThat(collector.metric("modelmonitor_connections_closed_total{reason=\"rejected\"}")).isZero();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void feedbackIsJudgedOnItsHeadAndBodiesTogetherStayWithinTheirBudget() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1]}"));
        CollectorProcess collector = closing(CollectorProcess.startPackaged(model.port(), Map.of("MM_FEEDBACK_TOKEN", TOKEN)));

        // A wrong token is answered before a byte of the body is sent.
        Socket unauthorized = socket(collector.dataPort());
        send(unauthorized, "POST /modelmonitor/v1/feedback HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer wrong\r\n"
                + "Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n");
        assertThat(readHead(unauthorized, Duration.ofSeconds(3))).as("answered on the head").startsWith("HTTP/1.1 401");

        // Sixty authenticated clients each stall after most of a 1 MiB body: together more than the whole heap.
        String head = "POST /modelmonitor/v1/feedback HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n";
        byte[] almost = new byte[1_000_000];
        Arrays.fill(almost, (byte) ' ');
        for (int i = 0; i < 60; i++) {
            Socket s = socket(collector.dataPort());
            send(s, head);
            try {
                s.getOutputStream().write(almost);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // answered 503 and closed while still sending: the budget was full
            }
        }
        assertThat(collector.metric("modelmonitor_buffer_refusals_total{kind=\"bodies\"}"))
                .as("feedback answered 503 once the bodies' budget was full").isPositive();
        assertThat(collector.alive()).as("the collector is up; output: %s", tail(collector)).isTrue();
        assertThat(collector.metric("modelmonitor_buffered_bytes{kind=\"bodies\"}"))
                .isLessThanOrEqualTo(collector.metric("modelmonitor_buffer_limit_bytes{kind=\"bodies\"}"));
        assertThat(HTTP.send(predict(collector, "{\"instances\":[[1]]}").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);

        // The admin port (the kubelet's probes, the operator's reads) cannot be filled either: the oldest goes.
        List<Socket> admin = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            admin.add(socket(collector.adminPort()));
        }
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.adminPort() + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        long closed = admin.stream().filter(s -> closedByPeerWithin(s, Duration.ofMillis(50))).count();
        assertThat(closed).as("admin connections past the cap, closed").isGreaterThanOrEqualTo(300 - AdminServer.MAX_CONNECTIONS);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void junkSegmentsFoldIntoOtherAndTheDeclaredGroupsKeepTheirPlaces() throws Exception {
        String longNumber = "9".repeat(200);
        StubModel model = model(r -> StubModel.Response.json(r.uri().contains("long")
                ? "{\"predictions\":[" + longNumber + "]}" : "{\"predictions\":[1]}"));
        CollectorProcess declared = closing(CollectorProcess.startPackaged(model.port(), Map.of("MM_SEGMENT_HEADER", "X-Region",
                "MM_SEGMENT_VALUES", "[\"eu\",\"us\"]", "MM_MAX_SEGMENTS", "4")));
        CollectorProcess open = closing(CollectorProcess.startPackaged(model.port(), Map.of("MM_SEGMENT_HEADER", "X-Region",
                "MM_MAX_SEGMENTS", "4")));

        for (CollectorProcess c : List.of(declared, open)) {
            // Junk first, as an attacker would send it: many values, and some far longer than any group name.
            for (int i = 0; i < 40; i++) {
                String junk = i % 2 == 0 ? "junk-" + i : "x".repeat(2000 + i);
                assertThat(region(c, "/v1/models/m:predict", junk)).isEqualTo(200);
            }
            for (String region : List.of("eu", "us", "eu")) {
                assertThat(region(c, "/v1/models/m:predict", region)).isEqualTo(200);
            }
            assertThat(region(c, "/v1/models/long:predict", "eu")).isEqualTo(200);
        }

        Map<String, Map<String, Long>> seen = snapshot(declared).predictions();
        assertThat(seen.keySet()).as("only the declared groups are counted apart").containsExactlyInAnyOrder("eu", "us", "other");
        assertThat(seen.get("eu")).containsEntry("1", 2L).containsEntry("other", 1L);
        assertThat(seen.get("us")).containsEntry("1", 1L);
        assertThat(seen.get("other").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);

        Map<String, Map<String, Long>> undeclared = snapshot(open).predictions();
        assertThat(undeclared.keySet()).as("no name longer than a group name").allSatisfy(name ->
                assertThat(name.length()).isLessThanOrEqualTo(LabelTable.MAX_SEGMENT_LENGTH));
        assertThat(undeclared.values().stream().flatMap(m -> m.keySet().stream()))
                .as("a class label 200 digits long is not a name either").doesNotContain(longNumber);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void anOldIdIsNotForwardedAndForwardingNeverCarriesTheToken() throws Exception {
        Trap trap = closing(new Trap());
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1]}"));
        CollectorProcess collector = closing(CollectorProcess.startPackaged(model.port(), Map.of("MM_FEEDBACK_TOKEN", TOKEN,
                "MM_LABEL_TTL", "1m")));
        PredictionIds peer = new PredictionIds("127.0.0.1", trap.port(), "5d8f7c9b44", ID_KEY);

        // Signed with the monitor's key, but issued ten minutes ago: by now that address may be another pod's.
        String old = peer.format(7, System.currentTimeMillis() - Duration.ofMinutes(10).toMillis());
        HttpResponse<String> answer = HTTP.send(feedbackTo(collector, "{\"id\":\"" + old + "\",\"label\":\"1\"}", TOKEN),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).contains("\"unmatched\":1");
        Thread.sleep(500);
        assertThat(trap.requests).as("connections made for an expired id").isEmpty();

        // A fresh id is forwarded, signed with the monitor's key: the token does not leave the pod.
        String fresh = peer.format(8);
        HTTP.sendAsync(feedbackTo(collector, "{\"id\":\"" + fresh + "\",\"label\":\"1\"}", TOKEN),
                HttpResponse.BodyHandlers.discarding());
        await().atMost(Duration.ofSeconds(5)).until(() -> !trap.requests.isEmpty());
        assertThat(trap.requests.get(0)).containsIgnoringCase("authorization: MM-HMAC ").doesNotContain(TOKEN);

        // And a replica takes forwarded labels only so signed: the token alone no longer opens the admin port.
        HttpResponse<String> withToken = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + collector.adminPort() + "/modelmonitor/v1/feedback/forwarded")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(401);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void pipelinedRequestsAreAnsweredInOrderAndTheFramingCannotBeStripped() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1],\"uri\":\"" + r.uri() + "\"}"));
        CollectorProcess collector = closing(CollectorProcess.startPackaged(model.port(), Map.of()));
        String body = "{\"instances\":[[1]]}";

        Socket s = socket(collector.dataPort());
        String one = "POST /first HTTP/1.1\r\nHost: m\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        send(s, one + one.replace("/first", "/second"));
        String answers = readUntil(s, "\"uri\":\"/second\"", Duration.ofSeconds(10));
        assertThat(answers).containsSubsequence("HTTP/1.1 200", "/first", "HTTP/1.1 200", "/second");

        // A Connection header naming Content-Length would have sent the body on as a request of its own, uncounted.
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: m\r\n\r\n";
        Socket t = socket(collector.dataPort());
        send(t, "POST /framed HTTP/1.1\r\nHost: m\r\nConnection: keep-alive, Content-Length\r\nContent-Length: "
                + smuggled.length() + "\r\n\r\n" + smuggled);
        assertThat(readUntil(t, "/framed", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
        Thread.sleep(300);
        assertThat(model.received).extracting(StubModel.Request::uri).containsExactly("/first", "/second", "/framed");
        assertThat(new String(model.received.get(2).body(), StandardCharsets.US_ASCII)).isEqualTo(smuggled);
        assertThat(collector.metric("modelmonitor_requests_total{code_class=\"2xx\"}")).isEqualTo(3);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void http2StreamsBeyondTheModelsLimitWaitForItAndAStalledStreamIsReset() throws Exception {
        MethodDescriptor<byte[], byte[]> unary = method("test.Model/Predict", MethodDescriptor.MethodType.UNARY);
        MethodDescriptor<byte[], byte[]> upload = method("test.Model/Upload", MethodDescriptor.MethodType.CLIENT_STREAMING);
        ServerServiceDefinition service = ServerServiceDefinition.builder("test.Model")
                .addMethod(unary, ServerCalls.asyncUnaryCall((request, observer) -> {
                    sleep(200);
                    observer.onNext(request);
                    observer.onCompleted();
                }))
                .addMethod(upload, ServerCalls.asyncClientStreamingCall(observer -> new StreamObserver<byte[]>() {
                    @Override
                    public void onNext(byte[] value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        observer.onNext(new byte[0]);
                        observer.onCompleted();
                    }
                })).build();
        // The model takes two streams at once on a connection, as a small server might.
        grpcModel = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).maxConcurrentCallsPerConnection(2)
                .addService(service).build().start();
        CollectorProcess collector = closing(CollectorProcess.startPackaged(grpcModel.getPort(), Map.of("MM_BODY_TIMEOUT", "2s")));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.dataPort()).usePlaintext().build();
        closing(channel::shutdownNow);

        List<CompletableFuture<byte[]>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] request = {(byte) i};
            calls.add(CompletableFuture.supplyAsync(() -> ClientCalls.blockingUnaryCall(channel, unary,
                    CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS), request)));
        }
        for (int i = 0; i < calls.size(); i++) {
            assertThat(calls.get(i).get(20, TimeUnit.SECONDS)).as("call %d of 10 on one connection", i)
                    .containsExactly((byte) i);
        }

        // A call that opens its stream and never sends its request is reset after MM_BODY_TIMEOUT.
        AtomicReference<Status> closedWith = new AtomicReference<>();
        ClientCall<byte[], byte[]> stalled = channel.newCall(upload, CallOptions.DEFAULT);
        stalled.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closedWith.set(status);
            }
        }, new Metadata());
        stalled.request(1);
        await("the stalled stream is reset").atMost(Duration.ofSeconds(8)).until(() -> closedWith.get() != null);
        assertThat(closedWith.get().getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(collector.metric("modelmonitor_streams_reset_total{reason=\"body_timeout\"}")).isEqualTo(1);
    }

    // ---- the hostile clients' tools ----

    private static HttpRequest.Builder predict(CollectorProcess c, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.dataPort() + "/v1/models/m:predict"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpRequest feedbackTo(CollectorProcess c, String body, String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.dataPort() + "/modelmonitor/v1/feedback"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static int region(CollectorProcess c, String path, String region) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.dataPort() + path))
                .header("X-Region", region).POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[[1]]}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static CollectorSnapshot snapshot(CollectorProcess c) throws Exception {
        return PredictionReader.JSON.readValue(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + c.adminPort() + CollectorContract.SNAPSHOT_PATH)).build(),
                HttpResponse.BodyHandlers.ofString()).body(), CollectorSnapshot.class);
    }

    private Socket socket(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        sockets.add(s);
        return s;
    }

    private Socket prefaceOnly(CollectorProcess c) throws IOException {
        Socket s = socket(c.dataPort());
        s.getOutputStream().write(PREFACE);
        s.getOutputStream().write(SETTINGS);
        s.getOutputStream().flush();
        return s;
    }

    private Socket stalledBody(CollectorProcess c) throws IOException {
        Socket s = socket(c.dataPort());
        send(s, "POST /v1/models/m:predict HTTP/1.1\r\nHost: m\r\nContent-Length: 100\r\n\r\n{");
        return s;
    }

    private Socket idleTunnel(CollectorProcess c) throws IOException {
        Socket s = socket(c.dataPort());
        send(s, "GET /v1/stream HTTP/1.1\r\nHost: m\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertThat(readHead(s, Duration.ofSeconds(5))).startsWith("HTTP/1.1 101");
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void write(SocketChannel s, String text) {
        try {
            s.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // shed by the collector: what the test is about
        }
    }

    /** Reads up to the end of a response head. */
    private static String readHead(Socket s, Duration within) throws IOException {
        return readUntil(s, "\r\n\r\n", within);
    }

    private static String readUntil(Socket s, String marker, Duration within) throws IOException {
        s.setSoTimeout((int) within.toMillis());
        InputStream in = s.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + within.toNanos();
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("no " + marker + " in " + seen);
            }
            int b = in.read();
            if (b < 0) {
                break;
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the collector closes this connection within the time (reads whatever it sent first). */
    private static boolean closedByPeerWithin(Socket s, Duration within) {
        try {
            s.setSoTimeout((int) within.toMillis());
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[4096];
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static String tail(CollectorProcess c) throws IOException {
        String out = c.output();
        return out.substring(Math.max(0, out.length() - 2000));
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(name)
                .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records every request that reaches it, and never answers. */
    private static final class Trap implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread thread = new Thread(this::accept, "trap");

        Trap() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(1000);
                    byte[] buffer = new byte[8192];
                    int n = s.getInputStream().read(buffer);
                    requests.add(n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // closed, or a read timeout: next
                }
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}

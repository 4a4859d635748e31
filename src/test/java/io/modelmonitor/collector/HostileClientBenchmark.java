package io.modelmonitor.collector;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The hostile-client benchmark of issues 13 and 27 (src/bench/BENCHMARKS.md): a collector process with the operator's
 * JVM options in front of a model that answers in {@code MODEL_DELAY_MS}. Bursts of 2,000 honest concurrent requests
 * with 7 KB headers are timed first alone, then while 10,000 other connections hold every phase a client can hold,
 * a sixth each: an 8 KB partial head, silence, an HTTP/2 preface and nothing more, a request head whose body never
 * comes, an authenticated feedback POST stalled after 60 KB of its 1 MiB body, and an idle WebSocket tunnel; each is
 * reopened as soon as the collector closes it. Reports the honest bursts' success and p50/p99, the collector's RSS
 * and whether it stayed up. Loopback only; bounded in count and time.
 *
 * <pre>
 * mvn -q -B test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   "-Dexec.args=-cp %classpath io.modelmonitor.collector.HostileClientBenchmark"
 * </pre>
 */
public final class HostileClientBenchmark {

    private static final int HOSTILE = Integer.getInteger("hostile", 10_000);
    private static final int HONEST = Integer.getInteger("honest", 2_000);
    private static final int BURSTS = Integer.getInteger("bursts", 3);
    private static final long MODEL_DELAY_MS = Long.getLong("modelDelayMs", 200);
    private static final String TOKEN = "bench-feedback-token";

    private HostileClientBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (SlowModel model = new SlowModel(MODEL_DELAY_MS);
                CollectorProcess collector = CollectorProcess.start(model.port(), Map.of("MM_FEEDBACK_TOKEN", TOKEN))) {
            Vertx vertx = Vertx.vertx();
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                    .setConnectTimeout(30_000).setMaxHeaderSize(64 << 10),
                    new PoolOptions().setHttp1MaxSize(HONEST).setMaxWaitQueueSize(-1));
            burst(client, collector.dataPort()); // warm-up: JIT and connections
            System.out.println("| phase | honest requests | ok | p50 (ms) | p99 (ms) | max (ms) | collector RSS (MiB) | up |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
            for (int i = 0; i < BURSTS; i++) {
                report("without attack", burst(client, collector.dataPort()), collector);
            }
            Attack attack = new Attack(collector.dataPort());
            attack.start();
            Thread.sleep(3_000);
            for (int i = 0; i < BURSTS; i++) {
                report("during attack (" + attack.open() + " hostile open)", burst(client, collector.dataPort()), collector);
            }
            attack.stop();
            System.out.println();
            System.out.println("hostile connections opened in all: " + attack.opened.get() + "; closed by the collector: "
                    + attack.closedByPeer.get() + "; collector exited with OutOfMemoryError: "
                    + collector.output().contains("java.lang.OutOfMemoryError") + "; peak RSS (MiB): " + collector.peakRssMiB());
            for (String reason : List.of("header_timeout", "body_timeout", "idle_timeout", "evicted", "rejected", "shed")) {
                System.out.println("modelmonitor_connections_closed_total{reason=\"" + reason + "\"} "
                        + collector.metric("modelmonitor_connections_closed_total{reason=\"" + reason + "\"}"));
            }
            for (String kind : List.of("heads", "bodies")) {
                System.out.println("modelmonitor_buffer_limit_bytes{kind=\"" + kind + "\"} "
                        + collector.metric("modelmonitor_buffer_limit_bytes{kind=\"" + kind + "\"}"));
            }
            System.out.println("modelmonitor_buffer_refusals_total{kind=\"bodies\"} "
                    + collector.metric("modelmonitor_buffer_refusals_total{kind=\"bodies\"}"));
            System.out.println("modelmonitor_tunnels_total{protocol=\"websocket\"} "
                    + collector.metric("modelmonitor_tunnels_total{protocol=\"websocket\"}"));
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private record Burst(int ok, Histogram latency) {
    }

    private static Burst burst(HttpClient client, int port) throws Exception {
        String padding = "h".repeat(7000);
        Histogram latency = new Histogram(3);
        AtomicInteger ok = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < HONEST; i++) {
            long start = System.nanoTime();
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                    .setURI("/v1/models/m:predict").putHeader("Content-Type", "application/json")
                    .putHeader("X-Padding", padding).setTimeout(120_000);
            all.add(client.request(options).compose(r -> r.send(Buffer.buffer("{\"instances\":[[1]]}")))
                    .compose(r -> r.body().map(b -> r.statusCode())).onComplete(r -> {
                        if (r.succeeded() && r.result() == 200) {
                            ok.incrementAndGet();
                            synchronized (latency) {
                                latency.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
                            }
                        }
                    }));
        }
        Future.join(all).toCompletionStage().toCompletableFuture().exceptionally(e -> null).get(300, TimeUnit.SECONDS);
        return new Burst(ok.get(), latency);
    }

    private static void report(String phase, Burst b, CollectorProcess collector) throws Exception {
        boolean up = collector.alive();
        System.out.printf("| %s | %d | %d | %.1f | %.1f | %.1f | %s | %s |%n", phase, HONEST, b.ok(),
                b.latency().getValueAtPercentile(50) / 1000.0, b.latency().getValueAtPercentile(99) / 1000.0,
                b.latency().getMaxValue() / 1000.0, up ? Long.toString(collector.rssMiB()) : "-", up ? "yes" : "NO");
        if (!up) {
            String out = collector.output();
            System.out.println("the collector exited; the end of its output:\n" + out.substring(Math.max(0, out.length() - 3000)));
            System.exit(1);
        }
    }

    /** What each sixth of the hostile connections sends, then holds. */
    private static final byte[][] HOLDS = {
        ("POST /v1/models/m:predict HTTP/1.1\r\nHost: m\r\nX-Padding: " + "a".repeat(8000)).getBytes(StandardCharsets.US_ASCII),
        new byte[0],
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1),
        "POST /v1/models/m:predict HTTP/1.1\r\nHost: m\r\nContent-Length: 100\r\n\r\n{".getBytes(StandardCharsets.US_ASCII),
        ("POST /modelmonitor/v1/feedback HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n[" + " ".repeat(60_000))
                .getBytes(StandardCharsets.US_ASCII),
        ("GET /v1/stream HTTP/1.1\r\nHost: m\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII),
    };

    /** 10,000 connections, each holding one of {@link #HOLDS}; each is reopened when closed. */
    private static final class Attack {
        private final int port;
        private final SocketChannel[] sockets = new SocketChannel[HOSTILE];
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closedByPeer = new AtomicInteger();
        private volatile boolean running = true;
        private Thread thread;

        Attack(int port) {
            this.port = port;
        }

        void start() {
            thread = new Thread(() -> {
                ByteBuffer probe = ByteBuffer.allocate(1024);
                while (running) {
                    for (int i = 0; i < HOSTILE && running; i++) {
                        try {
                            if (sockets[i] != null) {
                                probe.clear();
                                if (sockets[i].read(probe) < 0) {
                                    closedByPeer.incrementAndGet();
                                    sockets[i].close();
                                    sockets[i] = null;
                                }
                            }
                            if (sockets[i] == null) {
                                SocketChannel s = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                                s.configureBlocking(false);
                                s.write(ByteBuffer.wrap(HOLDS[i % HOLDS.length]));
                                sockets[i] = s;
                                opened.incrementAndGet();
                            }
                        } catch (IOException e) {
                            closeQuietly(i);
                        }
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "attack");
            thread.setDaemon(true);
            thread.start();
        }

        int open() {
            int n = 0;
            for (SocketChannel s : sockets) {
                if (s != null && s.isOpen()) {
                    n++;
                }
            }
            return n;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(30_000);
            for (int i = 0; i < HOSTILE; i++) {
                closeQuietly(i);
            }
        }

        private void closeQuietly(int i) {
            try {
                if (sockets[i] != null) {
                    sockets[i].close();
                }
            } catch (IOException ignored) {
                // already gone
            }
            sockets[i] = null;
        }
    }
}

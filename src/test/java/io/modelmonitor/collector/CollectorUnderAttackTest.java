package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * What any client that can open connections could do to the sidecar, tried on a collector process with the JVM
 * options the operator injects (a 48 MiB heap): it must never exit for it, and honest requests must keep being
 * served. (The old collector died of OutOfMemoryError under the first two and queued the third behind 256 pooled
 * connections; the numbers here are the test's, the benchmark in src/bench goes to 10,000.)
 */
@Execution(ExecutionMode.CONCURRENT)
class CollectorUnderAttackTest extends CollectorTestSupport {

    private final List<SocketChannel> sockets = new ArrayList<>();
    private Vertx vertx;

    @AfterEach
    void closeTheRest() throws Exception {
        for (SocketChannel s : sockets) {
            s.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void slowAndSilentConnectionsAreShedWhileHonestRequestsAreServed() throws Exception {
        SlowModel model = closing(new SlowModel(5));
        CollectorProcess collector = closing(CollectorProcess.start(model.port(), Map.of(
                "MM_HEADER_TIMEOUT", "2s", "MM_IDLE_TIMEOUT", "3s", "MM_MAX_CONNECTIONS", "2000")));

        // 2,000 clients each stuck in the middle of an ~8 KB header, and 1,000 that never say anything: more than
        // MM_MAX_CONNECTIONS together.
        String partial = "POST /v1/models/m:predict HTTP/1.1\r\nHost: m\r\nX-Padding: " + "a".repeat(8000);
        for (int i = 0; i < 2000; i++) {
            SocketChannel s = open(collector.dataPort());
            s.write(ByteBuffer.wrap(partial.getBytes(StandardCharsets.US_ASCII)));
        }
        for (int i = 0; i < 1000; i++) {
            open(collector.dataPort());
        }

        AtomicInteger ok = new AtomicInteger();
        List<Future<Integer>> honest = new ArrayList<>();
        HttpClient client = client(50);
        for (int i = 0; i < 300; i++) {
            honest.add(predict(client, collector.dataPort(), "").onSuccess(code -> {
                if (code == 200) {
                    ok.incrementAndGet();
                }
            }));
        }
        Future.join(new ArrayList<>(honest)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

        assertThat(ok.get()).as("honest requests served during the attack").isEqualTo(300);
        assertThat(collector.alive()).as("the collector is still up").isTrue();
        await("the slow and silent connections are closed").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(collector.metric("modelmonitor_connections_closed_total{reason=\"header_timeout\"}")
                    + collector.metric("modelmonitor_connections_closed_total{reason=\"evicted\"}"))
                    .as("partial heads: timed out or evicted to make room").isGreaterThan(0);
            assertThat(collector.metric("modelmonitor_connections_closed_total{reason=\"idle_timeout\"}"))
                    .isGreaterThan(0);
            assertThat(collector.metric("modelmonitor_connections_open")).as("all of them").isLessThan(60);
        });
        assertThat(collector.output()).doesNotContain("OutOfMemoryError");
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void twoThousandConcurrentRequestsWithLargeHeadersReachTheModelAtOnce() throws Exception {
        SlowModel model = closing(new SlowModel(-1)); // holds every request until released
        CollectorProcess collector = closing(CollectorProcess.start(model.port(), Map.of()));

        HttpClient client = client(2000);
        String padding = "b".repeat(7000);
        List<Future<Integer>> requests = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            requests.add(predict(client, collector.dataPort(), padding));
        }
        // A pool in the collector would hold some back, and the model would never see them all at once.
        await("all 2,000 requests at the model at once").atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(model.inFlight()).isEqualTo(2000));
        model.release();
        Future.join(new ArrayList<>(requests)).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);

        assertThat(requests).as("every request answered by the model").allSatisfy(f -> assertThat(f.result()).isEqualTo(200));
        assertThat(collector.alive()).isTrue();
        assertThat(collector.output()).doesNotContain("OutOfMemoryError");
    }

    private HttpClient client(int connections) {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(30_000)
                .setMaxHeaderSize(64 << 10), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    private static Future<Integer> predict(HttpClient client, int port, String padding) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/v1/models/m:predict").putHeader("Content-Type", "application/json").setTimeout(60_000);
        if (!padding.isEmpty()) {
            options.putHeader("X-Padding", padding);
        }
        return client.request(options).compose(r -> r.send(Buffer.buffer("{\"instances\":[[1]]}")))
                .compose(r -> r.body().map(b -> r.statusCode()));
    }

    private SocketChannel open(int port) throws Exception {
        SocketChannel s = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        sockets.add(s);
        return s;
    }

}

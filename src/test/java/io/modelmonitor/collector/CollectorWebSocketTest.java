package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;

/**
 * A model that speaks WebSocket, through a collector started with the operator's JVM options: the upgrade reaches
 * the model, both directions flow, the connection is counted as a tunnel. (The old collector stripped the Upgrade
 * header, and the model saw a plain GET.)
 */
@Execution(ExecutionMode.CONCURRENT)
class CollectorWebSocketTest {

    private final Vertx vertx = Vertx.vertx();
    private CollectorProcess collector;

    private WebSocketModel model;

    @AfterEach
    void close() throws Exception {
        if (collector != null) {
            collector.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (model != null) {
            model.close();
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void webSocketUpgradesAreTunnelledBothWaysAndCounted() throws Exception {
        model = new WebSocketModel();
        collector = CollectorProcess.start(model.port(), Map.of());

        List<String> heardByClient = new CopyOnWriteArrayList<>();
        WebSocket socket;
        try {
            socket = vertx.createWebSocketClient().connect(collector.dataPort(), "127.0.0.1", "/v1/stream")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                throw new AssertionError("upgrade refused with " + rejected.getStatus() + " " + rejected.getHeaders()
                        + " " + rejected.getBody() + "; collector output: " + collector.output(), e);
            }
            throw e;
        }
        socket.textMessageHandler(heardByClient::add);
        socket.writeTextMessage("hello");
        socket.writeTextMessage("again");

        Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(heardByClient).containsExactly("echo: hello", "echo: again"));
        assertThat(model.heard).containsExactly("hello", "again");
        assertThat(collector.metric("modelmonitor_tunnels_total{protocol=\"websocket\"}")).isEqualTo(1);

        socket.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Awaitility.await("the tunnel is closed on both sides").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(collector.metric("modelmonitor_connections_open")).isZero());
    }
}

package io.modelmonitor.collector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * A model that takes its time, on one event loop (no thread per request): each request is answered
 * {@code {"predictions":[1]}} after {@code delayMillis}, or, with a negative delay, only once the test calls
 * {@link #release()}. It counts how many requests it holds at once, so a test can tell whether a proxy let them all
 * through or queued them.
 */
final class SlowModel implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpServer server;
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();
    final AtomicLong served = new AtomicLong();
    private final List<Runnable> held = new ArrayList<>();

    SlowModel(long delayMillis) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setTcpNoDelay(true).setAcceptBacklog(4096)
                .setMaxHeaderSize(64 << 10));
        server.requestHandler(request -> request.body().onSuccess(body -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Runnable answer = () -> {
                inFlight.decrementAndGet();
                served.incrementAndGet();
                request.response().putHeader("Content-Type", "application/json").end("{\"predictions\":[1]}");
            };
            if (delayMillis < 0) {
                held.add(answer);
            } else {
                vertx.setTimer(Math.max(1, delayMillis), t -> answer.run());
            }
        }));
        // WebSocket upgrades are accepted and the tunnel then left silent: what an idle tunnel holds.
        server.webSocketHandler(ws -> { });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Answers every request held so far (with a negative delay). */
    void release() {
        vertx.runOnContext(v -> {
            held.forEach(Runnable::run);
            held.clear();
        });
    }

    int inFlight() {
        return inFlight.get();
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

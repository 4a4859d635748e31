package io.modelmonitor.sandbox;

import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** A demo model the sandbox runs in a pod's model container: closed when its pod stops. */
public interface DemoServer extends AutoCloseable {

    @Override
    void close();

    /**
     * A demo model on its own one-loop Vert.x, listening on host:port once this returns; {@code make} builds it around
     * the server (and sets its request handler). Its Vert.x is closed again if it cannot listen.
     */
    static <T extends DemoServer> T start(String what, String host, int port, BiFunction<Vertx, HttpServer, T> make) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setTcpNoDelay(true));
        T model = make.apply(vertx, server);
        try {
            server.listen(port, host).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException(what + " cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return model;
    }
}

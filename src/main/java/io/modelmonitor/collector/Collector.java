package io.modelmonitor.collector;

import java.util.concurrent.TimeUnit;

import io.modelmonitor.metrics.CollectorSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;

/** The running collector: its two servers, the client to the model, and what they share. */
public final class Collector implements AutoCloseable {

    private final CollectorConfig config;
    private final Vertx vertx;
    private final CollectorStats stats;
    private final PendingPredictions pending;
    private final AdminHandler admin;
    private final HttpServer dataServer;
    private final HttpServer adminServer;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Collector(CollectorConfig config, Vertx vertx, CollectorStats stats, PendingPredictions pending,
            AdminHandler admin, HttpServer dataServer, HttpServer adminServer) {
        this.config = config;
        this.vertx = vertx;
        this.stats = stats;
        this.pending = pending;
        this.admin = admin;
        this.dataServer = dataServer;
        this.adminServer = adminServer;
    }

    /** Starts both servers; returns once they listen. */
    public static Collector start(CollectorConfig config) {
        // One event loop is plenty for a sidecar and keeps its footprint small; the model gets the cores.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1).setPreferNativeTransport(false));
        try {
            CollectorStats stats = new CollectorStats(config.maxClasses(), config.maxSegments());
            PendingPredictions pending = new PendingPredictions(config.maxPendingLabels(), config.labelTtl().toMillis());
            HttpClient upstream = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                    .setDecompressionSupported(false), new PoolOptions().setHttp1MaxSize(256));
            HttpClient peers = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(16));
            // The admin port is only known once it is bound; ids carry it.
            HttpServer adminServer = vertx.createHttpServer(new HttpServerOptions().setHost(config.bindAddress()));
            HttpServer dataServer = vertx.createHttpServer(new HttpServerOptions().setHost(config.bindAddress())
                    .setTcpNoDelay(true).setDecompressionSupported(false).setCompressionSupported(false));
            AdminHandler[] adminRef = new AdminHandler[1];
            adminServer.requestHandler(r -> adminRef[0].handle(r));
            await(adminServer.listen(config.adminPort(), config.bindAddress()));
            CollectorConfig bound = withAdminPort(config, adminServer.actualPort());
            PredictionIds ids = new PredictionIds(bound.podIp(), bound.adminPort());
            FeedbackHandler feedback = new FeedbackHandler(bound, stats, pending, ids, peers);
            adminRef[0] = new AdminHandler(bound, stats, pending, ids, feedback);
            dataServer.requestHandler(new ProxyHandler(bound, upstream, stats, pending, ids, feedback));
            await(dataServer.listen(config.port(), config.bindAddress()));
            vertx.setPeriodic(1000, id -> pending.expireUpTo(System.currentTimeMillis()));
            return new Collector(bound, vertx, stats, pending, adminRef[0], dataServer, adminServer);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    private static CollectorConfig withAdminPort(CollectorConfig c, int adminPort) {
        return new CollectorConfig(c.upstreamHost(), c.upstreamPort(), c.bindAddress(), c.port(), adminPort, c.protocol(),
                c.predictionPointer(), c.task(), c.positiveLabel(), c.segmentHeader(), c.segmentPointer(),
                c.feedbackToken(), c.labelTtl(), c.maxPendingLabels(), c.podIp(), c.maxBodyBytes(), c.maxClasses(),
                c.maxSegments(), c.shutdownDrain());
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot listen: " + e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("collector did not start: " + e, e);
        }
    }

    public int dataPort() {
        return dataServer.actualPort();
    }

    public int adminPort() {
        return adminServer.actualPort();
    }

    public CollectorConfig config() {
        return config;
    }

    /** The cumulative counters as the operator reads them. */
    public CollectorSnapshot snapshot() {
        return admin.snapshot();
    }

    int pendingLabels() {
        return pending.size();
    }

    CollectorStats stats() {
        return stats;
    }

    /**
     * Stops as a pod's sidecar should: unready at once (so Kubernetes stops sending traffic), still serving for
     * {@code MM_SHUTDOWN_DRAIN} while endpoints update and requests in flight finish, then closed.
     */
    public void shutDown() {
        admin.startDraining();
        try {
            Thread.sleep(config.shutdownDrain().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Closes the servers first, so that no request arrives to find the upstream client gone. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            await(dataServer.close());
            await(adminServer.close());
        } finally {
            await(vertx.close());
        }
    }
}

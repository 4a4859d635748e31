package io.modelmonitor.operator.source;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.metrics.CollectorSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Reads collectors' snapshots over HTTP, all of a monitor's in parallel, each with a timeout. One shared client
 * with a bounded connection pool caps how many reads are in flight across all monitors at once.
 */
@ApplicationScoped
public class SnapshotReader {

    /** What a read of a monitor's collectors gave: the snapshots, and how many collectors could not be read. */
    public record Reads(List<CollectorSnapshot> snapshots, int failures) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final long TIMEOUT_MS = 5_000;
    static final int MAX_IN_FLIGHT = 64;

    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    private final HttpClient client;

    public SnapshotReader(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000)
                .setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS),
                new PoolOptions().setHttp1MaxSize(4).setMaxWaitQueueSize(10_000));
    }

    public Reads read(List<CollectorEndpoints.Endpoint> endpoints) {
        return read(endpoints, name -> null);
    }

    /**
     * @param cursors each collector's sketch cursor by its name (see {@link CollectorContract#SNAPSHOT_SINCE}); null
     *        for a read without the features' sketches
     */
    public Reads read(List<CollectorEndpoints.Endpoint> endpoints, Function<String, String> cursors) {
        List<CompletableFuture<CollectorSnapshot>> calls = new ArrayList<>();
        for (CollectorEndpoints.Endpoint e : endpoints) {
            calls.add(limited(e, cursors.apply(e.name())));
        }
        List<CollectorSnapshot> snapshots = new ArrayList<>();
        int failures = 0;
        for (int i = 0; i < calls.size(); i++) {
            try {
                CollectorSnapshot s = calls.get(i).get(TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
                // The operator names collectors by pod, which survives a collector restart inside the pod.
                snapshots.add(withName(s, endpoints.get(i).name()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures++;
            } catch (Exception e) {
                failures++;
            }
        }
        return new Reads(snapshots, failures);
    }

    /** At most {@link #MAX_IN_FLIGHT} reads at once, whatever the number of monitors evaluating concurrently. */
    private CompletableFuture<CollectorSnapshot> limited(CollectorEndpoints.Endpoint e, String cursor) {
        try {
            if (!inFlight.tryAcquire(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                return CompletableFuture.failedFuture(new IllegalStateException("too many reads in flight"));
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(ex);
        }
        return fetch(e, cursor).whenComplete((s, t) -> inFlight.release());
    }

    private CompletableFuture<CollectorSnapshot> fetch(CollectorEndpoints.Endpoint e, String cursor) {
        String uri = cursor == null ? CollectorContract.SNAPSHOT_PATH : CollectorContract.SNAPSHOT_PATH + "?"
                + CollectorContract.SNAPSHOT_SINCE + "=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(e.host()).setPort(e.port())
                .setURI(uri).setTimeout(TIMEOUT_MS);
        return client.request(options)
                .compose(r -> r.send())
                .compose(r -> {
                    if (r.statusCode() != 200) {
                        return Future.failedFuture("status " + r.statusCode());
                    }
                    return bounded(r);
                })
                .map(body -> {
                    try {
                        return JSON.readValue(body.getBytes(), CollectorSnapshot.class);
                    } catch (IOException ex) {
                        throw new IllegalStateException("not a snapshot: " + ex.getMessage(), ex);
                    }
                })
                .toCompletionStage().toCompletableFuture();
    }

    /** The largest snapshot read: a collector's is at most about 0.5 MB (66 segments, 65 classes). */
    static final int MAX_SNAPSHOT_BYTES = 4 << 20;

    /** The body, up to {@link #MAX_SNAPSHOT_BYTES}: whatever answers on a pod's admin port cannot fill the heap. */
    private static Future<Buffer> bounded(HttpClientResponse r) {
        Promise<Buffer> body = Promise.promise();
        Buffer buffer = Buffer.buffer();
        r.handler(chunk -> {
            if (buffer.length() + chunk.length() > MAX_SNAPSHOT_BYTES) {
                r.request().reset();
                body.tryFail("snapshot larger than " + (MAX_SNAPSHOT_BYTES >> 20) + " MiB");
            } else {
                buffer.appendBuffer(chunk);
            }
        });
        r.exceptionHandler(body::tryFail);
        r.endHandler(v -> body.tryComplete(buffer));
        return body.future();
    }

    private static CollectorSnapshot withName(CollectorSnapshot s, String name) {
        return new CollectorSnapshot(name, s.instance(), s.startTimeMillis(), s.timeMillis(), s.task(), s.requests(),
                s.latencyBuckets(), s.latencySumMs(), s.unparsed(), s.predictions(), s.labels(), s.segmentLabels(), s.regression(),
                s.feedback(), s.pendingLabels(), s.evictedByTtl(), s.evictedByCapacity(), s.inputs(), s.scores(),
                s.generation());
    }

    @PreDestroy
    void close() {
        client.close();
    }
}

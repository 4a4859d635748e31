package io.modelmonitor.sandbox;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * An open-loop load generator: sends POSTs at a constant rate whatever the server does, and measures each
 * latency from when the request was due, not when it went out, so a stalled server cannot hide its stall
 * (no coordinated omission). Used by the collector benchmark: {@code bench-load URL RATE SECONDS BODY}.
 */
public final class RateLoad {

    public record Result(long sent, long ok, long failed, double seconds, Histogram latencyMicros) {

        String toJson() {
            Histogram h = latencyMicros;
            return String.format(Locale.ROOT,
                    "{\"sent\":%d,\"ok\":%d,\"failed\":%d,\"rps\":%.1f,\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,"
                            + "\"p999_us\":%d,\"max_us\":%d}",
                    sent, ok, failed, ok / seconds, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                    h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
        }
    }

    private RateLoad() {
    }

    public static Result run(URI url, int rate, double seconds, String body) throws InterruptedException {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                    new PoolOptions().setHttp1MaxSize(128).setMaxWaitQueueSize(100_000));
            Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
            long total = Math.round(rate * seconds);
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            CountDownLatch done = new CountDownLatch((int) total);
            Buffer payload = Buffer.buffer(body);
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
                    .setPort(url.getPort()).setURI(url.getRawPath()).putHeader("Content-Type", "application/json")
                    .setTimeout(30_000);
            long start = System.nanoTime();
            long[] issued = {0};
            // A 1 ms tick sends whatever is due by then, so the rate holds even when single sends are late.
            vertx.setPeriodic(1, timer -> {
                long elapsed = System.nanoTime() - start;
                long due = Math.min(total, (long) (elapsed / 1e9 * rate) + 1);
                while (issued[0] < due) {
                    long intended = start + (long) (issued[0] * 1e9 / rate);
                    issued[0]++;
                    client.request(options).compose(r -> r.send(payload)).compose(r -> r.body().map(b -> r.statusCode()))
                            .onComplete(ar -> {
                                long micros = (System.nanoTime() - intended) / 1000;
                                synchronized (histogram) {
                                    histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
                                }
                                if (ar.succeeded() && ar.result() < 500) {
                                    ok.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                }
                                done.countDown();
                            });
                }
                if (issued[0] >= total) {
                    vertx.cancelTimer(timer);
                }
            });
            done.await((long) (seconds + 60), TimeUnit.SECONDS);
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new Result(issued[0], ok.get(), failed.get(), elapsed, histogram);
        } finally {
            vertx.close();
        }
    }

    public static void main(String... args) throws InterruptedException {
        if (args.length < 4) {
            System.err.println("usage: bench-load URL RATE SECONDS BODY [WARMUP_SECONDS]");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        if (args.length > 4) {
            // Same JVM, same rate: the generator's own JIT warm-up must not show up as the server's latency.
            run(url, rate, Double.parseDouble(args[4]), args[3]);
        }
        Result result = run(url, rate, Double.parseDouble(args[2]), args[3]);
        System.out.println(result.toJson());
    }
}

package io.modelmonitor.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram with fixed bucket bounds shared by every collector, so histograms from any number of
 * replicas merge exactly by adding counts. The same bounds are exported to Prometheus, and percentiles are
 * interpolated linearly inside a bucket exactly as PromQL's histogram_quantile does, so the direct path and the
 * Prometheus path agree. Bounds step by ~25% or less up to 1 s: a percentile is off by at most one bucket width.
 * Recording is lock-free.
 */
public final class LatencyHistogram {

    /** Upper bounds in milliseconds; a last, implicit bucket holds everything above (+Inf). */
    public static final double[] BOUNDS_MS = {
        0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200,
        250, 300, 400, 500, 600, 800, 1000, 1500, 2000, 3000, 5000, 10000, 30000, 60000
    };

    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_MS.length + 1);
    private final LongAdder sumMicros = new LongAdder();

    public void record(long nanos) {
        double ms = nanos / 1_000_000.0;
        counts.incrementAndGet(bucketOf(ms));
        sumMicros.add(nanos / 1_000);
    }

    public static int bucketOf(double ms) {
        int i = Arrays.binarySearch(BOUNDS_MS, ms);
        return i >= 0 ? i : -i - 1;
    }

    /** Cumulative-free counts per bucket, the last one being +Inf; a consistent-enough copy for export. */
    public long[] counts() {
        long[] copy = new long[counts.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    public double sumMillis() {
        return sumMicros.sum() / 1000.0;
    }

    /**
     * The q-quantile (0..1) of a histogram given as per-bucket counts, in milliseconds, or NaN when empty.
     * Follows histogram_quantile: the lowest bucket starts at 0, a quantile in the +Inf bucket reports the
     * highest finite bound.
     */
    public static double quantile(long[] bucketCounts, double q) {
        long total = 0;
        for (long c : bucketCounts) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long cumulative = 0;
        for (int i = 0; i < bucketCounts.length; i++) {
            long before = cumulative;
            cumulative += bucketCounts[i];
            if (cumulative >= rank && bucketCounts[i] > 0) {
                if (i == BOUNDS_MS.length) {
                    return BOUNDS_MS[BOUNDS_MS.length - 1];
                }
                double lower = i == 0 ? 0 : BOUNDS_MS[i - 1];
                double upper = BOUNDS_MS[i];
                return lower + (upper - lower) * (rank - before) / bucketCounts[i];
            }
        }
        return BOUNDS_MS[BOUNDS_MS.length - 1];
    }

    /** Element-wise a + b; histograms of several replicas merge exactly. */
    public static long[] merge(long[] a, long[] b) {
        long[] sum = new long[BOUNDS_MS.length + 1];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = (a == null || i >= a.length ? 0 : a[i]) + (b == null || i >= b.length ? 0 : b[i]);
        }
        return sum;
    }
}

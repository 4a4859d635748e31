package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void quantilesInterpolateInsideABucketLikeHistogramQuantile() {
        long[] counts = new long[LatencyHistogram.BOUNDS_MS.length + 1];
        int b10 = LatencyHistogram.bucketOf(10); // (8, 10]
        counts[b10] = 100;
        // rank 50 of 100 in (8, 10] -> 8 + 2 * 50/100 = 9 (Prometheus histogram_quantile does the same)
        assertThat(LatencyHistogram.quantile(counts, 0.5)).isCloseTo(9.0, within(1e-9));
        assertThat(LatencyHistogram.quantile(counts, 0.99)).isCloseTo(9.98, within(1e-9));
    }

    @Test
    void replicasMergeByAddingCounts() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < 90; i++) {
            a.record(5_000_000); // 5 ms
        }
        for (int i = 0; i < 10; i++) {
            b.record(200_000_000); // 200 ms
        }
        long[] merged = LatencyHistogram.merge(a.counts(), b.counts());
        assertThat(Arrays.stream(merged).sum()).isEqualTo(100);
        // p50 falls among the 90 fast requests of replica a, in (4, 5]: 4 + 1 * 50/90
        assertThat(LatencyHistogram.quantile(merged, 0.5)).isCloseTo(4 + 50.0 / 90, within(1e-9));
        // p95: rank 95, the 5th of 10 in (150, 200]: 150 + 50 * 5/10
        assertThat(LatencyHistogram.quantile(merged, 0.95)).isCloseTo(175.0, within(1e-9));
        assertThat(a.sumMillis() + b.sumMillis()).isCloseTo(90 * 5 + 10 * 200, within(1e-6));
    }

    @Test
    void emptyIsNaNAndTheOverflowBucketReportsTheLastBound() {
        assertThat(LatencyHistogram.quantile(new long[LatencyHistogram.BOUNDS_MS.length + 1], 0.5)).isNaN();
        LatencyHistogram h = new LatencyHistogram();
        h.record(120_000_000_000L); // 2 minutes
        assertThat(LatencyHistogram.quantile(h.counts(), 0.99)).isEqualTo(60000.0);
    }
}

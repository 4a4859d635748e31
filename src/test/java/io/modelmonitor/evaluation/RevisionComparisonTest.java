package io.modelmonitor.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.metrics.LatencyHistogram;

class RevisionComparisonTest {

    /** Newcombe (1998), Table II, 56/70 - 48/80 by method 10: 0.0524 to 0.3339. */
    @Test
    void aBetterNewRevisionIsMetAndAWorseOneBreached() {
        RevisionComparison.Result better = RevisionComparison.judge("accuracy", 56, 70, 48, 80, true, 0.02, 0.95, 50);
        assertThat(better.state()).isEqualTo(ObjectiveState.Met);
        assertThat(better.difference().value()).isCloseTo(0.2, within(1e-12));
        assertThat(better.difference().lower()).isCloseTo(0.0524, within(1e-4));
        assertThat(better.reason()).contains("not worse than the baseline by more than the margin");

        RevisionComparison.Result worse = RevisionComparison.judge("accuracy", 48, 80, 56, 70, true, 0.02, 0.95, 50);
        assertThat(worse.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(worse.difference().upper()).isCloseTo(-0.0524, within(1e-4));
        assertThat(worse.reason()).contains("lies below -0.0200 with 95.0% confidence");
    }

    @Test
    void anEqualModelOnFewLabelsIsUndecidedAndOnManyMet() {
        assertThat(RevisionComparison.judge("accuracy", 45, 50, 45, 50, true, 0.02, 0.95, 50).state())
                .isEqualTo(ObjectiveState.InsufficientData);
        assertThat(RevisionComparison.judge("accuracy", 9_000, 10_000, 9_000, 10_000, true, 0.02, 0.95, 50).state())
                .isEqualTo(ObjectiveState.Met);
    }

    @Test
    void belowMinSamplesOnEitherSideNothingIsJudged() {
        RevisionComparison.Result thin = RevisionComparison.judge("accuracy", 10, 40, 900, 1000, true, 0.02, 0.95, 50);
        assertThat(thin.state()).isEqualTo(ObjectiveState.InsufficientData);
        assertThat(thin.difference()).isNull();
        assertThat(thin.reason()).isEqualTo("accuracy: 40 labels on the new revision and 1000 on the baseline, 50 needed on each");
    }

    @Test
    void whereLowerIsBetterTheSignsTurn() {
        assertThat(RevisionComparison.judge("errorRate", 10, 5_000, 10, 5_000, false, 0.01, 0.95, 50).state())
                .isEqualTo(ObjectiveState.Met);
        RevisionComparison.Result failing = RevisionComparison.judge("errorRate", 200, 2_000, 20, 2_000, false, 0.01, 0.95, 50);
        assertThat(failing.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(failing.reason()).contains("lies above +0.0100");
    }

    /** Latency: each side's order-statistic interval at 97.5%, so the difference's holds with 95%. */
    @Test
    void aLatencyPercentileIsComparedOnBothHistogramsWithAMarginInMilliseconds() {
        long[] fast = histogram(1000, 20);
        long[] slow = histogram(1000, 60);
        RevisionComparison.Result same = RevisionComparison.judgeLatency("latencyP99Ms", 0.99, fast, fast.clone(), 10, 0.95,
                200);
        assertThat(same.state()).isEqualTo(ObjectiveState.Met);
        assertThat(same.difference().value()).isZero();
        assertThat(same.difference().upper()).isLessThanOrEqualTo(10);

        RevisionComparison.Result slower = RevisionComparison.judgeLatency("latencyP99Ms", 0.99, slow, fast, 10, 0.95, 200);
        assertThat(slower.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(slower.difference().lower()).isGreaterThan(10);
        assertThat(slower.reason()).contains("slower than the baseline by more than the margin").contains("n=1000 and 1000");
        assertThat(RevisionComparison.judgeLatency("latencyP99Ms", 0.99, fast, slow, 10, 0.95, 200).state())
                .as("faster is never a breach").isEqualTo(ObjectiveState.Met);
        assertThat(RevisionComparison.judgeLatency("latencyP99Ms", 0.99, histogram(100, 60), fast, 10, 0.95, 200).state())
                .as("thin").isEqualTo(ObjectiveState.InsufficientData);
        assertThat(RevisionComparison.judgeLatency("latencyP99Ms", 0.99, slow, fast, 50, 0.95, 200).state())
                .as("a 40 ms slowdown within a 50 ms margin, once the intervals say so").isNotEqualTo(ObjectiveState.Breached);
    }

    /** {@code n} requests spread evenly over the buckets from 1 ms up to {@code maxMs}. */
    private static long[] histogram(long n, double maxMs) {
        long[] buckets = new long[LatencyHistogram.BOUNDS_MS.length + 1];
        int from = LatencyHistogram.bucketOf(1);
        int to = LatencyHistogram.bucketOf(maxMs);
        for (long i = 0; i < n; i++) {
            buckets[from + (int) (i % (to - from + 1))]++;
        }
        return buckets;
    }
}

package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class WindowMetricsTest {

    private static final WindowMetrics.Settings BINARY = new WindowMetrics.Settings(true, true, "1", 0.95, 30);
    private static final WindowMetrics.Settings MULTI = new WindowMetrics.Settings(true, false, "1", 0.95, 30);

    /** Worked by hand: TP 40, FP 10, FN 20, TN 30. */
    @Test
    void binaryClassificationMetrics() {
        WindowCounts w = new WindowCounts()
                .addLabels("eu", "1", "1", 40).addLabels("eu", "1", "0", 10)
                .addLabels("us", "0", "1", 20).addLabels("us", "0", "0", 30)
                .addRequests("2xx", 98, 12).addRequests("5xx", 2, 40);
        WindowMetrics m = WindowMetrics.compute(w, BINARY, 50, null);

        assertThat(m.accuracy().value()).isCloseTo(0.70, within(1e-12));
        assertThat(m.accuracy().n()).isEqualTo(100);
        assertThat(m.precision().value()).isCloseTo(0.80, within(1e-12)); // 40 / (40 + 10)
        assertThat(m.recall().value()).isCloseTo(40.0 / 60, within(1e-12)); // 40 / (40 + 20)
        assertThat(m.f1().value()).isCloseTo(2 * 0.8 * (2.0 / 3) / (0.8 + 2.0 / 3), within(1e-12)); // 0.72727
        assertThat(m.f1().lower()).isLessThan(m.f1().value());
        assertThat(m.errorRate().value()).isCloseTo(0.02, within(1e-12));
        assertThat(m.throughputRps()).isCloseTo(2.0, within(1e-12)); // 100 requests in 50 s
        assertThat(m.labelCoverage().value()).isCloseTo(1.0, within(1e-12));
        // Segment eu: 40/50 = 0.8; us: 30/50 = 0.6; the gap 0.2 with Newcombe's interval.
        assertThat(m.segments()).extracting(WindowMetrics.Segment::name).containsExactly("eu", "us");
        assertThat(m.segmentAccuracyGap().value()).isCloseTo(0.2, within(1e-12));
        assertThat(m.segmentAccuracyGap().lower()).isGreaterThan(0);
    }

    /**
     * Worked by hand, three classes (rows predicted, columns actual):
     * a->a 8, a->b 2; b->b 6, b->c 4; c->c 10.
     * precision a 8/10, b 6/10, c 10/10; recall a 8/8, b 6/8, c 10/14; accuracy 24/30.
     */
    @Test
    void multiclassMacroAverages() {
        WindowCounts w = new WindowCounts().addLabels("none", "a", "a", 8).addLabels("none", "a", "b", 2)
                .addLabels("none", "b", "b", 6).addLabels("none", "b", "c", 4).addLabels("none", "c", "c", 10);
        WindowMetrics m = WindowMetrics.compute(w, MULTI, 60, null);
        assertThat(m.accuracy().value()).isCloseTo(0.8, within(1e-12));
        assertThat(m.precision().value()).isCloseTo((0.8 + 0.6 + 1.0) / 3, within(1e-12));
        assertThat(m.recall().value()).isCloseTo((1.0 + 0.75 + 10.0 / 14) / 3, within(1e-12));
        double f1a = 2 * 0.8 * 1.0 / 1.8;
        double f1b = 2 * 0.6 * 0.75 / 1.35;
        double f1c = 2 * 1.0 * (10.0 / 14) / (1 + 10.0 / 14);
        assertThat(m.f1().value()).isCloseTo((f1a + f1b + f1c) / 3, within(1e-12));
        assertThat(m.classes()).extracting(WindowMetrics.ClassScores::name).containsExactly("a", "b", "c");
        assertThat(m.segmentAccuracyGap()).as("one segment: no gap").isNull();
        assertThat(m.segments().get(0).predictedClasses()).as("a multiclass group's prediction shares")
                .containsExactly(Map.entry("a", 10L), Map.entry("b", 10L), Map.entry("c", 10L));
        assertThat(m.segments().get(0).truePositiveRate()).as("binary only").isNull();
    }

    /** Worked by hand: 50/50 expected, 60/40 now: 0.1 ln 1.2 + (-0.1) ln 0.8 = 0.040546. */
    @Test
    void populationStabilityIndex() {
        assertThat(WindowMetrics.psi(Map.of("0", 50L, "1", 50L), Map.of("0", 60L, "1", 40L)))
                .isCloseTo(0.1 * Math.log(1.2) - 0.1 * Math.log(0.8), within(1e-12));
        assertThat(WindowMetrics.psi(Map.of("0", 50L, "1", 50L), Map.of("0", 500L, "1", 500L))).isZero();
    }

    /** 60/40 against 50/50 on 100 predictions each is what noise does one time in twenty: not a shift yet. */
    @Test
    void driftOnFewPredictionsIsJudgedWithItsNoise() {
        WindowCounts w = new WindowCounts().addLabels("none", "0", "0", 60).addLabels("none", "1", "1", 40);
        Intervals.Estimate drift = WindowMetrics.compute(w, BINARY, 10, Map.of("0", 50L, "1", 50L)).predictionDrift();

        assertThat(drift.lower()).as("noise alone could give this").isZero();
        // The PSI of 60.5/40.5 against 50.5/50.5 (half a prediction added to each class), less the noise expected with
        // 1 degree of freedom and N = 1/(1/100 + 1/100) = 50.
        double smoothed = (60.5 / 101 - 0.5) * Math.log(60.5 / 101 / 0.5) + (40.5 / 101 - 0.5) * Math.log(40.5 / 101 / 0.5);
        assertThat(drift.value()).isCloseTo(smoothed - 1 / 50.0, within(1e-9));
        assertThat(drift.upper()).isGreaterThan(smoothed);
        assertThat(drift.n()).isEqualTo(100);
    }

    @Test
    void theSameSharesOnManyClassesAndFewPredictionsAreNoShift() {
        Map<String, Long> shares = new HashMap<>();
        for (int c = 0; c < 32; c++) {
            shares.put("c" + c, 6L + c % 2);
        }
        Intervals.Estimate drift = WindowMetrics.psiEstimate(shares, shares, 0.95);
        assertThat(drift.value()).isZero();
        assertThat(drift.lower()).isZero();
    }

    @Test
    void aRealShiftOnManyPredictionsHasALowerBoundAboveZero() {
        Intervals.Estimate drift = WindowMetrics.psiEstimate(Map.of("0", 5000L, "1", 5000L), Map.of("0", 6000L, "1", 4000L),
                0.95);
        assertThat(drift.lower()).isBetween(0.02, 0.040546);
        assertThat(drift.upper()).isGreaterThan(0.040546);
    }

    @Test
    void theNoncentralChiSquareQuantilesAgreeWithTables() {
        // Central: chi-square(10) 0.95 quantile 18.307 (tables). Noncentral (df 4, lambda 6): median 9.08 and 0.975
        // quantile 23.41 by a Monte Carlo of 400,000 draws; the approximation is within 2% there.
        assertThat(WindowMetrics.chiSquareQuantile(10, 0, 0.95)).isCloseTo(18.307, within(0.05));
        assertThat(WindowMetrics.chiSquareQuantile(4, 6, 0.5)).isCloseTo(9.08, within(0.18));
        assertThat(WindowMetrics.chiSquareQuantile(4, 6, 0.975)).isCloseTo(23.41, within(0.45));
    }

    /** Errors 1, -1, 3, -3: MAE 2, RMSE sqrt(5), var(|e|) = 5 - 4 = 1. */
    @Test
    void regressionErrors() {
        WindowCounts w = new WindowCounts();
        w.regressionLabels = 4;
        w.absoluteErrorSum = 8;
        w.squaredErrorSum = 20;
        WindowMetrics m = WindowMetrics.compute(w, new WindowMetrics.Settings(false, false, "1", 0.95, 30), 10, null);
        assertThat(m.mae().value()).isCloseTo(2.0, within(1e-12));
        assertThat(m.mae().upper() - 2.0).isCloseTo(1.959964 * Math.sqrt(1.0 / 4), within(1e-6));
        assertThat(m.rmse().value()).isCloseTo(Math.sqrt(5), within(1e-12));
        assertThat(m.accuracy()).isNull();
    }

    @Test
    void latencyPercentilesComeFromTheHistogramMergedAcrossReplicas() {
        CollectorSnapshot a = snapshot("a", "i1", 0, Map.of("2xx", 90L), bucket(5, 90));
        CollectorSnapshot b = snapshot("b", "i1", 0, Map.of("2xx", 10L), bucket(200, 10));
        WindowCounts w = WindowCounts.of(a);
        w.add(WindowCounts.of(b));
        WindowMetrics m = WindowMetrics.compute(w, BINARY, 10, null);
        assertThat(m.requests()).isEqualTo(100);
        assertThat(m.latencyP50Ms().value()).isCloseTo(4 + 50.0 / 90, within(1e-9)); // in (4, 5]
        assertThat(m.latencyP99Ms().value()).isCloseTo(150 + 50 * 9.0 / 10, within(1e-9)); // rank 99: 9th of 10 in (150, 200]
    }

    @Test
    void deltasSurviveACounterResetAMissedScrapeAndNewAndVanishedCollectors() {
        CollectorDeltas deltas = new CollectorDeltas();
        // First read at t=1000: a and b are baselines (they started before), nothing is counted.
        WindowCounts first = deltas.ingest(List.of(snapshot("a", "i1", 0, Map.of("2xx", 100L), bucket(5, 100)),
                snapshot("b", "i1", 0, Map.of("2xx", 50L), bucket(5, 50))), Set.of("a", "b"), 0);
        assertThat(first.requests()).isZero();
        // t=2000: a +20; b missed the scrape; c started at 1500 with 7.
        WindowCounts second = deltas.ingest(List.of(snapshot("a", "i1", 0, Map.of("2xx", 120L), bucket(5, 120)),
                snapshot("c", "i1", 1500, Map.of("2xx", 7L), bucket(5, 7))), Set.of("a", "b", "c"), 1000);
        assertThat(second.requests()).isEqualTo(27);
        // t=3000: a restarted (new instance, 4 since); b is back with +30 over two intervals; c +3.
        WindowCounts third = deltas.ingest(List.of(snapshot("a", "i2", 2500, Map.of("2xx", 4L), bucket(5, 4)),
                snapshot("b", "i1", 0, Map.of("2xx", 80L), bucket(5, 80)),
                snapshot("c", "i1", 1500, Map.of("2xx", 10L), bucket(5, 10))), Set.of("a", "b", "c"), 2000);
        assertThat(third.requests()).isEqualTo(4 + 30 + 3);
        assertThat(third.latency()[LatencyHistogram.bucketOf(5)]).isEqualTo(37);
        // t=4000: a's counters went down without a new instance (a reset we can only infer): counted from zero.
        WindowCounts fourth = deltas.ingest(List.of(snapshot("a", "i2", 2500, Map.of("2xx", 1L), bucket(5, 1))),
                Set.of("a"), 3000);
        assertThat(fourth.requests()).isEqualTo(1);
        assertThat(fourth.hasNegative()).isFalse();
        assertThat(deltas.tracked()).as("b and c are gone").isEqualTo(1);
    }

    @Test
    void replicasThatSawDifferentJunkStillShowAtMostSixtyFourGroupsAndTheReferenceAmongThem() {
        // Ten replicas, each with the 32 junk segments it let in first, and the real groups seen by all of them.
        List<CollectorSnapshot> replicas = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
            Map<String, Map<String, Long>> predictions = new HashMap<>();
            List<CollectorSnapshot.SegmentLabelCount> segmentLabels = new ArrayList<>();
            for (int j = 0; j < 32; j++) {
                predictions.put("junk-" + r + "-" + j, Map.of("1", 1L));
            }
            predictions.put("x".repeat(500) + r, Map.of("1", 50L));
            predictions.put("eu", Map.of("1", 20L, "0", 20L));
            predictions.put("us", Map.of("1", 2L));
            segmentLabels.add(new CollectorSnapshot.SegmentLabelCount("eu", "tp", 20));
            segmentLabels.add(new CollectorSnapshot.SegmentLabelCount("us", "fn", 2));
            replicas.add(new CollectorSnapshot("c" + r, "i", 0, 1, "binary-classification", Map.of("2xx", 100L),
                    bucket(5, 100), 0, Map.of(), predictions, List.of(), segmentLabels,
                    new CollectorSnapshot.Regression(0, 0, 0), Map.of(), 0, 0, 0, null, null, null));
        }
        WindowCounts merged = new WindowCounts();
        replicas.forEach(s -> merged.add(WindowCounts.of(s)));

        WindowMetrics m = WindowMetrics.compute(merged, new WindowMetrics.Settings(true, true, "1", 0.95, 30, "us"), 60,
                null);

        assertThat(m.segments()).hasSize(WindowCounts.MAX_NAMES);
        assertThat(m.segments()).extracting(WindowMetrics.Segment::name).contains("eu", "us", "other")
                .allSatisfy(name -> assertThat(name.length()).isLessThanOrEqualTo(WindowCounts.MAX_NAME_LENGTH));
        assertThat(m.segments().stream().mapToLong(WindowMetrics.Segment::predictions).sum())
                .as("nothing lost, only folded").isEqualTo(10 * (32 + 50 + 40 + 2));
        assertThat(m.segments().stream().filter(g -> g.name().equals("us")).findFirst().orElseThrow().labels())
                .isEqualTo(20);
    }

    static long[] bucket(double ms, long n) {
        long[] b = new long[LatencyHistogram.BOUNDS_MS.length + 1];
        b[LatencyHistogram.bucketOf(ms)] = n;
        return b;
    }

    static CollectorSnapshot snapshot(String collector, String instance, long start, Map<String, Long> requests,
            long[] latency) {
        return new CollectorSnapshot(collector, instance, start, start + 1, "binary-classification", requests, latency, 0,
                Map.of(), Map.of(), List.of(), List.of(), new CollectorSnapshot.Regression(0, 0, 0), Map.of(), 0, 0, 0, null, null, null);
    }
}

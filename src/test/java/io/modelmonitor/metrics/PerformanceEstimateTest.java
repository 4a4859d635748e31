package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * CBPE on a simulated binary classifier: x ~ N(mean, 1), P(y = 1 | x) = sigmoid(2x), predicted positive when the
 * score is at least 0.5. A calibrated model keeps its estimate under covariate shift (the mean of x moves); a
 * model whose world changed under it (P(y | x) moved) is caught by the labels that do come.
 */
class PerformanceEstimateTest {

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Scores the model gives, and what each prediction really was, counted as the collector counts them. */
    private static final class Window {
        final ScoreCounts counts = ScoreCounts.empty();
        long right;
        long n;
        long truePositives;
        long predictedPositive;
        long actualPositive;
    }

    /**
     * @param scoreSlope the model's belief: score = sigmoid(scoreSlope * x)
     * @param shift what the world does beyond it: P(y = 1 | x) = sigmoid(2x - shift)
     * @param labeled the share of predictions whose label comes
     */
    private static Window window(Random random, int n, double mean, double scoreSlope, double shift, double labeled) {
        Window w = new Window();
        for (int i = 0; i < n; i++) {
            double x = mean + random.nextGaussian();
            double score = sigmoid(scoreSlope * x);
            boolean predicted = score >= 0.5;
            boolean actual = random.nextDouble() < sigmoid(2 * x - shift);
            int bin = ScoreCounts.bin(score);
            (predicted ? w.counts.predictedPositive() : w.counts.predictedNegative())[bin]++;
            if (random.nextDouble() < labeled) {
                w.counts.labeled()[ScoreCounts.cell(predicted, actual) * ScoreCounts.BINS + bin]++;
            }
            w.n++;
            w.right += predicted == actual ? 1 : 0;
            w.truePositives += predicted && actual ? 1 : 0;
            w.predictedPositive += predicted ? 1 : 0;
            w.actualPositive += actual ? 1 : 0;
        }
        return w;
    }

    /** The reference: the model's scores on labelled data from before, by score bin. */
    private static ReferenceProfile.Scores reference(Random random, double scoreSlope) {
        long[] counts = new long[ScoreCounts.BINS];
        long[] positives = new long[ScoreCounts.BINS];
        for (int i = 0; i < 20_000; i++) {
            double x = random.nextGaussian();
            int bin = ScoreCounts.bin(sigmoid(scoreSlope * x));
            counts[bin]++;
            positives[bin] += random.nextDouble() < sigmoid(2 * x) ? 1 : 0;
        }
        return new ReferenceProfile.Scores(counts, positives);
    }

    @Test
    void aCalibratedModelsEstimateFollowsItsRealisedAccuracyUnderCovariateShift() {
        Random random = new Random(1);
        ReferenceProfile.Scores reference = reference(random, 2);
        int covered = 0;
        double worst = 0;
        int chunks = 100;
        for (int c = 0; c < chunks; c++) {
            double mean = c % 2 == 0 ? 0 : 1.0; // half the chunks shifted by a standard deviation
            Window w = window(random, 2_000, mean, 2, 0, 0);
            PerformanceEstimate e = PerformanceEstimate.compute(w.counts, reference, null, 0.95);
            double realised = (double) w.right / w.n;
            worst = Math.max(worst, Math.abs(e.accuracy().value() - realised));
            covered += e.accuracy().lower() <= realised && realised <= e.accuracy().upper() ? 1 : 0;
            assertThat(e.untrusted()).isNull();
        }
        assertThat(worst).as("largest gap between estimated and realised accuracy, 2,000 predictions a chunk")
                .isLessThan(0.04);
        assertThat(covered).as("chunks whose realised accuracy lies in the 95% interval").isGreaterThanOrEqualTo(88);
    }

    @Test
    void precisionRecallAndF1AreTheExpectedConfusionMatrixs() {
        Random random = new Random(2);
        ReferenceProfile.Scores reference = reference(random, 2);
        Window w = window(random, 50_000, 0.5, 2, 0, 0);
        PerformanceEstimate e = PerformanceEstimate.compute(w.counts, reference, null, 0.95);
        double precision = (double) w.truePositives / w.predictedPositive;
        double recall = (double) w.truePositives / w.actualPositive;
        assertThat(e.precision().value()).isCloseTo(precision, within(0.01));
        assertThat(e.recall().value()).isCloseTo(recall, within(0.01));
        assertThat(e.f1().value()).isCloseTo(2 * precision * recall / (precision + recall), within(0.01));
    }

    @Test
    void anOverconfidentModelIsCalibratedByTheReferenceAndWithoutItsEstimateIsOff() {
        Random random = new Random(3);
        Window w = window(random, 20_000, 0.3, 6, 0, 0); // scores far more extreme than the truth
        double realised = (double) w.right / w.n;
        PerformanceEstimate calibrated = PerformanceEstimate.compute(w.counts, reference(random, 6), null, 0.95);
        PerformanceEstimate raw = PerformanceEstimate.compute(w.counts, null, null, 0.95);
        assertThat(calibrated.accuracy().value()).isCloseTo(realised, within(0.015));
        assertThat(raw.calibrated()).isFalse();
        assertThat(raw.accuracy().value() - realised).as("raw scores promise more than they keep").isGreaterThan(0.05);
    }

    @Test
    void labelsThatContradictTheScoresMakeTheEstimateUntrustedAndSaySo() {
        Random random = new Random(4);
        ReferenceProfile.Scores reference = reference(random, 2);
        Window changed = window(random, 3_000, 0, 2, 1.5, 0.2); // the world moved: positives much rarer
        PerformanceEstimate e = PerformanceEstimate.compute(changed.counts, reference, null, 0.95);
        assertThat(e.labeled()).isGreaterThan(PerformanceEstimate.GAP_SAMPLES);
        assertThat(e.untrusted()).startsWith("scores miscalibrated: the ").contains("labelled predictions were right");

        Window same = window(random, 3_000, 0.5, 2, 0, 0.2);
        PerformanceEstimate fine = PerformanceEstimate.compute(same.counts, reference, null, 0.95);
        Estimate gap = fine.calibrationGap();
        assertThat(gap.lower()).isLessThanOrEqualTo(0.0);
        assertThat(gap.upper()).isGreaterThanOrEqualTo(0.0);
        assertThat(fine.untrusted()).isNull();
    }

    @Test
    void isotonicCalibrationIsMonotoneAndFillsBinsTheReferenceNeverScored() {
        long[] counts = new long[ScoreCounts.BINS];
        long[] positives = new long[ScoreCounts.BINS];
        counts[10] = 100;
        positives[10] = 30;
        counts[20] = 100;
        positives[20] = 10; // a violator: pooled with bin 10
        counts[90] = 50;
        positives[90] = 45;
        double[] p = PerformanceEstimate.calibration(counts, positives);
        assertThat(p[0]).isEqualTo(0.2);
        assertThat(p[10]).isEqualTo(0.2);
        assertThat(p[20]).isEqualTo(0.2);
        assertThat(p[50]).as("between: the last fitted block below").isEqualTo(0.2);
        assertThat(p[95]).isEqualTo(0.9);
        for (int b = 1; b < p.length; b++) {
            assertThat(p[b]).isGreaterThanOrEqualTo(p[b - 1]);
        }
    }
}

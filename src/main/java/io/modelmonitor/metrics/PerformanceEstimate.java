package io.modelmonitor.metrics;

import java.util.Locale;

import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * A binary classifier's performance estimated without labels from its own scores, as NannyML's confidence-based
 * performance estimation (CBPE) defines it: once the scores are calibrated (isotonic, on a labelled reference), a
 * prediction of the positive class with probability p is a true positive with probability p and a false positive
 * otherwise, so the window's expected confusion matrix is a sum over its predictions, and accuracy, precision,
 * recall and F1 follow from it. Each interval is the spread of the realised figure around the expectation for this
 * window's predictions (a sum of independent Bernoulli draws; ratios by the delta method), which is what a later
 * label count would land in if the calibration holds.
 *
 * <p>When labels do come, the labelled predictions' estimate is set beside what they realised: {@code calibrationGap}
 * (realised minus estimated accuracy, with its interval). A gap beyond {@link #TRUSTED_GAP} with confidence, or
 * inputs outside what the reference saw, makes the estimate untrusted, and says why.
 */
public record PerformanceEstimate(long scored, Estimate accuracy, Estimate precision, Estimate recall, Estimate f1,
        boolean calibrated, long labeled, Estimate calibrationGap, Estimate scoreDrift, String untrusted,
        ExpectedErrors errors) {

    /** The window's expected false positives and negatives and their variances, of n scored predictions. */
    public record ExpectedErrors(double falsePositives, double falsePositiveVariance, double falseNegatives,
            double falseNegativeVariance, long n) {
    }

    /** How far realised accuracy may stray from its estimate on the labelled predictions before the scores are suspect. */
    public static final double TRUSTED_GAP = 0.03;
    /** Labelled predictions needed before the gap is judged at all. */
    public static final long GAP_SAMPLES = 100;

    /**
     * @param reference the reference's scores (for calibration and score drift), or null: the scores are then taken
     *        as calibrated, and said to be
     * @param inputs the window's input figures, for the covariate-shift check, or null
     */
    public static PerformanceEstimate compute(ScoreCounts window, ReferenceProfile.Scores reference, InputMetrics inputs,
            double confidence) {
        double[] p = reference == null ? midpoints() : calibration(reference.counts(), reference.positives());
        double z = Intervals.z(confidence);
        double tp = 0;
        double fn = 0;
        double varTp = 0;
        double varFn = 0;
        long predictedPositive = 0;
        long n = 0;
        for (int b = 0; b < ScoreCounts.BINS; b++) {
            long pos = window.predictedPositive()[b];
            long neg = window.predictedNegative()[b];
            tp += pos * p[b];
            fn += neg * p[b];
            varTp += pos * p[b] * (1 - p[b]);
            varFn += neg * p[b] * (1 - p[b]);
            predictedPositive += pos;
            n += pos + neg;
        }
        if (n == 0) {
            return new PerformanceEstimate(0, null, null, null, null, reference != null, 0, null, null, null, null);
        }
        double fp = predictedPositive - tp;
        double tn = (n - predictedPositive) - fn;
        double sdCorrect = Math.sqrt(varTp + varFn);
        Estimate accuracy = bounded((tp + tn) / n, z * sdCorrect / n, n);
        Estimate precision = predictedPositive == 0 ? null
                : bounded(tp / predictedPositive, z * Math.sqrt(varTp) / predictedPositive, predictedPositive);
        double actualPositive = tp + fn;
        Estimate recall = actualPositive <= 0 ? null : bounded(tp / actualPositive,
                z * Math.sqrt(fn * fn * varTp + tp * tp * varFn) / (actualPositive * actualPositive), n);
        double d = tp + fn + predictedPositive;
        Estimate f1 = d <= 0 ? null : bounded(2 * tp / d,
                z * Math.sqrt(4 * sq(fn + predictedPositive) * varTp + 4 * tp * tp * varFn) / (d * d), n);

        // The labelled predictions: what they realised against what their scores promised.
        double expected = 0;
        double variance = 0;
        long right = 0;
        long labeled = 0;
        for (int b = 0; b < ScoreCounts.BINS; b++) {
            for (boolean predicted : new boolean[] {true, false}) {
                long truePositives = window.labeled(ScoreCounts.cell(predicted, true), b);
                long falsePositives = window.labeled(ScoreCounts.cell(predicted, false), b);
                long cell = truePositives + falsePositives;
                double q = predicted ? p[b] : 1 - p[b];
                expected += cell * q;
                variance += cell * q * (1 - q);
                right += predicted ? truePositives : falsePositives;
                labeled += cell;
            }
        }
        Estimate gap = labeled == 0 ? null : new Estimate((right - expected) / labeled,
                (right - expected - z * Math.sqrt(variance)) / labeled, (right - expected + z * Math.sqrt(variance)) / labeled,
                labeled);
        String untrusted = null;
        if (gap != null && labeled >= GAP_SAMPLES && (gap.lower() > TRUSTED_GAP || gap.upper() < -TRUSTED_GAP)) {
            untrusted = String.format(Locale.ROOT, "scores miscalibrated: the %d labelled predictions were "
                    + "right %.3f of the time, their scores promised %.3f", labeled, (double) right / labeled,
                    expected / labeled);
        } else if (inputs != null) {
            untrusted = outsideReference(inputs);
        }
        Estimate scoreDrift = reference == null ? null : scoreDrift(window, reference.counts(), confidence);
        // A false positive is a predicted positive that is not a true one: its variance is the true positives'.
        return new PerformanceEstimate(n, accuracy, precision, recall, f1, reference != null, labeled, gap, scoreDrift,
                untrusted, new ExpectedErrors(fp, varTp, fn, varFn, n));
    }

    /** Inputs the reference never saw make its calibration a guess: the first such feature, by name. */
    private static String outsideReference(InputMetrics inputs) {
        for (InputMetrics.FeatureFigures f : inputs.features()) {
            if (f.unseenRate() != null && f.unseenRate().lower() > 0.05) {
                return "inputs outside the reference: " + f.name() + " has " + Math.round(f.unseenRate().value() * 100)
                        + "% of its values where the reference has none";
            }
            if (f.drift() != null && f.drift().lower() > 0.2) {
                return "inputs outside the reference: " + f.name() + " drifted (Jensen-Shannon distance at least "
                        + Math.round(f.drift().lower() * 100) / 100.0 + ")";
            }
        }
        return null;
    }

    /** The scores' distribution against the reference's, on ten equal bins of [0, 1] (see {@link InputMetrics#drift}). */
    static Estimate scoreDrift(ScoreCounts window, long[] reference, double confidence) {
        double[] ref = new double[10];
        double[] cur = new double[10];
        for (int b = 0; b < ScoreCounts.BINS; b++) {
            ref[b / 10] += reference[b];
            cur[b / 10] += window.predictedPositive()[b] + window.predictedNegative()[b];
        }
        double refN = 0;
        double curN = 0;
        for (int i = 0; i < 10; i++) {
            refN += ref[i];
            curN += cur[i];
        }
        return refN == 0 || curN == 0 ? null : InputMetrics.drift(ref, cur, confidence);
    }

    /**
     * The calibrated probability of each score bin: isotonic regression (pool adjacent violators) of the reference's
     * positive share per bin, weighted by its counts; a bin the reference has no score in takes its nearest fitted
     * neighbour's value.
     */
    public static double[] calibration(long[] counts, long[] positives) {
        int bins = counts.length;
        double[] value = new double[bins];
        double[] weight = new double[bins];
        int[] start = new int[bins];
        int blocks = 0;
        for (int b = 0; b < bins; b++) {
            if (counts[b] <= 0) {
                continue;
            }
            value[blocks] = (double) Math.min(positives[b], counts[b]) / counts[b];
            weight[blocks] = counts[b];
            start[blocks] = b;
            blocks++;
            while (blocks > 1 && value[blocks - 2] > value[blocks - 1]) {
                double w = weight[blocks - 2] + weight[blocks - 1];
                value[blocks - 2] = (value[blocks - 2] * weight[blocks - 2] + value[blocks - 1] * weight[blocks - 1]) / w;
                weight[blocks - 2] = w;
                blocks--;
            }
        }
        if (blocks == 0) {
            return midpoints();
        }
        double[] p = new double[bins];
        int block = 0;
        for (int b = 0; b < bins; b++) {
            while (block + 1 < blocks && start[block + 1] <= b) {
                block++;
            }
            p[b] = value[block];
        }
        return p;
    }

    /** Uncalibrated: each bin's own midpoint is its probability. */
    static double[] midpoints() {
        double[] p = new double[ScoreCounts.BINS];
        for (int b = 0; b < p.length; b++) {
            p[b] = (b + 0.5) / ScoreCounts.BINS;
        }
        return p;
    }

    private static Estimate bounded(double value, double half, long n) {
        return new Estimate(value, Math.max(0, value - half), Math.min(1, value + half), n);
    }

    private static double sq(double x) {
        return x * x;
    }
}

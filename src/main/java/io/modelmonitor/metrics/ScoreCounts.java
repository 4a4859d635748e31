package io.modelmonitor.metrics;

/**
 * A binary classifier's scores (its probability of the positive class) in {@link #BINS} equal bins of [0, 1]:
 * cumulative counters of every scored prediction by its predicted class, and of every labelled one by predicted and
 * actual class. Enough to estimate performance without labels (confidence-based, as NannyML's CBPE) after
 * calibration, to check that estimate against the labels that do come, and to see the scores drift; and additive,
 * so replicas and windows merge exactly. Part of {@link CollectorSnapshot}; null when the model gives no score.
 *
 * @param predictedPositive scored predictions of the positive class, per score bin
 * @param predictedNegative scored predictions of the other class, per score bin
 * @param labeled labelled scored predictions, per cell {@link #cell(boolean, boolean)} and score bin, row-major
 */
public record ScoreCounts(long[] predictedPositive, long[] predictedNegative, long[] labeled) {

    /** Score bins: a bin's midpoint stands for its scores, at most 0.005 away. */
    public static final int BINS = 100;

    public static int bin(double score) {
        return Math.max(0, Math.min(BINS - 1, (int) (score * BINS)));
    }

    /** The index of a labelled cell: 0 predicted positive and right, 1 predicted positive, wrong, and so on. */
    public static int cell(boolean predictedPositive, boolean actualPositive) {
        return (predictedPositive ? 0 : 2) + (actualPositive ? 0 : 1);
    }

    public static ScoreCounts empty() {
        return new ScoreCounts(new long[BINS], new long[BINS], new long[4 * BINS]);
    }

    /** {@code current - previous}, or current where there is no previous; null when current has none. */
    public static ScoreCounts delta(ScoreCounts previous, ScoreCounts current) {
        if (current == null || !current.wellFormed()) {
            return null;
        }
        ScoreCounts d = empty();
        boolean before = previous != null && previous.wellFormed();
        for (int i = 0; i < BINS; i++) {
            d.predictedPositive[i] = current.predictedPositive[i] - (before ? previous.predictedPositive[i] : 0);
            d.predictedNegative[i] = current.predictedNegative[i] - (before ? previous.predictedNegative[i] : 0);
        }
        for (int i = 0; i < 4 * BINS; i++) {
            d.labeled[i] = current.labeled[i] - (before ? previous.labeled[i] : 0);
        }
        return d;
    }

    /** Arrays of the sizes this version counts in: anything else (another version, garbage) is not read. */
    public boolean wellFormed() {
        return predictedPositive != null && predictedPositive.length == BINS && predictedNegative != null
                && predictedNegative.length == BINS && labeled != null && labeled.length == 4 * BINS;
    }

    public void add(ScoreCounts other) {
        for (int i = 0; i < BINS; i++) {
            predictedPositive[i] += other.predictedPositive[i];
            predictedNegative[i] += other.predictedNegative[i];
        }
        for (int i = 0; i < 4 * BINS; i++) {
            labeled[i] += other.labeled[i];
        }
    }

    public boolean hasNegative() {
        for (int i = 0; i < BINS; i++) {
            if (predictedPositive[i] < 0 || predictedNegative[i] < 0) {
                return true;
            }
        }
        for (long n : labeled) {
            if (n < 0) {
                return true;
            }
        }
        return false;
    }

    public long scored() {
        long n = 0;
        for (int i = 0; i < BINS; i++) {
            n += predictedPositive[i] + predictedNegative[i];
        }
        return n;
    }

    public long labeled(int cell, int bin) {
        return labeled[cell * BINS + bin];
    }
}

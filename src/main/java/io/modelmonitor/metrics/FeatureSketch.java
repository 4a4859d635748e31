package io.modelmonitor.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The distribution of one input feature over a window, as a sketch that replicas and windows merge without losing
 * what a merge of the raw values would keep: a KLL quantile sketch for a numerical feature, a frequent-items sketch
 * for a categorical one (Apache DataSketches; the Python bindings read the same bytes). Memory is bounded whatever
 * the traffic: see {@link #MAX_BYTES}.
 */
public sealed interface FeatureSketch permits FeatureSketch.Numerical, FeatureSketch.Categorical {

    /** KLL's accuracy parameter: a normalized rank error of about 1.3% (99% confidence), a few KiB per feature. */
    int KLL_K = 200;

    /**
     * The frequent-items sketch's map size: it tracks up to three quarters of it, and a count's error is at most
     * about 3.5 / 128 of the values seen (none while fewer categories than that arrive); the rest are still
     * counted, in the stream length ("other").
     */
    int MAX_CATEGORIES = 128;

    /** A longer value is not a category anyone declared: it is counted as {@link #TOO_LONG}, so clients cannot grow the sketch. */
    int MAX_CATEGORY_LENGTH = 64;

    /** The category every value over {@link #MAX_CATEGORY_LENGTH} characters counts as. */
    String TOO_LONG = "(too long)";

    /** The most a sketch of either kind holds, serialized, however many values it has seen (tested with hostile values). */
    int MAX_BYTES = 32 * 1024;

    /** Values seen. */
    long n();

    /** The sketch as the bytes the collector serves and the operator merges. */
    byte[] toBytes();

    /**
     * How far {@code current} has moved from this reference, in the measure of its kind: the population stability
     * index on the reference's deciles for a numerical feature, the Jensen-Shannon distance (base 2, in [0, 1]) on
     * the reference's categories plus "other" for a categorical one. NaN while either side has no value.
     */
    double distanceTo(FeatureSketch current);

    static Numerical numerical() {
        return new Numerical(KllDoublesSketch.newHeapInstance(KLL_K));
    }

    static Categorical categorical() {
        return new Categorical(new ItemsSketch<>(MAX_CATEGORIES));
    }

    /** A numerical feature's distribution. */
    final class Numerical implements FeatureSketch {

        /** Bins of the population stability index: the reference's deciles. */
        private static final int PSI_BINS = 10;
        /** A bin empty on one side counts as this share, so the index stays finite (Evidently and NannyML do likewise). */
        private static final double EMPTY_BIN = 1e-4;

        private final KllDoublesSketch sketch;

        private Numerical(KllDoublesSketch sketch) {
            this.sketch = sketch;
        }

        public static Numerical of(byte[] bytes) {
            return new Numerical(KllDoublesSketch.heapify(Memory.wrap(bytes)));
        }

        /** Adds one value; NaN and infinities are not values of a feature (data quality counts them). */
        public void update(double value) {
            if (Double.isFinite(value)) {
                sketch.update(value);
            }
        }

        /** Adds what another replica or window saw. */
        public void merge(Numerical other) {
            sketch.merge(other.sketch);
        }

        public double quantile(double rank) {
            return sketch.getQuantile(rank);
        }

        @Override
        public long n() {
            return sketch.getN();
        }

        @Override
        public byte[] toBytes() {
            return sketch.toByteArray();
        }

        @Override
        public double distanceTo(FeatureSketch current) {
            if (!(current instanceof Numerical other)) {
                throw new IllegalArgumentException("a numerical feature compares with a numerical one");
            }
            if (sketch.isEmpty() || other.sketch.isEmpty()) {
                return Double.NaN;
            }
            double[] ranks = new double[PSI_BINS - 1];
            for (int i = 0; i < ranks.length; i++) {
                ranks[i] = (i + 1) / (double) PSI_BINS;
            }
            // Decile edges of the reference; a feature with few distinct values has fewer, distinct, bins.
            double[] edges = Arrays.stream(sketch.getQuantiles(ranks)).distinct().sorted().toArray();
            double[] expected = shares(sketch.getCDF(edges));
            double[] actual = shares(other.sketch.getCDF(edges));
            double psi = 0;
            for (int i = 0; i < expected.length; i++) {
                double e = Math.max(expected[i], EMPTY_BIN);
                double a = Math.max(actual[i], EMPTY_BIN);
                psi += (a - e) * Math.log(a / e);
            }
            return psi;
        }

        private static double[] shares(double[] cdf) {
            double[] shares = new double[cdf.length];
            double previous = 0;
            for (int i = 0; i < cdf.length; i++) {
                shares[i] = Math.max(0, cdf[i] - previous);
                previous = cdf[i];
            }
            return shares;
        }
    }

    /** A categorical feature's distribution: its most frequent categories with their counts, the rest as "other". */
    final class Categorical implements FeatureSketch {

        private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

        private final ItemsSketch<String> sketch;

        private Categorical(ItemsSketch<String> sketch) {
            this.sketch = sketch;
        }

        public static Categorical of(byte[] bytes) {
            return new Categorical(ItemsSketch.getInstance(Memory.wrap(bytes), SERDE));
        }

        /** Adds one value; null is not a category (data quality counts it as missing). */
        public void update(String value) {
            if (value != null) {
                sketch.update(value.length() > MAX_CATEGORY_LENGTH ? TOO_LONG : value);
            }
        }

        public void merge(Categorical other) {
            sketch.merge(other.sketch);
        }

        /** The tracked categories, most frequent first, with their estimated counts. */
        public Map<String, Long> frequent() {
            Map<String, Long> frequent = new LinkedHashMap<>();
            for (ItemsSketch.Row<String> row : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
                frequent.put(row.getItem(), row.getEstimate());
            }
            return frequent;
        }

        @Override
        public long n() {
            return sketch.getStreamLength();
        }

        @Override
        public byte[] toBytes() {
            return sketch.toByteArray(SERDE);
        }

        @Override
        public double distanceTo(FeatureSketch current) {
            if (!(current instanceof Categorical other)) {
                throw new IllegalArgumentException("a categorical feature compares with a categorical one");
            }
            if (n() == 0 || other.n() == 0) {
                return Double.NaN;
            }
            Map<String, Long> categories = frequent();
            double[] p = new double[categories.size() + 1];
            double[] q = new double[categories.size() + 1];
            int i = 0;
            long pSeen = 0;
            long qSeen = 0;
            for (Map.Entry<String, Long> category : categories.entrySet()) {
                long theirs = Math.min(other.sketch.getEstimate(category.getKey()), other.n());
                p[i] = category.getValue();
                q[i] = theirs;
                pSeen += category.getValue();
                qSeen += theirs;
                i++;
            }
            p[i] = Math.max(0, n() - pSeen);
            q[i] = Math.max(0, other.n() - qSeen);
            return jensenShannon(p, q);
        }

        /** The Jensen-Shannon distance (the square root of the divergence, base 2) between two count vectors. */
        static double jensenShannon(double[] p, double[] q) {
            double sp = Arrays.stream(p).sum();
            double sq = Arrays.stream(q).sum();
            double divergence = 0;
            for (int i = 0; i < p.length; i++) {
                double a = p[i] / sp;
                double b = q[i] / sq;
                double m = (a + b) / 2;
                divergence += (a > 0 ? a * Math.log(a / m) : 0) / 2 + (b > 0 ? b * Math.log(b / m) : 0) / 2;
            }
            return Math.sqrt(Math.max(0, divergence) / Math.log(2));
        }
    }
}

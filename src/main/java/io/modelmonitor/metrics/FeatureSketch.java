package io.modelmonitor.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

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

    /** "numerical" or "categorical", as the spec and the wire name the kind. */
    String type();

    /** Adds what another replica or window saw, of the same kind. */
    void mergeWith(FeatureSketch other);

    /** An independent copy, so a merge into it leaves this one as it was. */
    default FeatureSketch copy() {
        return of(type(), toBytes());
    }

    /**
     * The counts of a reference (this) and a current window (the other) in the same bins: the reference's distinct
     * deciles for a numerical feature, the reference's tracked categories plus "other" for a categorical one. Row 0
     * holds the reference's counts, row 1 the current window's. Both sides must have values.
     */
    double[][] binnedWith(FeatureSketch current);

    /**
     * The share of the current window's values the reference never saw: below its minimum or above its maximum for a
     * numerical feature, a category outside the reference's tracked ones for a categorical feature.
     */
    double unseenShare(FeatureSketch current);

    static FeatureSketch empty(String type) {
        return switch (type) {
            case NUMERICAL -> numerical();
            case CATEGORICAL -> categorical();
            default -> throw new IllegalArgumentException("a feature is numerical or categorical, not '" + type + "'");
        };
    }

    /**
     * A sketch from the bytes a collector or a reference profile holds. The bytes come from outside the operator, so
     * they are checked before the library reads them: at most {@link #MAX_BYTES}, and no header that would make it
     * allocate more than this class ever does (a frequent-items map beyond {@link #MAX_CATEGORIES}, another k).
     *
     * @throws IllegalArgumentException naming what is wrong with them
     */
    static FeatureSketch of(String type, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("a sketch of " + bytes.length + " bytes, more than the " + MAX_BYTES
                    + " any feature takes");
        }
        return switch (type) {
            case NUMERICAL -> Numerical.of(bytes);
            case CATEGORICAL -> Categorical.of(bytes);
            default -> throw new IllegalArgumentException("a feature is numerical or categorical, not '" + type + "'");
        };
    }

    String NUMERICAL = "numerical";
    String CATEGORICAL = "categorical";

    static Numerical numerical() {
        return new Numerical(KllDoublesSketch.newHeapInstance(KLL_K));
    }

    static Categorical categorical() {
        return new Categorical(new ItemsSketch<>(MAX_CATEGORIES));
    }

    /** A numerical feature's distribution. */
    final class Numerical implements FeatureSketch {

        /** Bins drift is measured on (see {@link InputMetrics}): the reference's deciles. */
        private static final int PSI_BINS = 10;

        private final KllDoublesSketch sketch;

        private Numerical(KllDoublesSketch sketch) {
            this.sketch = sketch;
        }

        /** @throws IllegalArgumentException when the bytes are not a sketch of this kind, as this class makes them */
        public static Numerical of(byte[] bytes) {
            KllDoublesSketch sketch;
            try {
                sketch = KllDoublesSketch.heapify(Memory.wrap(bytes));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a numerical feature sketch (" + e.getClass().getSimpleName() + ")");
            }
            if (sketch.getK() != KLL_K) {
                throw new IllegalArgumentException("a quantile sketch with k=" + sketch.getK() + ", not " + KLL_K);
            }
            return new Numerical(sketch);
        }

        @Override
        public String type() {
            return NUMERICAL;
        }

        @Override
        public void mergeWith(FeatureSketch other) {
            merge((Numerical) other);
        }

        @Override
        public double[][] binnedWith(FeatureSketch current) {
            Numerical other = (Numerical) current;
            double[] edges = edges();
            double[] expected = shares(sketch.getCDF(edges));
            double[] actual = shares(other.sketch.getCDF(edges));
            double[][] counts = new double[2][expected.length];
            for (int i = 0; i < expected.length; i++) {
                counts[0][i] = expected[i] * n();
                counts[1][i] = actual[i] * other.n();
            }
            return counts;
        }

        @Override
        public double unseenShare(FeatureSketch current) {
            Numerical other = (Numerical) current;
            if (sketch.isEmpty() || other.sketch.isEmpty()) {
                return Double.NaN;
            }
            double below = other.sketch.getRank(sketch.getMinItem(), QuantileSearchCriteria.EXCLUSIVE);
            double above = 1 - other.sketch.getRank(sketch.getMaxItem(), QuantileSearchCriteria.INCLUSIVE);
            return Math.max(0, Math.min(1, below + above));
        }

        /** The reference's decile edges; a feature with few distinct values has fewer, distinct, bins. */
        private double[] edges() {
            double[] ranks = new double[PSI_BINS - 1];
            for (int i = 0; i < ranks.length; i++) {
                ranks[i] = (i + 1) / (double) PSI_BINS;
            }
            return Arrays.stream(sketch.getQuantiles(ranks)).distinct().sorted().toArray();
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

        /** @throws IllegalArgumentException when the bytes are not a sketch of this kind, as this class makes them */
        public static Categorical of(byte[] bytes) {
            // Header bytes 3 and 4: log2 of the map's largest and current size, which the library allocates as read.
            int lgMax = Integer.numberOfTrailingZeros(MAX_CATEGORIES);
            if (bytes.length >= 8 && ((bytes[3] & 0xff) > lgMax || (bytes[4] & 0xff) > lgMax)) {
                throw new IllegalArgumentException("a frequent-items sketch larger than " + MAX_CATEGORIES + " categories");
            }
            try {
                return new Categorical(ItemsSketch.getInstance(Memory.wrap(bytes), SERDE));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a categorical feature sketch (" + e.getClass().getSimpleName() + ")");
            }
        }

        @Override
        public String type() {
            return CATEGORICAL;
        }

        @Override
        public void mergeWith(FeatureSketch other) {
            merge((Categorical) other);
        }

        @Override
        public double[][] binnedWith(FeatureSketch current) {
            Categorical other = (Categorical) current;
            Map<String, Long> categories = frequent();
            double[][] counts = new double[2][categories.size() + 1];
            int i = 0;
            long pSeen = 0;
            long qSeen = 0;
            for (Map.Entry<String, Long> category : categories.entrySet()) {
                long theirs = Math.min(other.sketch.getEstimate(category.getKey()), other.n());
                counts[0][i] = category.getValue();
                counts[1][i] = theirs;
                pSeen += category.getValue();
                qSeen += theirs;
                i++;
            }
            counts[0][i] = Math.max(0, n() - pSeen);
            counts[1][i] = Math.max(0, other.n() - qSeen);
            return counts;
        }

        @Override
        public double unseenShare(FeatureSketch current) {
            if (n() == 0 || current.n() == 0) {
                return Double.NaN;
            }
            double[][] counts = binnedWith(current);
            int other = counts[1].length - 1;
            // Only the share beyond what the reference itself left in "other" is new.
            double referenceOther = counts[0][other] / n();
            return Math.max(0, counts[1][other] / current.n() - referenceOther);
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
    }
}

package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class FeatureSketchTest {

    private static double[] normal(long seed, int n, double mean, double sd) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean + sd * random.nextGaussian();
        }
        return values;
    }

    /** The population stability index the operator reports, on the reference's bins. */
    private static double psi(FeatureSketch reference, FeatureSketch current) {
        double[][] bins = reference.binnedWith(current);
        return InputMetrics.psi(bins[0], bins[1]);
    }

    /** The Jensen-Shannon distance (base 2) the operator judges drift by, on the reference's bins. */
    private static double jensenShannon(FeatureSketch reference, FeatureSketch current) {
        double[][] bins = reference.binnedWith(current);
        return InputMetrics.drift(bins[0], bins[1], 0.95).value();
    }

    private static FeatureSketch.Numerical sketch(double[] values) {
        FeatureSketch.Numerical sketch = FeatureSketch.numerical();
        Arrays.stream(values).forEach(sketch::update);
        return sketch;
    }

    @Test
    void twoReplicasMergedKnowTheWindowsQuantilesWithinTheStatedRankError() {
        double[] all = normal(1, 200_000, 50, 10);
        FeatureSketch.Numerical a = sketch(Arrays.copyOfRange(all, 0, 100_000));
        FeatureSketch.Numerical b = sketch(Arrays.copyOfRange(all, 100_000, all.length));
        // Each replica's sketch travels as bytes, as the collector serves it.
        FeatureSketch.Numerical merged = FeatureSketch.Numerical.of(a.toBytes());
        merged.merge(FeatureSketch.Numerical.of(b.toBytes()));

        assertThat(merged.n()).isEqualTo(200_000);
        double[] sorted = all.clone();
        Arrays.sort(sorted);
        for (double rank : new double[] {0.01, 0.1, 0.5, 0.9, 0.99}) {
            double q = merged.quantile(rank);
            double trueRank = (double) Math.abs(Arrays.binarySearch(sorted, q)) / sorted.length;
            assertThat(trueRank).as("rank of the merged sketch's %s quantile", rank).isCloseTo(rank, within(0.02));
        }
    }

    @Test
    void memoryStaysBoundedHoweverManyValuesOrCategoriesArrive() {
        FeatureSketch.Numerical numbers = sketch(normal(2, 1_000_000, 0, 1));
        FeatureSketch.Categorical categories = FeatureSketch.categorical();
        for (int i = 0; i < 200_000; i++) {
            categories.update("country-" + (i % 20_000));
        }
        assertThat(numbers.toBytes().length).isLessThanOrEqualTo(FeatureSketch.MAX_BYTES);
        assertThat(categories.toBytes().length).isLessThanOrEqualTo(FeatureSketch.MAX_BYTES);
        assertThat(categories.n()).as("the rest is still counted").isEqualTo(200_000);
        assertThat(categories.frequent()).hasSizeLessThanOrEqualTo(FeatureSketch.MAX_CATEGORIES);
    }

    @Test
    void aClientSendingEndlessLongCategoriesCannotGrowTheSketch() {
        FeatureSketch.Categorical categories = FeatureSketch.categorical();
        String threeBytes = "\u20ac".repeat(FeatureSketch.MAX_CATEGORY_LENGTH - 8);
        for (int i = 0; i < 100_000; i++) {
            categories.update(threeBytes + String.format("%08d", i));
            categories.update("x".repeat(10_000) + i);
        }
        assertThat(categories.toBytes().length).isLessThanOrEqualTo(FeatureSketch.MAX_BYTES);
        assertThat(categories.frequent()).containsKey(FeatureSketch.TOO_LONG);
        assertThat(categories.frequent().get(FeatureSketch.TOO_LONG)).isGreaterThanOrEqualTo(100_000);
    }

    @Test
    void aStableFeatureHasAPsiNearZeroAndAmountsInCentsInsteadOfEurosAreFarOff() {
        FeatureSketch.Numerical reference = sketch(normal(3, 50_000, 120, 30));
        assertThat(psi(reference, sketch(normal(4, 50_000, 120, 30)))).as("same distribution").isLessThan(0.01);
        assertThat(psi(reference, sketch(normal(5, 50_000, 150, 30)))).as("a shift of one sd, a major shift")
                .isGreaterThan(0.25);
        assertThat(psi(reference, sketch(normal(6, 50_000, 12_000, 3_000)))).as("cents instead of euros")
                .isGreaterThan(5);
        ReferenceProfile profile = new ReferenceProfile(50_000, Map.of("amount",
                new ReferenceProfile.Feature("numerical", 50_000, 0, reference)));
        InputCounts none = InputCounts.of(0, 0, 0).with("amount", 0, 0, 0, FeatureSketch.numerical());
        assertThat(InputMetrics.compute(none, profile, null, 0.95).features().get(0).drift()).as("no current data")
                .isNull();
    }

    @Test
    void categoriesAreCountedExactlyBelowTheCapAndMergeExactly() {
        FeatureSketch.Categorical a = FeatureSketch.categorical();
        FeatureSketch.Categorical b = FeatureSketch.categorical();
        for (int i = 0; i < 3_000; i++) {
            a.update(i % 3 == 0 ? "DE" : "FR");
            b.update(i % 2 == 0 ? "DE" : "ES");
        }
        a.update(null);
        FeatureSketch.Categorical merged = FeatureSketch.Categorical.of(a.toBytes());
        merged.merge(FeatureSketch.Categorical.of(b.toBytes()));
        assertThat(merged.frequent()).containsExactly(Map.entry("DE", 2_500L), Map.entry("FR", 2_000L),
                Map.entry("ES", 1_500L));
        assertThat(merged.n()).as("null is not a category").isEqualTo(6_000);
    }

    @Test
    void aNewCategoryTakingATrafficShareMovesTheJensenShannonDistance() {
        FeatureSketch.Categorical reference = FeatureSketch.categorical();
        FeatureSketch.Categorical same = FeatureSketch.categorical();
        FeatureSketch.Categorical unseen = FeatureSketch.categorical();
        for (int i = 0; i < 10_000; i++) {
            reference.update(i % 2 == 0 ? "DE" : "FR");
            same.update(i % 2 == 1 ? "DE" : "FR");
            unseen.update(i % 2 == 0 ? "DE" : i % 4 == 1 ? "FR" : "XX");
        }
        assertThat(jensenShannon(reference, same)).isCloseTo(0, within(1e-12));
        // Reference {DE: 1/2, FR: 1/2, other: 0}, current {DE: 1/2, FR: 1/4, other: 1/4}: SciPy 1.x (the peer),
        // scipy.spatial.distance.jensenshannon([.5, .5, 0], [.5, .25, .25], base=2), says 0.3945111687006674.
        assertThat(jensenShannon(reference, unseen)).isCloseTo(0.3945111687006674, within(1e-12));
    }
}

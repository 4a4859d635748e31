package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.modelmonitor.metrics.InputMetrics.FeatureFigures;

class InputMetricsTest {

    private static final String[] COUNTRIES = {"DE", "FR", "IT", "ES", "NL", "PL", "SE", "AT"};
    private static final double[] COUNTRY_SHARES = {0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03};

    private static FeatureSketch numbers(Random random, int n, double shift) {
        FeatureSketch.Numerical s = FeatureSketch.numerical();
        for (int i = 0; i < n; i++) {
            s.update(random.nextGaussian() + shift);
        }
        return s;
    }

    private static FeatureSketch countries(Random random, int n, String extra, double extraShare) {
        FeatureSketch.Categorical s = FeatureSketch.categorical();
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < extraShare) {
                s.update(extra);
                continue;
            }
            double u = random.nextDouble();
            int c = 0;
            while (c < COUNTRY_SHARES.length - 1 && u > COUNTRY_SHARES[c]) {
                u -= COUNTRY_SHARES[c++];
            }
            s.update(COUNTRIES[c]);
        }
        return s;
    }

    private static ReferenceProfile reference(Random random, int features, int m) {
        Map<String, ReferenceProfile.Feature> map = new LinkedHashMap<>();
        for (int f = 0; f < features; f++) {
            FeatureSketch s = f % 2 == 0 ? numbers(random, m, 0) : countries(random, m, null, 0);
            map.put("f" + f, new ReferenceProfile.Feature(s.type(), m, 0, s));
        }
        return new ReferenceProfile(m, map);
    }

    /** A window of {@code n} rows: every feature as the reference's, but feature f0 shifted by {@code shift} sd. */
    private static InputCounts window(Random random, int features, int n, double shift) {
        InputCounts w = InputCounts.of(n, 0, n);
        for (int f = 0; f < features; f++) {
            FeatureSketch s = f % 2 == 0 ? numbers(random, n, f == 0 ? shift : 0) : countries(random, n, null, 0);
            w.with("f" + f, n, 0, 0, s);
        }
        return w;
    }

    @Test
    void theChiSquareQuantilesAgreeWithTheTables() {
        // Tabulated upper quantiles (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
        assertThat(InputMetrics.chiSquareQuantile(0.99, 1)).isCloseTo(6.635, within(0.25));
        assertThat(InputMetrics.chiSquareQuantile(0.999, 1)).isCloseTo(10.828, within(0.5));
        assertThat(InputMetrics.chiSquareQuantile(0.95, 9)).isCloseTo(16.919, within(0.1));
        assertThat(InputMetrics.chiSquareQuantile(0.99, 9)).isCloseTo(21.666, within(0.1));
        assertThat(InputMetrics.chiSquareQuantile(0.9995, 9)).isCloseTo(29.666, within(0.4));
    }

    @Test
    void aWindowFromTheReferencesOwnDistributionShowsNoDriftBeyondTheNoiseAShiftedOneDoes() {
        Random random = new Random(7);
        ReferenceProfile ref = reference(random, 2, 20_000);
        InputMetrics same = InputMetrics.compute(window(random, 2, 300, 0), ref, null, 0.95);
        for (FeatureFigures f : same.features()) {
            assertThat(f.drift().value()).as("a small window's raw distance is not zero").isGreaterThan(0);
            assertThat(f.drift().lower()).as("but none of it is beyond the noise of %s rows", 300).isLessThan(0.05);
        }
        InputMetrics shifted = InputMetrics.compute(window(random, 2, 2_000, 0.5), ref, null, 0.95);
        FeatureFigures first = shifted.features().get(0);
        assertThat(first.name()).as("the drifted feature comes first").isEqualTo("f0");
        assertThat(first.drift().lower()).isGreaterThan(0.15);
        assertThat(first.psi()).as("PSI of half a standard deviation on deciles").isBetween(0.2, 0.35);
    }

    @Test
    void outOfRangeAndUnseenCategoriesAreTheShareTheReferenceNeverSaw() {
        Random random = new Random(11);
        ReferenceProfile ref = reference(random, 2, 20_000);
        InputCounts w = InputCounts.of(4_000, 0, 4_000);
        FeatureSketch.Numerical cents = FeatureSketch.numerical();
        for (int i = 0; i < 4_000; i++) {
            cents.update(i < 400 ? 100 * (5 + random.nextDouble()) : random.nextGaussian()); // 10% far outside
        }
        w.with("f0", 4_000, 0, 0, cents);
        w.with("f1", 4_000, 0, 0, countries(random, 4_000, "XX", 0.2));
        Map<String, FeatureFigures> byName = new LinkedHashMap<>();
        InputMetrics.compute(w, ref, null, 0.95).features().forEach(f -> byName.put(f.name(), f));
        assertThat(byName.get("f0").unseenRate().value()).isCloseTo(0.10, within(0.02));
        assertThat(byName.get("f1").unseenRate().value()).isCloseTo(0.20, within(0.03));
    }

    @Test
    void aProfileSurvivesItsJsonAndHostileProfilesAreRefusedByName() {
        Random random = new Random(3);
        ReferenceProfile ref = reference(random, 3, 1_000);
        ReferenceProfile back = ReferenceProfile.parse(ref.toJson());
        assertThat(back.features().keySet()).containsExactly("f0", "f1", "f2");
        assertThat(back.features().get("f1").sketch().n()).isEqualTo(1_000);

        assertThatThrownBy(() -> ReferenceProfile.parse("{\"format\": \"other\"}")).hasMessageContaining("format");
        assertThatThrownBy(() -> ReferenceProfile.parse("x".repeat(ReferenceProfile.MAX_CHARS + 1)))
                .hasMessageContaining("more than");
        String garbage = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertThatThrownBy(() -> ReferenceProfile.parse("{\"format\": \"" + ReferenceProfile.FORMAT + "\", \"features\": "
                + "[{\"name\": \"amount\", \"type\": \"numerical\", \"sketch\": \"" + garbage + "\"}]}"))
                .hasMessageContaining("amount").hasMessageContaining("not a numerical feature sketch");
        // A frequent-items header that asks for a map of 2^30 entries is refused before the library allocates it.
        byte[] greedy = FeatureSketch.categorical().toBytes();
        byte[] header = new byte[Math.max(16, greedy.length)];
        System.arraycopy(greedy, 0, header, 0, greedy.length);
        header[3] = 30;
        header[4] = 30;
        assertThatThrownBy(() -> FeatureSketch.of("categorical", header)).hasMessageContaining("larger than");
    }
}

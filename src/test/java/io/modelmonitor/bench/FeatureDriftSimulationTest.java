package io.modelmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Holds the headline figures of {@link FeatureDriftSimulation}, as BENCHMARKS.md states them. */
class FeatureDriftSimulationTest {

    @Test
    void stableFeaturesAlmostNeverBreachHoweverManyThereAreWhereThePointDistanceOftenDoes() {
        for (int features : new int[] {5, 20, 100}) {
            for (int rows : new int[] {200, 2000}) {
                double[] rates = FeatureDriftSimulation.falseDriftRates(features, rows, features == 100 ? 60 : 120, 42);
                assertThat(rates[1]).as("Breached, %d features, %d rows", features, rows).isLessThanOrEqualTo(0.01);
                assertThat(rates[2]).as("confirmed, %d features, %d rows", features, rows).isLessThanOrEqualTo(0.01);
            }
        }
        assertThat(FeatureDriftSimulation.falseDriftRates(20, 200, 60, 42)[0]).as("naive, 20 features, 200 rows")
                .isGreaterThan(0.5);
    }

    @Test
    void halfAStandardDeviationInOneFeatureOfTwentyIsConfirmedWithinAFewHundredRows() {
        int[] rows = FeatureDriftSimulation.shiftToDetect(30, 42);
        assertThat(Arrays.stream(rows).min().orElse(0)).as("every trial detects it").isPositive();
        assertThat(FeatureDriftSimulation.pct(rows, 50)).as("median rows").isLessThanOrEqualTo(600);
    }

    @Test
    void aFivePointRiseInMissingValuesIsConfirmed() {
        int[] rows = FeatureDriftSimulation.missingToDetect(30, 42);
        assertThat(Arrays.stream(rows).min().orElse(0)).as("every trial detects it").isPositive();
        assertThat(FeatureDriftSimulation.pct(rows, 50)).as("median rows").isLessThanOrEqualTo(1500);
    }
}

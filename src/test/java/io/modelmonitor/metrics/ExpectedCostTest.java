package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.modelmonitor.metrics.Intervals.Estimate;

/** The cost of a binary classifier's mistakes in the business's unit: exact on counts, covered as it claims. */
class ExpectedCostTest {

    /** A fraud model's prices: a blocked good payment costs 5 EUR, a fraud let through 120. */
    private static final ExpectedCost.Costs FRAUD = new ExpectedCost.Costs(5, 120, "EUR");
    private static final WindowMetrics.Settings BINARY = new WindowMetrics.Settings(true, true, "1", 0.95, 30, null, FRAUD);

    @Test
    void theCostIsTheMistakesTimesTheirPricesPerThousandLabelledPredictions() {
        // 1,000 labels: 30 false positives, 10 false negatives -> (30 * 5 + 10 * 120) / 1000 * 1000 = 1,350 EUR.
        Estimate e = ExpectedCost.perThousand(new ExpectedCost.Errors(30, 10, 1000), FRAUD, 0.95);
        assertThat(e.value()).isCloseTo(1350, within(1e-9));
        assertThat(e.lower()).isLessThan(1350).isGreaterThan(0);
        assertThat(e.upper()).isGreaterThan(1350);
        assertThat(e.n()).isEqualTo(1000);
    }

    @Test
    void theWindowRecoversItsFalsePositivesAndNegativesExactlyAndPricesThemPerHour() {
        // Positive class "1": 600 TP, 40 FP (predicted 1, label 0), 25 FN (predicted 0, label 1), 335 TN.
        WindowCounts counts = new WindowCounts().addLabels("none", "1", "1", 600).addLabels("none", "1", "0", 40)
                .addLabels("none", "0", "1", 25).addLabels("none", "0", "0", 335).addRequests("2xx", 1000, 10);
        WindowMetrics m = WindowMetrics.compute(counts, BINARY, 100, null);
        assertThat(m.errors()).isEqualTo(new ExpectedCost.Errors(40, 25, 1000));
        assertThat(m.cost().realised().value()).isCloseTo(1000 * (40 * 5 + 25 * 120) / 1000.0, within(1e-9));
        // 1,000 predictions over 100 s: 10 a second, 36,000 an hour, at 3.2 EUR each.
        assertThat(m.cost().perHour()).isCloseTo(3.2 * 36_000, within(1e-6));
        assertThat(m.cost().estimated()).as("no scores in this window").isNull();

        WindowMetrics withoutPrices = WindowMetrics.compute(counts, new WindowMetrics.Settings(true, true, "1", 0.95, 30),
                100, null);
        assertThat(withoutPrices.cost()).as("no spec.costs, no figure").isNull();
    }

    /**
     * Coverage by simulation: 2,000 windows of 500 labels from a model with 4% false positives and 1.5% false
     * negatives; the 95% interval must hold the true cost in at least 95% of them (it is built from two Wilson
     * intervals at 97.5%, so it is conservative, not exact).
     */
    @Test
    void theIntervalHoldsTheTrueCostAtLeastAsOftenAsItsConfidenceSays() {
        Random random = new Random(7);
        double fpRate = 0.04;
        double fnRate = 0.015;
        double truth = 1000 * (fpRate * 5 + fnRate * 120);
        int covered = 0;
        int windows = 2_000;
        for (int w = 0; w < windows; w++) {
            long fp = 0;
            long fn = 0;
            for (int i = 0; i < 500; i++) {
                double u = random.nextDouble();
                fp += u < fpRate ? 1 : 0;
                fn += u >= fpRate && u < fpRate + fnRate ? 1 : 0;
            }
            Estimate e = ExpectedCost.perThousand(new ExpectedCost.Errors(fp, fn, 500), FRAUD, 0.95);
            covered += e.lower() <= truth && truth <= e.upper() ? 1 : 0;
        }
        assertThat((double) covered / windows).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aRevisionThatLetsMoreFraudThroughCostsMoreThanItsBaselineWithAnIntervalThatExcludesZero() {
        ExpectedCost.Errors v1 = new ExpectedCost.Errors(40, 10, 2000);
        ExpectedCost.Errors v2 = new ExpectedCost.Errors(40, 60, 2000);
        Estimate d = ExpectedCost.difference(v2, v1, FRAUD, 0.95);
        // 50 more false negatives in 2,000: 25 per 1,000, at 120 EUR each.
        assertThat(d.value()).isCloseTo(3000, within(1e-9));
        assertThat(d.lower()).isGreaterThan(0);
        assertThat(d.upper()).isGreaterThan(3000);
        Estimate same = ExpectedCost.difference(v1, v1, FRAUD, 0.95);
        assertThat(same.value()).isZero();
        assertThat(same.lower()).isNegative();
        assertThat(same.upper()).isPositive();
    }

    @Test
    void beforeLabelsTheCostIsEstimatedFromTheScoresAndSaysSo() {
        // CBPE's expected mistakes over 1,000 scored predictions: 50 false positives, 20 false negatives.
        var expected = new PerformanceEstimate.ExpectedErrors(50, 40, 20, 16, 1000);
        ExpectedCost c = ExpectedCost.of(FRAUD, null, expected, 2.0, 0.95);
        assertThat(c.realised()).isNull();
        assertThat(c.best()).isSameAs(c.estimated());
        assertThat(c.estimated().value()).isCloseTo(1000 * (50 * 5 + 20 * 120) / 1000.0, within(1e-9));
        double sd = Math.sqrt(25 * 40 + 14_400 * 16.0);
        assertThat(c.estimated().upper() - c.estimated().value()).isCloseTo(1.959964 * sd, within(1e-3));
        assertThat(ExpectedCost.of(FRAUD, null, null, 2.0, 0.95)).as("neither labels nor scores").isNull();
    }
}

package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.modelmonitor.metrics.Fairness.Comparison;
import io.modelmonitor.metrics.Fairness.Rate;
import io.modelmonitor.metrics.Intervals.Estimate;

class FairnessTest {

    /** Newcombe (1998), Statistics in Medicine 17:873-890, Table II, 56/70 - 48/80 by method 10: 0.0524 to 0.3339. */
    @Test
    void aDifferenceHasNewcombesPublishedInterval() {
        Estimate d = Fairness.absoluteDifference(new Rate("a", 56, 70), new Rate("b", 48, 80), 0.95);
        assertThat(d.value()).isCloseTo(0.2, within(1e-12));
        assertThat(d.lower()).isCloseTo(0.0524, within(1e-4));
        assertThat(d.upper()).isCloseTo(0.3339, within(1e-4));
        assertThat(d.n()).isEqualTo(70);
        Estimate reversed = Fairness.absoluteDifference(new Rate("b", 48, 80), new Rate("a", 56, 70), 0.95);
        assertThat(reversed.lower()).as("|d| whichever way round").isCloseTo(0.0524, within(1e-4));
    }

    @Test
    void anIntervalOfADifferenceAroundZeroStartsAtZero() {
        Estimate d = Fairness.absoluteDifference(new Rate("a", 50, 100), new Rate("b", 48, 100), 0.95);
        assertThat(d.value()).isCloseTo(0.02, within(1e-12));
        assertThat(d.lower()).isZero();
        assertThat(d.upper()).isGreaterThan(0.1);
    }

    /** By hand: 40/100 over 50/100 is 0.8; ln 0.8 ± 1.96 sqrt(0.6/40 + 0.5/50) gives [0.5868, 1.0906], folded [0.5868, 1]. */
    @Test
    void aRatioHasTheKatzLogIntervalFoldedAtParity() {
        Estimate r = Fairness.ratio(new Rate("a", 40, 100), new Rate("b", 50, 100), 0.95);
        assertThat(r.value()).isCloseTo(0.8, within(1e-12));
        assertThat(r.lower()).isCloseTo(0.5868, within(1e-4));
        assertThat(r.upper()).isEqualTo(1.0);
        Estimate inverse = Fairness.ratio(new Rate("b", 50, 100), new Rate("a", 40, 100), 0.95);
        assertThat(inverse.value()).as("1.25 is as far from parity as 0.8").isCloseTo(0.8, within(1e-12));
        assertThat(inverse.lower()).isCloseTo(0.5868, within(1e-4));
    }

    /** By hand: 100/100 against 50/100, ln 0.5 ± 1.96 · sqrt(0 + 0.5/50) = [0.4111, 0.6083]. */
    @Test
    void aGroupWhoseEveryPredictionIsPositiveIsCompared() {
        List<Rate> rates = List.of(new Rate("all", 100, 100), new Rate("half", 50, 100));
        Comparison ratio = Fairness.lowestRatio(rates, null, 0.95, 30);
        assertThat(ratio.estimate().value()).isCloseTo(0.5, within(1e-12));
        assertThat(ratio.estimate().lower()).isCloseTo(0.4111, within(1e-4));
        assertThat(ratio.estimate().upper()).isCloseTo(0.6083, within(1e-4));
        assertThat(ratio.first()).as("the lower rate first").isEqualTo("half");
        Comparison difference = Fairness.largestDifference(rates, null, 0.95, 30);
        assertThat(difference.estimate().value()).isCloseTo(0.5, within(1e-12));
        assertThat(difference.first()).as("the higher rate first").isEqualTo("all");
    }

    @Test
    void noGroupsOrOneGroupGiveNothingToCompare() {
        assertThat(Fairness.largestDifference(List.of(), null, 0.95, 30).estimate()).isNull();
        Comparison one = Fairness.largestDifference(List.of(new Rate("a", 10, 100)), null, 0.95, 30);
        assertThat(one.estimate()).isNull();
        assertThat(one.insufficient()).isEmpty();
        assertThat(Fairness.lowestRatio(List.of(new Rate("a", 0, 100), new Rate("b", 0, 100)), null, 0.95, 30).estimate())
                .as("no positive prediction anywhere: no ratio").isNull();
    }

    @Test
    void aSmallGroupIsListedNotDropped() {
        List<Rate> rates = List.of(new Rate("a", 60, 100), new Rate("b", 40, 100), new Rate("tiny", 9, 10));
        Comparison c = Fairness.largestDifference(rates, null, 0.95, 30);
        assertThat(c.insufficient()).containsExactly("tiny");
        assertThat(c.estimate().value()).as("judged on a and b").isCloseTo(0.2, within(1e-12));
    }

    /** Three pairs at 1 - 0.05/3 each: the same pair's interval is wider than when it is the only one. */
    @Test
    void moreGroupsWidenTheIntervalsSoTheyHoldTogether() {
        Comparison two = Fairness.largestDifference(List.of(new Rate("a", 60, 100), new Rate("b", 40, 100)), null, 0.95, 30);
        Comparison three = Fairness.largestDifference(List.of(new Rate("a", 60, 100), new Rate("b", 40, 100),
                new Rate("c", 50, 100)), null, 0.95, 30);
        assertThat(three.estimate().value()).isCloseTo(0.2, within(1e-12));
        assertThat(three.estimate().lower()).isLessThan(two.estimate().lower());
        assertThat(three.estimate().upper()).isGreaterThan(two.estimate().upper());
        Estimate alone = Fairness.absoluteDifference(new Rate("a", 60, 100), new Rate("b", 40, 100), 1 - 0.05 / 3);
        assertThat(three.estimate().lower()).isCloseTo(alone.lower(), within(1e-12));
    }

    @Test
    void withAReferenceEachGroupIsComparedWithItOnly() {
        List<Rate> rates = List.of(new Rate("ref", 50, 100), new Rate("a", 45, 100), new Rate("b", 30, 100),
                new Rate("c", 70, 100));
        Comparison c = Fairness.largestDifference(rates, "ref", 0.95, 30);
        // Three comparisons (a, b, c against ref), not six: b and c differ by 0.4 but are not compared.
        assertThat(c.estimate().value()).isCloseTo(0.2, within(1e-12));
        assertThat(c.second()).isEqualTo("ref");
        assertThat(c.first()).isIn("b", "c");
        Estimate bAlone = Fairness.absoluteDifference(new Rate("b", 30, 100), new Rate("ref", 50, 100), 1 - 0.05 / 3);
        assertThat(c.estimate().lower()).isCloseTo(bAlone.lower(), within(1e-12));
        Comparison missing = Fairness.largestDifference(rates, "nobody", 0.95, 30);
        assertThat(missing.estimate()).isNull();
        assertThat(missing.insufficient()).contains("nobody");
    }

    @Test
    void equalizedOddsIsTheLargerGap() {
        Comparison tpr = Fairness.largestDifference(List.of(new Rate("a", 80, 100), new Rate("b", 70, 100)), null, 0.95, 30);
        Comparison fpr = Fairness.largestDifference(List.of(new Rate("a", 10, 100), new Rate("b", 30, 100)), null, 0.95, 30);
        Comparison odds = Fairness.larger(tpr, fpr);
        assertThat(odds.estimate().value()).isCloseTo(0.2, within(1e-12));
        assertThat(odds.estimate().lower()).isEqualTo(Math.max(tpr.estimate().lower(), fpr.estimate().lower()));
        assertThat(odds.estimate().upper()).isEqualTo(Math.max(tpr.estimate().upper(), fpr.estimate().upper()));
        assertThat(odds.first()).isEqualTo("b");
    }
}

package io.modelmonitor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Keeps the benchmark's headline claim true: on a model 1 point above its objective, ours almost never rolls back. */
class DecisionSimulationTest {

    @Test
    void oursRollsBackAtMostOnePercentOfTheTimeWhereTheNaiveRuleOftenDoes() {
        for (int labels : new int[] {100, 1000}) {
            double[] rates = DecisionSimulation.falseRollbackRates(0.91, labels, 1000, 42);
            assertThat(rates[3]).as("ours, defaults, %d labels", labels).isLessThanOrEqualTo(0.01);
            assertThat(rates[2]).as("ours without minSamples, %d labels", labels).isLessThanOrEqualTo(0.01);
            assertThat(rates[0]).as("naive, %d labels", labels).isGreaterThan(0.10);
        }
    }

    @Test
    void oursStillSeesARealDropWithinAFewIntervals() {
        int[][] result = DecisionSimulation.timeToDetect("ours", 200, 42);
        Arrays.sort(result[1]);
        assertThat(result[1][0]).as("every trial detects the drop").isPositive();
        assertThat(result[1][result[1].length / 2]).as("median intervals").isLessThanOrEqualTo(6);
    }

    @Test
    void driftOnUnchangedSharesIsAlmostNeverBreachedWhereThePointPsiOftenIs() {
        for (int classes : new int[] {2, 8, 32}) {
            for (int n : new int[] {200, 1000, 5000}) {
                double[] rates = DecisionSimulation.falseDriftRates(classes, n, 1000, 42);
                assertThat(rates[1]).as("ours Breached, %d classes, %d predictions", classes, n).isLessThanOrEqualTo(0.01);
                assertThat(rates[2]).as("ours confirmed, %d classes, %d predictions", classes, n).isLessThanOrEqualTo(0.01);
            }
        }
        assertThat(DecisionSimulation.falseDriftRates(32, 200, 1000, 42)[0]).as("naive, 32 classes, 200 predictions")
                .isGreaterThan(0.5);
    }

    @Test
    void aRealShiftInPredictionsIsConfirmed() {
        int[] predictions = DecisionSimulation.driftToDetect(200, 42);
        Arrays.sort(predictions);
        assertThat(predictions[0]).as("every trial detects the shift").isPositive();
        assertThat(predictions[predictions.length / 2]).as("median predictions to confirm").isLessThanOrEqualTo(2000);
    }

    @Test
    void groupsTreatedAlikeAreAlmostNeverBreachedHoweverManyThereAre() {
        for (int groups : new int[] {2, 8, 32}) {
            double[] rates = DecisionSimulation.falseFairnessRates(groups, 200, 1000, 42);
            assertThat(rates[1]).as("SPD Breached, %d groups", groups).isLessThanOrEqualTo(0.01);
            assertThat(rates[3]).as("EOD Breached, %d groups", groups).isLessThanOrEqualTo(0.01);
            assertThat(rates[4]).as("confirmed, %d groups", groups).isLessThanOrEqualTo(0.01);
        }
        assertThat(DecisionSimulation.falseFairnessRates(32, 200, 1000, 42)[2]).as("naive EOD, 32 groups").isGreaterThan(0.5);
    }

    @Test
    void aRealGapOnASmallGroupIsConfirmed() {
        int[][] result = DecisionSimulation.fairnessToDetect(100, 42);
        int[] labels = result[0].clone();
        Arrays.sort(labels);
        assertThat(labels[0]).as("every trial detects the gap").isPositive();
        assertThat(labels[labels.length / 2]).as("median labels to confirm").isLessThanOrEqualTo(60_000);
    }

    @Test
    void anEqualCanaryAlmostNeverFailsItsComparison() {
        for (double share : new double[] {0.1, 0.5}) {
            double[] rates = DecisionSimulation.falseCanaryFailures(0.90, share, 1000, 1000, 42);
            assertThat(rates[1]).as("Breached, canary share %.1f", share).isLessThanOrEqualTo(0.01);
            assertThat(rates[2]).as("confirmed, canary share %.1f", share).isLessThanOrEqualTo(0.01);
        }
    }

    @Test
    void aFivePointDropOnATenPercentCanaryIsConfirmed() {
        int[][] result = DecisionSimulation.canaryDropToDetect(100, 42);
        int[] labels = result[0].clone();
        Arrays.sort(labels);
        assertThat(labels[0]).as("every trial detects the drop").isPositive();
        assertThat(labels[labels.length / 2]).as("median labels to confirm").isLessThanOrEqualTo(40_000);
    }

    @Test
    void anEquallyFastCanaryAlmostNeverFailsItsLatencyComparison() {
        for (double share : new double[] {0.1, 0.5}) {
            double[] rates = DecisionSimulation.falseLatencyFailures(share, 2000, 300, 42);
            assertThat(rates[1]).as("Breached, canary share %.1f", share).isLessThanOrEqualTo(0.01);
            assertThat(rates[2]).as("confirmed, canary share %.1f", share).isLessThanOrEqualTo(0.01);
        }
    }

    @Test
    void aSlowerCanaryIsConfirmed() {
        int[][] result = DecisionSimulation.slowCanaryToDetect(50, 42);
        assertThat(result[0]).as("every trial detects the slowdown within 400 intervals").doesNotContain(0);
    }

    @Test
    void aBudgetSpentAtTheAllowedRateNeverAlertsInFourWeeks() {
        for (int trial = 0; trial < 20; trial++) {
            DecisionSimulation.BurnRun run = DecisionSimulation.burn(0.99, 0.01, Duration.ofDays(25), 42 + trial);
            assertThat(run.falseAlarm()).as("trial %d alerted in its first 3 days", trial).isFalse();
            assertThat(run.page()).as("trial %d paged", trial).isNull();
            assertThat(run.ticket()).as("trial %d ticketed", trial).isNull();
        }
    }

    @Test
    void anOutagePagesWithinTheWorkbooksDetectionTime() {
        // Every evaluation Breached: burn 100 against a 99% target; the workbook pages after 14.4 / 100 of an hour.
        Duration workbook = DecisionSimulation.workbookDetection(100);
        assertThat(workbook).isEqualTo(Duration.ofSeconds(518));
        for (int trial = 0; trial < 20; trial++) {
            DecisionSimulation.BurnRun run = DecisionSimulation.burn(0.99, 1.0, Duration.ofHours(1), 42 + trial);
            assertThat(run.falseAlarm()).isFalse();
            assertThat(run.page()).as("trial %d", trial).isNotNull().isLessThanOrEqualTo(workbook);
        }
    }

    @Test
    void aSteadyBurnPagesByTheSixHourRuleAndASlowOneTicketsNeverPages() {
        // 10% Breached: burn 10, under the hour's 14.4 but over 6: paged by the 6-hour rule, in 3.6 h by the workbook's
        // arithmetic, which counts the expected breaches; drawn at random, half the trials cross a little later (the
        // binomial guard costs nothing here: 43 Breached of 720 is far beyond chance at 1%).
        Duration steadyBook = DecisionSimulation.workbookDetection(10);
        List<Duration> pages = new ArrayList<>();
        for (int trial = 0; trial < 20; trial++) {
            DecisionSimulation.BurnRun steady = DecisionSimulation.burn(0.99, 0.10, Duration.ofHours(8), 42 + trial);
            assertThat(steady.falseAlarm()).isFalse();
            assertThat(steady.page()).as("trial %d", trial).isNotNull()
                    .isLessThanOrEqualTo(steadyBook.multipliedBy(3).dividedBy(2));
            pages.add(steady.page());
        }
        pages.sort(null);
        assertThat(pages.get(pages.size() / 2)).as("median page").isLessThanOrEqualTo(steadyBook);
        // 3% Breached: burn 3. The workbook tickets in a day (3 days / 3); ours must be as sure as 1e-6 that it is
        // no chance, so a trial now and then takes longer (5 of 100 in BENCHMARKS.md (k)): nine in ten within the
        // day, the median within half of it, and never a page.
        Duration workbook = DecisionSimulation.workbookDetection(3);
        List<Duration> tickets = new ArrayList<>();
        for (int trial = 0; trial < 20; trial++) {
            DecisionSimulation.BurnRun slow = DecisionSimulation.burn(0.99, 0.03, Duration.ofDays(2), 42 + trial);
            assertThat(slow.falseAlarm()).isFalse();
            assertThat(slow.page()).as("trial %d", trial).isNull();
            tickets.add(slow.ticket() == null ? Duration.ofDays(2) : slow.ticket());
        }
        tickets.sort(null);
        assertThat(tickets.stream().filter(t -> t.compareTo(workbook) <= 0)).as("tickets within the workbook's day")
                .hasSizeGreaterThanOrEqualTo(18);
        assertThat(tickets.get(tickets.size() / 2)).as("median").isLessThanOrEqualTo(workbook.dividedBy(2));
    }
}

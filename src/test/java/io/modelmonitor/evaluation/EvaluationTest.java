package io.modelmonitor.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.Assertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.metrics.ExpectedCost;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.metrics.WindowMetrics;

class EvaluationTest {

    private static final WindowMetrics.Settings BINARY = new WindowMetrics.Settings(true, true, "1", 0.95, 30);
    private static final Objective ACCURACY = new Objective(MetricName.accuracy, 0.9, null);
    private static final Evaluation.Rules RULES = new Evaluation.Rules(200, 0.95, 2);

    private static WindowMetrics accuracy(long correct, long wrong) {
        return WindowMetrics.compute(new WindowCounts().addLabels("none", "1", "1", correct)
                .addLabels("none", "1", "0", wrong).addRequests("2xx", correct + wrong, 10), BINARY, 60, null);
    }

    @Test
    void aMinObjectiveIsJudgedByTheWholeInterval() {
        // 850/1000 = 0.85, Wilson [0.827, 0.871]: entirely below 0.9.
        assertThat(ObjectiveJudge.judge(ACCURACY, accuracy(850, 150), 200, 0.95).state()).isEqualTo(ObjectiveState.Breached);
        // 960/1000, Wilson [0.946, 0.971]: entirely above.
        assertThat(ObjectiveJudge.judge(ACCURACY, accuracy(960, 40), 200, 0.95).state()).isEqualTo(ObjectiveState.Met);
        // 890/1000: the point is below 0.9 but the interval [0.869, 0.908] contains it.
        Judgement close = ObjectiveJudge.judge(ACCURACY, accuracy(890, 110), 200, 0.95);
        assertThat(close.state()).isEqualTo(ObjectiveState.InsufficientData);
        assertThat(close.reason()).contains("contains the bound 0.9000");
    }

    @Test
    void aDryRunObjectiveIsJudgedButDecidesNothing() {
        Objective dryRun = new Objective(MetricName.accuracy, 0.9, null, false);
        Objective latency = new Objective(MetricName.latencyP99Ms, null, 250.0);
        WindowMetrics bad = accuracy(850, 150);
        Evaluation first = Evaluation.of(List.of(dryRun, latency), bad, RULES, Map.of());
        Evaluation second = Evaluation.of(List.of(dryRun, latency), bad, RULES,
                Map.of(dryRun.key(), first.streaks().get(0)));
        assertThat(second.judgements().get(0).state()).as("still judged").isEqualTo(ObjectiveState.Breached);
        assertThat(second.streaks().get(0)).as("its streak is kept, for status").isEqualTo(2);
        assertThat(second.verdict()).isEqualTo(Evaluation.Verdict.HEALTHY);
        assertThat(second.confirmedBreach(2)).as("no rollback, no alert").isEmpty();
        assertThat(second.anyBreached()).as("not even Breaching").isFalse();
        assertThat(second.healthy(true)).isTrue();
        Evaluation enforced = Evaluation.of(List.of(ACCURACY, latency), bad, RULES, Map.of(ACCURACY.key(), 1));
        assertThat(enforced.confirmedBreach(2)).as("the same objective enforced").isPresent();
    }

    @Test
    void aComparisonObjectiveJudgesTheRevisionAgainstItsBaselineAndKeepsItsOwnStreak() {
        Objective notWorse = Objective.comparison(MetricName.accuracy, 0.02, true);
        Baseline stable = Baseline.of("1 (aaa)", Map.of(MetricName.accuracy, accuracy(930, 70).accuracy(),
                MetricName.errorRate, accuracy(930, 70).errorRate()));
        // 0.85 against 0.93: the difference's interval lies wholly below -0.02.
        Evaluation first = Evaluation.of(List.of(ACCURACY, notWorse), accuracy(850, 150), stable, RULES,
                Map.of());
        Judgement worse = first.judgements().get(1);
        assertThat(worse.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(worse.value()).isCloseTo(-0.08, Offset.offset(1e-9));
        assertThat(worse.reason()).contains("(n=1000 and 1000)").contains("baseline: revision 1 (aaa)");
        assertThat(notWorse.key()).isEqualTo("accuracy/baseline").isNotEqualTo(ACCURACY.key());
        Evaluation second = Evaluation.of(List.of(ACCURACY, notWorse), accuracy(850, 150), stable, RULES,
                Map.of(notWorse.key(), first.streaks().get(1)));
        assertThat(second.confirmedBreach(2)).map(Judgement::objective).contains(notWorse);
        assertThat(second.streaks()).containsExactly(1, 2);

        // Equal at 0.93 on 1,000 labels each: the difference's interval is about +-0.022, within a margin of 0.05
        // (not of 0.02: that needs more labels, and says so).
        assertThat(ObjectiveJudge.judge(Objective.comparison(MetricName.accuracy, 0.05, true), accuracy(930, 70), stable,
                200, 0.95).state()).as("an equal model").isEqualTo(ObjectiveState.Met);
        assertThat(ObjectiveJudge.judge(notWorse, accuracy(930, 70), stable, 200, 0.95).state())
                .isEqualTo(ObjectiveState.InsufficientData);
        assertThat(ObjectiveJudge.judge(notWorse, accuracy(93, 7), stable, 200, 0.95).state()).as("thin")
                .isEqualTo(ObjectiveState.InsufficientData);
        Judgement first2 = ObjectiveJudge.judge(notWorse, accuracy(500, 500), Baseline.absent("no revision was Healthy"),
                200, 0.95);
        assertThat(first2.state()).as("nothing to compare: not a breach, not a hold on Healthy").isEqualTo(ObjectiveState.Met);
        assertThat(first2.reason()).isEqualTo("nothing to compare with: no revision was Healthy");
        Judgement errors = ObjectiveJudge.judge(Objective.comparison(MetricName.errorRate, 0.01, true),
                WindowMetrics.compute(new WindowCounts().addRequests("2xx", 900, 10).addRequests("5xx", 100, 10), BINARY, 60,
                        null), stable, 200, 0.95);
        assertThat(errors.state()).as("10% errors against none: lower is better").isEqualTo(ObjectiveState.Breached);
    }

    @Test
    void belowMinSamplesNothingIsJudgedEvenAnObviousBreach() {
        Judgement j = ObjectiveJudge.judge(ACCURACY, accuracy(50, 100), 200, 0.95);
        assertThat(j.state()).isEqualTo(ObjectiveState.InsufficientData);
        assertThat(j.reason()).isEqualTo("150 of the 200 labels needed in the window");
        assertThat(j.value()).isCloseTo(1.0 / 3, Assertions.within(1e-9));
    }

    @Test
    void maxObjectivesOnLatencyAndErrors() {
        WindowMetrics m = WindowMetrics.compute(new WindowCounts().addRequests("2xx", 950, 300).addRequests("5xx", 50, 300),
                BINARY, 60, null);
        assertThat(ObjectiveJudge.judge(new Objective(MetricName.latencyP99Ms, null, 250.0), m, 200, 0.95).state())
                .isEqualTo(ObjectiveState.Breached);
        assertThat(ObjectiveJudge.judge(new Objective(MetricName.errorRate, null, 0.01), m, 200, 0.95).state())
                .isEqualTo(ObjectiveState.Breached);
        assertThat(ObjectiveJudge.judge(new Objective(MetricName.errorRate, null, 0.2), m, 200, 0.95).state())
                .isEqualTo(ObjectiveState.Met);
        assertThat(ObjectiveJudge.judge(new Objective(MetricName.accuracy, 0.9, null), m, 200, 0.95).reason())
                .isEqualTo("0 of the 200 labels needed in the window");
    }

    @Test
    void aBreachIsConfirmedOnlyAfterConsecutiveBreachedEvaluations() {
        List<Objective> objectives = List.of(ACCURACY);
        Map<String, Integer> streaks = new HashMap<>();

        Evaluation first = Evaluation.of(objectives, accuracy(850, 150), RULES, streaks);
        assertThat(first.verdict()).isEqualTo(Evaluation.Verdict.INSUFFICIENT_DATA);
        assertThat(first.streaks()).containsExactly(1);
        streaks.put(ACCURACY.key(), 1);

        // Thin data in between starts the streak over: it never counts toward a breach.
        Evaluation thin = Evaluation.of(objectives, accuracy(10, 10), RULES, streaks);
        assertThat(thin.streaks()).containsExactly(0);
        assertThat(thin.verdict()).isEqualTo(Evaluation.Verdict.INSUFFICIENT_DATA);

        Evaluation again = Evaluation.of(objectives, accuracy(850, 150), RULES, Map.of(ACCURACY.key(), 1));
        assertThat(again.verdict()).isEqualTo(Evaluation.Verdict.BREACHED);
        assertThat(again.confirmedBreach(2)).get().extracting(Judgement::objective).isEqualTo(ACCURACY);

        assertThat(Evaluation.of(objectives, accuracy(960, 40), RULES, Map.of()).verdict())
                .isEqualTo(Evaluation.Verdict.HEALTHY);
    }

    private static final Objective DRIFT = new Objective(MetricName.predictionDrift, null, 0.1);

    @Test
    void healthyMeansEveryEnforcedObjectiveIsMet() {
        // 960/1000 correct: accuracy Met. No baseline: drift InsufficientData.
        Evaluation noBaseline = Evaluation.of(List.of(ACCURACY, DRIFT), accuracy(960, 40), RULES, Map.of());
        assertThat(noBaseline.judgements().get(1).state()).isEqualTo(ObjectiveState.InsufficientData);

        assertThat(noBaseline.healthy(false)).as("no baseline yet: drift is not enforced").isTrue();
        assertThat(noBaseline.healthy(true)).as("with a baseline, an undecided drift is not Healthy").isFalse();
        Evaluation undecided = Evaluation.of(List.of(ACCURACY), accuracy(180, 20), RULES, Map.of());
        assertThat(undecided.healthy(false)).as("too few labels for accuracy").isFalse();
    }

    private static final ExpectedCost.Costs FRAUD = new ExpectedCost.Costs(5, 120, "EUR");

    /** A fraud model's window: 1,000 labels with these false positives and negatives; 1,000 predictions in 100 s. */
    private static WindowMetrics costly(long falsePositives, long falseNegatives) {
        long right = 1000 - falsePositives - falseNegatives;
        return WindowMetrics.compute(new WindowCounts().addLabels("none", "1", "1", right / 2)
                .addLabels("none", "0", "0", right - right / 2).addLabels("none", "1", "0", falsePositives)
                .addLabels("none", "0", "1", falseNegatives).addRequests("2xx", 1000, 10),
                new WindowMetrics.Settings(true, true, "1", 0.95, 30, null, FRAUD), 100, null);
    }

    @Test
    void aCostObjectiveIsJudgedInTheBusinessesUnitAndSaysWhatAnHourCosts() {
        Objective atMost = new Objective(MetricName.expectedCost, null, 1000.0);
        // 20 FP and 20 FN per 1,000: 100 + 2,400 = 2,500 EUR per 1,000, whole interval above 1,000.
        Judgement breached = ObjectiveJudge.judge(atMost, costly(20, 20), 200, 0.95);
        assertThat(breached.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(breached.reason()).startsWith("expectedCost 2500.0 [").contains("lies above 1000.0 with 95.0% confidence")
                .contains("(EUR per 1,000 predictions; about 90000.0 EUR per hour at the current traffic)");
        // 20 FP and 1 FN: 220 EUR per 1,000.
        assertThat(ObjectiveJudge.judge(atMost, costly(20, 1), 200, 0.95).state()).isEqualTo(ObjectiveState.Met);
        assertThat(ObjectiveJudge.judge(atMost, costly(20, 20), 2000, 0.95).reason())
                .isEqualTo("1000 of the 2000 labels needed in the window");
    }

    @Test
    void aCostComparisonSaysHowMuchMoreTheNewRevisionCostsThanItsBaseline() {
        Objective notDearer = Objective.comparison(MetricName.expectedCost, 100, true);
        Baseline v1 = Baseline.of("1 (aaa)", Map.of(), null, null, costly(20, 2).errors());
        Judgement j = ObjectiveJudge.judge(notDearer, costly(20, 30), v1, 200, 0.95);
        assertThat(j.state()).isEqualTo(ObjectiveState.Breached);
        // 28 more false negatives per 1,000 at 120 EUR: +3,360 EUR per 1,000 predictions.
        assertThat(j.value()).isCloseTo(3360, Offset.offset(1e-9));
        assertThat(j.reason()).startsWith("expectedCost +3360.0 [+").contains("] EUR per 1,000 predictions more than the "
                + "baseline's (n=1000 and 1000 labels)")
                .contains("more than the margin 100.0 with 95.0% confidence (baseline: revision 1 (aaa))");
        assertThat(ObjectiveJudge.judge(notDearer, costly(20, 2), v1, 200, 0.95).state()).as("the same model")
                .isIn(ObjectiveState.Met, ObjectiveState.InsufficientData);
        assertThat(ObjectiveJudge.judge(notDearer, costly(20, 30), Baseline.of("1 (aaa)", Map.of(), null, null, null), 200,
                0.95).reason()).isEqualTo("1000 and 0 of the 200 labels needed in each revision's window (baseline: "
                        + "revision 1 (aaa))");
    }
}

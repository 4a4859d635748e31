package io.modelmonitor.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.metrics.WindowMetrics;

class FairnessObjectivesTest {

    private static final WindowMetrics.Settings BINARY = new WindowMetrics.Settings(true, true, "1", 0.95, 30);

    /** One group's binary outcomes, with its predictions. */
    private static void group(WindowCounts w, String name, long tp, long fp, long fn, long tn) {
        w.addPredictions(name, "1", tp + fp).addPredictions(name, "0", fn + tn).addSegmentLabels(name, "tp", tp)
                .addSegmentLabels(name, "fp", fp).addSegmentLabels(name, "fn", fn).addSegmentLabels(name, "tn", tn)
                .addLabelCell("1", "1", tp).addLabelCell("1", "0", fp).addLabelCell("0", "1", fn).addLabelCell("0", "0", tn);
    }

    private static Judgement judge(MetricName metric, Double min, Double max, WindowMetrics m) {
        return ObjectiveJudge.judge(new Objective(metric, min, max), m, 30, 0.95);
    }

    @Test
    void eachGroupShowsItsRates() {
        WindowCounts w = new WindowCounts();
        group(w, "eu", 80, 10, 20, 190); // TPR 0.8, FPR 0.05, PR 0.3, precision 80/90
        WindowMetrics m = WindowMetrics.compute(w, BINARY, 60, null);
        WindowMetrics.Segment eu = m.segments().get(0);
        assertThat(eu.predictions()).isEqualTo(300);
        assertThat(eu.labels()).isEqualTo(300);
        assertThat(eu.positiveRate().value()).isCloseTo(0.3, within(1e-12));
        assertThat(eu.truePositiveRate().value()).isCloseTo(0.8, within(1e-12));
        assertThat(eu.falsePositiveRate().value()).isCloseTo(0.05, within(1e-12));
        assertThat(eu.precision().value()).isCloseTo(80.0 / 90, within(1e-12));
        assertThat(eu.accuracy().value()).isCloseTo(270.0 / 300, within(1e-12));
        assertThat(judge(MetricName.statisticalParityDifference, null, 0.1, m).state()).as("one group")
                .isEqualTo(ObjectiveState.InsufficientData);
    }

    @Test
    void aRealGapInTruePositiveRateIsBreachedAndNamesTheGroups() {
        WindowCounts w = new WindowCounts();
        group(w, "eu", 400, 50, 100, 950); // TPR 0.80
        group(w, "us", 250, 50, 250, 950); // TPR 0.50, same FPR
        WindowMetrics m = WindowMetrics.compute(w, BINARY, 60, null);
        Judgement eod = judge(MetricName.equalOpportunityDifference, null, 0.1, m);
        assertThat(eod.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(eod.value()).isCloseTo(0.3, within(1e-12));
        assertThat(eod.reason()).contains("between eu and us", "lies above 0.1000");
        assertThat(judge(MetricName.equalizedOddsDifference, null, 0.1, m).state()).isEqualTo(ObjectiveState.Breached);
        assertThat(judge(MetricName.accuracy, 0.8, null, m).state()).as("accuracy alone does not see it")
                .isEqualTo(ObjectiveState.Met);
    }

    @Test
    void aSmallGroupIsNamedAndLeftOutOfTheComparison() {
        WindowCounts w = new WindowCounts();
        group(w, "eu", 300, 100, 100, 500);
        group(w, "us", 300, 100, 100, 500);
        group(w, "tiny", 3, 1, 1, 5); // 10 predictions, under minSamples 30
        WindowMetrics m = WindowMetrics.compute(w, BINARY, 60, null);
        Judgement spd = judge(MetricName.statisticalParityDifference, null, 0.1, m);
        assertThat(spd.state()).as("judged on eu and us").isEqualTo(ObjectiveState.Met);
        assertThat(spd.reason()).endsWith("; not judged for tiny (fewer than 30 predictions)");
        assertThat(m.fairness().statisticalParityDifference().insufficient()).containsExactly("tiny");

        WindowCounts unfair = new WindowCounts();
        group(unfair, "eu", 300, 100, 100, 500); // PR 0.4
        group(unfair, "us", 100, 0, 300, 600); // PR 0.1
        group(unfair, "tiny", 3, 1, 1, 5);
        Judgement breached = judge(MetricName.statisticalParityDifference, null, 0.1, WindowMetrics.compute(unfair, BINARY, 60, null));
        assertThat(breached.state()).isEqualTo(ObjectiveState.Breached);
        Judgement dir = judge(MetricName.disparateImpactRatio, 0.8, null, WindowMetrics.compute(unfair, BINARY, 60, null));
        assertThat(dir.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(dir.value()).isCloseTo(0.25, within(1e-12));
    }
}

package io.modelmonitor.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.metrics.GenerationCounts;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.metrics.WindowMetrics;

/** A generative model's objectives are judged on their intervals, each on its own sample. */
class GenerationJudgeTest {

    private static final WindowMetrics.Settings SETTINGS = new WindowMetrics.Settings(false, false, null, 0.95, 30);

    private static WindowMetrics window(GenerationCounts g) {
        WindowCounts counts = WindowCounts.empty().addRequests("2xx", g.requests(), 900);
        counts.generation().add(g);
        return WindowMetrics.compute(counts, SETTINGS, 300, Map.of());
    }

    private static Judgement judge(MetricName metric, Double min, Double max, WindowMetrics m) {
        return ObjectiveJudge.judge(new Objective(metric, min, max), m, 100, 0.95);
    }

    @Test
    void timeToFirstTokenIsMetOrBreachedByWhereItsIntervalLies() {
        WindowMetrics quick = window(GenerationCounts.empty().addAnswers(950, 120, 40, "stop").addAnswers(50, 700, 40, "stop"));
        assertThat(quick.generation().ttftP95Ms().value()).isBetween(100.0, 800.0);
        assertThat(judge(MetricName.ttftP50Ms, null, 300.0, quick).state()).isEqualTo(ObjectiveState.Met);
        WindowMetrics slow = window(GenerationCounts.empty().addAnswers(1000, 900, 40, "stop"));
        Judgement breached = judge(MetricName.ttftP95Ms, null, 500.0, slow);
        assertThat(breached.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(breached.reason()).startsWith("ttftP95Ms ").contains("lies above 500");
    }

    @Test
    void truncationIsAShareOfFinishedAnswersWithAWilsonInterval() {
        WindowMetrics m = window(GenerationCounts.empty().addAnswers(700, 100, 40, "stop").addAnswers(300, 100, 40, "length"));
        assertThat(m.generation().truncationRate().value()).isEqualTo(0.3);
        assertThat(m.generation().truncationRate().lower()).isBetween(0.27, 0.3);
        assertThat(judge(MetricName.truncationRate, null, 0.1, m).state()).isEqualTo(ObjectiveState.Breached);
        assertThat(judge(MetricName.outputTokensPerSecond, 20.0, null, m).state()).isEqualTo(ObjectiveState.Met);
    }

    @Test
    void acceptanceWaitsForEnoughFeedbackAndThenJudgesIt() {
        WindowMetrics few = window(GenerationCounts.empty().addAnswers(1000, 100, 40, "stop").addFeedback("en", 10, 30));
        Judgement waiting = judge(MetricName.acceptanceRate, 0.8, null, few);
        assertThat(waiting.state()).as("40 items, 100 needed: no verdict on thin feedback").isEqualTo(ObjectiveState.InsufficientData);
        assertThat(waiting.reason()).isEqualTo("40 of the 100 accept or reject feedback items needed in the window");
        WindowMetrics many = window(GenerationCounts.empty().addAnswers(1000, 100, 40, "stop").addFeedback("en", 200, 300));
        assertThat(judge(MetricName.acceptanceRate, 0.8, null, many).state()).isEqualTo(ObjectiveState.Breached);
    }

    @Test
    void theAcceptanceGapNamesTheTwoSegmentsThatMakeIt() {
        WindowMetrics m = window(GenerationCounts.empty().addAnswers(1000, 100, 40, "stop")
                .addFeedback("en", 450, 50).addFeedback("fr", 250, 250).addFeedback("de", 5, 5));
        Judgement gap = judge(MetricName.acceptanceRateGap, null, 0.1, m);
        assertThat(gap.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(gap.reason()).contains("between en and fr").contains("not judged for de");
    }

    @Test
    void eachSegmentShowsItsFirstTokenAndAcceptanceAndJunkSegmentsCannotGrowTheList() {
        GenerationCounts g = GenerationCounts.empty().addSegmentAnswers("en", 300, 120).addSegmentAnswers("fr", 300, 700)
                .addFeedback("en", 90, 10);
        for (int i = 0; i < 200; i++) {
            g.addSegmentAnswers("junk-" + i, 1, 50);
        }
        g.addSegmentAnswers("x".repeat(200), 500, 50);
        var segments = window(g).generation().segments();
        assertThat(segments).hasSize(64).extracting(s -> s.segment()).contains("en", "fr", "other")
                .doesNotContain("x".repeat(200));
        assertThat(segments).filteredOn(s -> s.segment().equals("fr")).singleElement().satisfies(s -> {
            assertThat(s.ttftP95Ms().value()).isBetween(600.0, 800.0);
            assertThat(s.acceptanceRate()).isNull();
        });
        assertThat(segments).filteredOn(s -> s.segment().equals("en")).singleElement().satisfies(s -> {
            assertThat(s.ttftP95Ms().value()).isBetween(100.0, 150.0);
            assertThat(s.acceptanceRate().value()).isEqualTo(0.9);
        });
        assertThat(segments).filteredOn(s -> s.segment().equals("other")).singleElement()
                .satisfies(s -> assertThat(s.ttftP95Ms().n()).as("the long name and the junk beyond 63 names")
                        .isEqualTo(500 + 200 - 61));
    }

    @Test
    void withoutGenerationThereIsNoVerdict() {
        WindowMetrics none = WindowMetrics.compute(WindowCounts.empty().addRequests("2xx", 500, 20), SETTINGS, 300, Map.of());
        assertThat(none.generation()).isNull();
        Judgement j = judge(MetricName.ttftP95Ms, null, 500.0, none);
        assertThat(j.state()).isEqualTo(ObjectiveState.InsufficientData);
        assertThat(j.reason()).startsWith("no generation in the window");
    }

    @Test
    void aCanaryWithASlowerFirstTokenIsBreachedAgainstItsBaseline() {
        WindowMetrics baseline = window(GenerationCounts.empty().addAnswers(800, 150, 40, "stop"));
        WindowMetrics canary = window(GenerationCounts.empty().addAnswers(800, 600, 40, "stop"));
        Baseline b = Baseline.of("1 (aaa)", Map.of(), null, baseline.generation().ttftBuckets());
        Judgement slower = ObjectiveJudge.judge(Objective.comparison(MetricName.ttftP95Ms, 100, true), canary, b, 100, 0.95);
        assertThat(slower.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(slower.reason()).contains("slower than the baseline by more than the margin");
        Judgement same = ObjectiveJudge.judge(Objective.comparison(MetricName.ttftP95Ms, 100, true), baseline, b, 100, 0.95);
        assertThat(same.state()).isEqualTo(ObjectiveState.Met);
    }
}

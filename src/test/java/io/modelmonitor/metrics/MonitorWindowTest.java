package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The window a revision is judged on: its own traffic, after its warm-up. */
class MonitorWindowTest {

    private static final long WINDOW = 60_000;

    @Test
    void trafficServedDuringTheWarmUpMovesTheBaselineButIsNotJudged() {
        MonitorWindow window = new MonitorWindow(WINDOW);
        long since = 100_000;
        long judgeFrom = since + 30_000;
        window.advance(reads(10), Set.of("a"), since, "2", WINDOW, judgeFrom);
        window.advance(reads(500), Set.of("a"), since + 10_000, "2", WINDOW, judgeFrom);
        window.advance(reads(900), Set.of("a"), since + 30_000, "2", WINDOW, judgeFrom);

        assertThat(window.hasData()).as("every interval so far began inside the warm-up").isFalse();
        assertThat(window.counts().requests()).isZero();

        window.advance(reads(950), Set.of("a"), since + 40_000, "2", WINDOW, judgeFrom);

        assertThat(window.counts().requests()).as("only what came after the warm-up").isEqualTo(50);
    }

    @Test
    void anIntervalThatSpansTheRevisionChangeBelongsToNeitherRevision() {
        MonitorWindow window = new MonitorWindow(WINDOW);
        window.advance(reads(100), Set.of("a"), 1_000, "1", WINDOW, 0);
        window.advance(reads(200), Set.of("a"), 2_000, "1", WINDOW, 0);
        assertThat(window.counts().requests()).isEqualTo(100);

        boolean restarted = window.advance(reads(260), Set.of("a"), 3_000, "2", WINDOW, 3_000);

        assertThat(restarted).isTrue();
        assertThat(window.counts().requests()).as("old and new revision mixed: not counted").isZero();
        window.advance(reads(300), Set.of("a"), 4_000, "2", WINDOW, 3_000);
        assertThat(window.counts().requests()).isEqualTo(40);
    }

    private static List<CollectorSnapshot> reads(long requests) {
        return List.of(WindowMetricsTest.snapshot("a", "i1", 0, Map.of("2xx", requests), WindowMetricsTest.bucket(5, requests)));
    }
}

package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CounterGrowthTest {

    @Test
    void growthIsTheLastSampleMinusTheStartWhenNothingRestarted() {
        assertThat(CounterGrowth.of(10, 12, 15, 15, 30)).isEqualTo(20);
        assertThat(CounterGrowth.of(10)).as("no sample in the window").isZero();
    }

    @Test
    void aSeriesBornInTheWindowCountsFromZero() {
        assertThat(CounterGrowth.of(0, 3, 7)).isEqualTo(7);
    }

    @Test
    void aRestartKeepsWhatWasCountedBeforeAndAfterIt() {
        // 100 -> 140 (40), restart, 0 -> 25 (25), then 25 -> 60 (35)
        assertThat(CounterGrowth.of(100, 140, 25, 60)).isEqualTo(100);
        // The restarted counter climbs past its old value before the first scrape after the restart: the drop is
        // invisible (as for Prometheus); the growth is then undercounted, never overcounted.
        assertThat(CounterGrowth.of(100, 140, 150)).isEqualTo(50);
    }
}

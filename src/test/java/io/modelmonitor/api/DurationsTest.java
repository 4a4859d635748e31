package io.modelmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.Durations;

class DurationsTest {

    @Test
    void parsesTheDurationsKubernetesUsersWrite() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void rejectsWhatIsNotAPositiveDuration() {
        assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("'5' is not a duration");
        assertThatThrownBy(() -> Durations.parse("5 m")).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> Durations.parse("0s")).hasMessageContaining("longer than zero");
        assertThatThrownBy(() -> Durations.parse(null)).hasMessageContaining("is not a duration");
        // 2^64 - 1 ms used to wrap to -1 ms, a negative TTL that every later check took for a valid one.
        assertThatThrownBy(() -> Durations.parse("18446744073709551615ms")).hasMessageContaining("longer than the longest");
        assertThatThrownBy(() -> Durations.parse("8761h")).hasMessageContaining("longer than the longest");
        assertThat(Durations.parse("8760h")).isEqualTo(Durations.MAX);
    }

    @Test
    void zeroIsAllowedWhereItMeansNone() {
        assertThat(Durations.parseAllowingZero("0s")).isZero();
        assertThat(Durations.parseAllowingZero("0ms")).isZero();
        assertThat(Durations.parseAllowingZero("0.0m")).isZero();
        assertThat(Durations.parseAllowingZero("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Durations.parseAllowingZero("none")).hasMessageContaining("is not a duration");
    }

    @Test
    void formatsBackToTheShortestSpelling() {
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.parse(Durations.format(Duration.ofSeconds(45)))).isEqualTo(Duration.ofSeconds(45));
    }
}

package io.modelmonitor.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;

class StatusConditionsTest {

    @Test
    void lastTransitionTimeMovesOnlyWhenTheStatusFlips() {
        List<Condition> conditions = new ArrayList<>();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        StatusConditions.set(conditions, "Ready", false, "TargetNotFound", "waiting", 1L, t0);
        StatusConditions.set(conditions, "Ready", false, "RolloutInProgress", "1 of 2", 2L, t0.plusSeconds(60));
        assertThat(conditions).singleElement().satisfies(c -> {
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(c.getReason()).isEqualTo("RolloutInProgress");
            assertThat(c.getObservedGeneration()).isEqualTo(2L);
        });

        StatusConditions.set(conditions, "Ready", true, "Monitoring", "ok", 2L, t0.plusSeconds(120));
        assertThat(conditions.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:02:00Z");
        assertThat(StatusConditions.isTrue(conditions, "Ready")).isTrue();
        assertThat(StatusConditions.isTrue(conditions, "Degraded")).isFalse();
    }
}

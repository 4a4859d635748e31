package io.modelmonitor.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The budget's arithmetic, its windows, and the history that carries it across operator restarts. */
class ErrorBudgetTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void theBudgetLeftIsTheBreachedEvaluationsAgainstThoseTheTargetAllows() {
        ErrorBudget budget = new ErrorBudget(0.99, 28);
        assertThat(budget.remaining()).as("nothing judged: nothing spent").isEqualTo(1);
        for (int i = 0; i < 1000; i++) {
            budget.record(T0.plusSeconds(30L * i), i % 200 != 0); // 5 Breached of 1,000: half of the 10 allowed
        }
        assertThat(budget.period()).isEqualTo(new ErrorBudget.Counts(995, 5));
        assertThat(budget.remaining()).isCloseTo(0.5, within(1e-9));
        assertThat(budget.burnRate(ErrorBudget.Window.THREE_DAYS)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void windowsForgetWhatIsOlderThanThem() {
        ErrorBudget budget = new ErrorBudget(0.99, 28);
        budget.record(T0, false);
        budget.advance(T0.plus(Duration.ofMinutes(59)));
        assertThat(budget.counts(ErrorBudget.Window.ONE_HOUR).breached()).isEqualTo(1);
        assertThat(budget.counts(ErrorBudget.Window.FIVE_MINUTES).total()).isZero();
        budget.advance(T0.plus(Duration.ofMinutes(61)));
        assertThat(budget.counts(ErrorBudget.Window.ONE_HOUR).total()).isZero();
        assertThat(budget.counts(ErrorBudget.Window.SIX_HOURS).breached()).isEqualTo(1);
        budget.advance(T0.plus(Duration.ofDays(3)).plus(Duration.ofHours(1)));
        assertThat(budget.counts(ErrorBudget.Window.THREE_DAYS).total()).isZero();
        assertThat(budget.period().breached()).as("still in the 28 days").isEqualTo(1);
        budget.advance(T0.plus(Duration.ofDays(28)));
        assertThat(budget.period().total()).isZero();
        budget.advance(T0);
        assertThat(budget.period().total()).as("the clock never runs backwards").isZero();
    }

    @Test
    void aFewBreachedEvaluationsOfANewMonitorAreNotABurn() {
        ErrorBudget budget = new ErrorBudget(0.99, 28);
        budget.record(T0, false);
        assertThat(budget.burnRate(ErrorBudget.Window.ONE_HOUR)).isCloseTo(100, within(1e-9));
        assertThat(budget.alert()).as("1 of 1 happens once in a hundred at the allowed rate").isEqualTo(ErrorBudget.Alert.None);
        for (int i = 1; i < 4; i++) {
            budget.record(T0.plusSeconds(30L * i), false);
        }
        assertThat(budget.alert()).as("4 of 4: once in 10^8").isEqualTo(ErrorBudget.Alert.Page);
    }

    @Test
    void theHistorySurvivesARestartThroughStatusAndBadHistoryCostsOnlyTheHistory() {
        ErrorBudget budget = new ErrorBudget(0.99, 28);
        for (int i = 0; i < 5000; i++) {
            budget.record(T0.plusSeconds(60L * i), i % 7 != 0);
        }
        String history = budget.encode();
        assertThat(history.length()).as("bounded: 258 buckets").isLessThan(258 * 12);
        ErrorBudget restored = ErrorBudget.decode(history, 0.99, 28);
        for (ErrorBudget.Window w : ErrorBudget.Window.values()) {
            assertThat(restored.counts(w)).as(w.label).isEqualTo(budget.counts(w));
        }
        assertThat(restored.remaining()).isEqualTo(budget.remaining());
        assertThat(restored.alert()).isEqualTo(budget.alert()).isEqualTo(ErrorBudget.Alert.Page);
        assertThat(restored.encode()).isEqualTo(history);

        for (String bad : new String[] {"garbage", "1;2;3", history.replaceFirst("\\d+\\.\\d+", "-1.0"),
                history.replaceFirst(",", ""), "9".repeat(30) + history.substring(history.indexOf(';'))}) {
            ErrorBudget fresh = ErrorBudget.decode(bad, 0.99, 28);
            assertThat(fresh.period().total()).as(bad.length() > 40 ? bad.substring(0, 40) : bad).isZero();
        }
    }

    @Test
    void aTargetOrPeriodOutsideWhatTheSchemaAllowsIsRefused() {
        assertThatThrownBy(() -> new ErrorBudget(1.0, 28)).hasMessageContaining("target");
        assertThatThrownBy(() -> new ErrorBudget(0.99, 91)).hasMessageContaining("period must be 1 to 90 days");
    }
}

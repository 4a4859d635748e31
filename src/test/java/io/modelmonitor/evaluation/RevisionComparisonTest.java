package io.modelmonitor.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.ObjectiveState;

class RevisionComparisonTest {

    /** Newcombe (1998), Table II, 56/70 - 48/80 by method 10: 0.0524 to 0.3339. */
    @Test
    void aBetterNewRevisionIsMetAndAWorseOneBreached() {
        RevisionComparison.Result better = RevisionComparison.judge("accuracy", 56, 70, 48, 80, true, 0.02, 0.95, 50);
        assertThat(better.state()).isEqualTo(ObjectiveState.Met);
        assertThat(better.difference().value()).isCloseTo(0.2, within(1e-12));
        assertThat(better.difference().lower()).isCloseTo(0.0524, within(1e-4));
        assertThat(better.reason()).contains("not worse than the baseline by more than the margin");

        RevisionComparison.Result worse = RevisionComparison.judge("accuracy", 48, 80, 56, 70, true, 0.02, 0.95, 50);
        assertThat(worse.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(worse.difference().upper()).isCloseTo(-0.0524, within(1e-4));
        assertThat(worse.reason()).contains("lies below -0.0200 with 95.0% confidence");
    }

    @Test
    void anEqualModelOnFewLabelsIsUndecidedAndOnManyMet() {
        assertThat(RevisionComparison.judge("accuracy", 45, 50, 45, 50, true, 0.02, 0.95, 50).state())
                .isEqualTo(ObjectiveState.InsufficientData);
        assertThat(RevisionComparison.judge("accuracy", 9_000, 10_000, 9_000, 10_000, true, 0.02, 0.95, 50).state())
                .isEqualTo(ObjectiveState.Met);
    }

    @Test
    void belowMinSamplesOnEitherSideNothingIsJudged() {
        RevisionComparison.Result thin = RevisionComparison.judge("accuracy", 10, 40, 900, 1000, true, 0.02, 0.95, 50);
        assertThat(thin.state()).isEqualTo(ObjectiveState.InsufficientData);
        assertThat(thin.difference()).isNull();
        assertThat(thin.reason()).isEqualTo("accuracy: 40 labels on the new revision and 1000 on the baseline, 50 needed on each");
    }

    @Test
    void whereLowerIsBetterTheSignsTurn() {
        assertThat(RevisionComparison.judge("errorRate", 10, 5_000, 10, 5_000, false, 0.01, 0.95, 50).state())
                .isEqualTo(ObjectiveState.Met);
        RevisionComparison.Result failing = RevisionComparison.judge("errorRate", 200, 2_000, 20, 2_000, false, 0.01, 0.95, 50);
        assertThat(failing.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(failing.reason()).contains("lies above +0.0100");
    }
}

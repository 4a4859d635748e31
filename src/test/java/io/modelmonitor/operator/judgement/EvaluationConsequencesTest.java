package io.modelmonitor.operator.judgement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;

/** What a Healthy verdict records about the revision it was given on. */
class EvaluationConsequencesTest {

    @Test
    void aRevisionSeenHealthyAfterItsOwnBreachBecomesARestorableKnownGood() {
        ModelMonitorStatus status = new ModelMonitorStatus();
        // Its cold start breached latency before any revision had been Healthy: nothing to roll back to, so it ran on.
        status.setBreachedTemplateHashes(List.of("66bdbc99c5", "5d8f7c9b44"));

        EvaluationConsequences.knownGood(status, "66bdbc99c5");

        assertThat(status.getLastKnownGoodTemplateHash()).isEqualTo("66bdbc99c5");
        assertThat(status.getBreachedTemplateHashes()).containsExactly("5d8f7c9b44");
    }

    @Test
    void aHealthyRevisionThatNeverBreachedLeavesTheBreachedListAlone() {
        ModelMonitorStatus status = new ModelMonitorStatus();
        status.setBreachedTemplateHashes(List.of("5d8f7c9b44"));

        EvaluationConsequences.knownGood(status, "66bdbc99c5");

        assertThat(status.getBreachedTemplateHashes()).containsExactly("5d8f7c9b44");
    }
}

package io.modelmonitor.operator.verdictapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.testsupport.Fixtures;

/** What a rollout tool is told, from the monitor's status: nothing but a confirmed breach fails a revision. */
class RevisionVerdictTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    private static ModelMonitor monitor(Phase phase, String judgedHash, Instant evaluated) {
        ModelMonitor mm = Fixtures.monitor("ml", "fraud", "fraud");
        mm.getSpec().getEvaluation().setInterval("30s");
        ModelMonitorStatus status = new ModelMonitorStatus();
        status.setPhase(phase);
        status.setJudgedTemplateHash(judgedHash);
        status.setTargetRevision(7L);
        status.setLastEvaluationTime(evaluated == null ? null : evaluated.toString());
        mm.setStatus(status);
        return mm;
    }

    @Test
    void onlyAHealthyJudgementOfThatVeryRevisionIsSuccessful() {
        RevisionVerdict healthy = RevisionVerdict.of(monitor(Phase.Healthy, "abc", NOW), "newest", NOW);
        assertThat(healthy.result()).isEqualTo("Successful");
        assertThat(healthy.revision()).isEqualTo("abc");
        assertThat(healthy.revisionNumber()).isEqualTo(7L);
        assertThat(healthy.gateStatus(false)).isEqualTo(200);
        assertThat(RevisionVerdict.of(monitor(Phase.Healthy, "abc", NOW), "abc", NOW).result()).isEqualTo("Successful");

        RevisionVerdict other = RevisionVerdict.of(monitor(Phase.Healthy, "abc", NOW), "def", NOW);
        assertThat(other.result()).isEqualTo("Inconclusive");
        assertThat(other.reason()).isEqualTo("revision def is not the one being judged; the newest is abc");
        assertThat(other.objectives()).as("no figures of another revision").isNull();
    }

    @Test
    void thinDataStaleJudgementsAndUnknownRevisionsAreInconclusiveNeverFailed() {
        for (Phase phase : List.of(Phase.Collecting, Phase.InsufficientData, Phase.Breaching, Phase.Pending, Phase.Invalid)) {
            RevisionVerdict v = RevisionVerdict.of(monitor(phase, "abc", NOW), null, NOW);
            assertThat(v.result()).as(phase.name()).isEqualTo("Inconclusive");
            assertThat(v.gateStatus(false)).isEqualTo(503);
            assertThat(v.gateStatus(true)).as("inconclusive=pass").isEqualTo(200);
        }
        RevisionVerdict stale = RevisionVerdict.of(monitor(Phase.Healthy, "abc", NOW.minusSeconds(120)), null, NOW);
        assertThat(stale.result()).isEqualTo("Inconclusive");
        assertThat(stale.reason()).contains("more than 3 intervals old");
        assertThat(RevisionVerdict.of(monitor(Phase.Healthy, "abc", NOW.minusSeconds(90)), null, NOW).result())
                .as("three intervals and a little slack").isEqualTo("Successful");
        assertThat(RevisionVerdict.of(monitor(Phase.Healthy, null, NOW), null, NOW).result()).isEqualTo("Inconclusive");
        assertThat(RevisionVerdict.of(monitor(Phase.Healthy, "abc", null), null, NOW).reason()).isEqualTo("not evaluated yet");
    }

    @Test
    void aConfirmedBreachOrARevisionAlreadyFoundBreachedFails() {
        ModelMonitor breached = monitor(Phase.Breached, "abc", NOW);
        StatusConditions.set(breached.getStatus().getConditions(), StatusConditions.DEGRADED, true, "ObjectiveBreached",
                "accuracy 0.8 lies below 0.9 for 2 evaluations in a row", 1L, NOW);
        RevisionVerdict failed = RevisionVerdict.of(breached, "abc", NOW);
        assertThat(failed.result()).isEqualTo("Failed");
        assertThat(failed.reason()).isEqualTo("accuracy 0.8 lies below 0.9 for 2 evaluations in a row");
        assertThat(failed.gateStatus(true)).isEqualTo(412);

        ModelMonitor rolledBack = monitor(Phase.RolledBack, "abc", NOW);
        rolledBack.getStatus().setBreachedTemplateHashes(List.of("bad"));
        assertThat(RevisionVerdict.of(rolledBack, "bad", NOW).result()).isEqualTo("Failed");
        assertThat(RevisionVerdict.of(rolledBack, "newest", NOW).result()).as("the restored one, not judged Healthy yet")
                .isEqualTo("Inconclusive");
    }
}

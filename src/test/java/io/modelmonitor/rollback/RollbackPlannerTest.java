package io.modelmonitor.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.RollbackTarget;
import io.modelmonitor.rollback.RollbackPlanner.CoolingDown;
import io.modelmonitor.rollback.RollbackPlanner.Exhausted;
import io.modelmonitor.rollback.RollbackPlanner.History;
import io.modelmonitor.rollback.RollbackPlanner.Plan;
import io.modelmonitor.rollback.RollbackPlanner.Revision;
import io.modelmonitor.rollback.RollbackPlanner.RollTo;

class RollbackPlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final Duration COOLDOWN = Duration.ofMinutes(10);
    private static final Revision V1 = new Revision(1, "aaa");
    private static final Revision V2 = new Revision(2, "bbb");
    private static final Revision V3 = new Revision(3, "ccc");
    private static final List<Revision> ALL = List.of(V1, V2, V3);

    private static History knownGood(String hash) {
        return new History(hash, Set.of(), null, null);
    }

    private static Plan plan(RollbackTarget to, History history) {
        return RollbackPlanner.plan(to, COOLDOWN, V3, ALL, history, NOW);
    }

    @Test
    void aBreachRollsBackToTheLastKnownGoodRevision() {
        assertThat(plan(RollbackTarget.lastKnownGood, knownGood("aaa"))).isEqualTo(new RollTo(V3, V1));
    }

    @Test
    void whenItsControllerCanGoBackToOneRevisionOnlyThatOneIsChosenWhateverRollbackToSays() {
        Optional<Revision> stable = Optional.of(V1);
        assertThat(RollbackPlanner.plan(RollbackTarget.previousRevision, COOLDOWN, V3, ALL, knownGood("bbb"), NOW, stable))
                .isEqualTo(new RollTo(V3, V1));
        assertThat(RollbackPlanner.plan(RollbackTarget.lastKnownGood, COOLDOWN, V3, ALL,
                new History("aaa", Set.of("aaa"), null, null), NOW, stable))
                .isInstanceOfSatisfying(Exhausted.class, e -> assertThat(e.why()).contains("has breached too"));
        assertThat(RollbackPlanner.plan(RollbackTarget.lastKnownGood, COOLDOWN, V3, ALL,
                new History("aaa", Set.of(), NOW.minusSeconds(60), "aaa"), NOW, stable))
                .as("the cooldown still holds").isInstanceOf(CoolingDown.class);
    }

    @Test
    void previousRevisionPicksTheNewestEarlierOneThatHasNotBreached() {
        assertThat(plan(RollbackTarget.previousRevision, knownGood("aaa"))).isEqualTo(new RollTo(V3, V2));
        assertThat(plan(RollbackTarget.previousRevision, new History(null, Set.of("bbb"), null, null)))
                .isEqualTo(new RollTo(V3, V1));
    }

    @Test
    void withoutARevisionEverSeenHealthyThereIsNothingToRestore() {
        assertThat(plan(RollbackTarget.lastKnownGood, knownGood(null))).isInstanceOfSatisfying(Exhausted.class,
                e -> assertThat(e.why()).contains("no revision has been seen Healthy yet"));
    }

    @Test
    void aKnownGoodRevisionThatBreachedSinceIsNotRestored() {
        assertThat(plan(RollbackTarget.lastKnownGood, new History("aaa", Set.of("aaa"), null, null)))
                .isInstanceOfSatisfying(Exhausted.class, e -> assertThat(e.why()).contains("gone or breached"));
    }

    @Test
    void aKnownGoodRevisionWhoseReplicaSetIsGoneIsNotRestored() {
        assertThat(RollbackPlanner.plan(RollbackTarget.lastKnownGood, COOLDOWN, V3, List.of(V2, V3), knownGood("aaa"), NOW))
                .isInstanceOf(Exhausted.class);
    }

    @Test
    void theOldestRevisionHasNoPreviousOne() {
        assertThat(RollbackPlanner.plan(RollbackTarget.previousRevision, COOLDOWN, V1, ALL, knownGood(null), NOW))
                .isInstanceOfSatisfying(Exhausted.class, e -> assertThat(e.why()).contains("no earlier revision than 1"));
    }

    @Test
    void withinTheCooldownOfTheLastRollbackItWaitsUntilTheCooldownEnds() {
        Instant last = NOW.minus(Duration.ofMinutes(4));
        History history = new History("aaa", Set.of(), last, "zzz");

        assertThat(plan(RollbackTarget.lastKnownGood, history)).isEqualTo(new CoolingDown(last.plus(COOLDOWN)));
    }

    @Test
    void onceTheCooldownHasPassedItRollsBackAgain() {
        History history = new History("aaa", Set.of(), NOW.minus(COOLDOWN), "zzz");

        assertThat(plan(RollbackTarget.lastKnownGood, history)).isEqualTo(new RollTo(V3, V1));
    }

    @Test
    void whenTheRevisionWeRestoredBreachesTooItStopsRatherThanFlapping() {
        History history = new History("aaa", Set.of(), NOW.minus(Duration.ofHours(1)), "ccc");

        assertThat(plan(RollbackTarget.lastKnownGood, history)).isInstanceOfSatisfying(Exhausted.class,
                e -> assertThat(e.why()).isEqualTo("revision 3 was restored by the last rollback and breaches too"));
    }

    @Test
    void theCurrentRevisionIsNeverItsOwnTarget() {
        assertThat(plan(RollbackTarget.lastKnownGood, knownGood("ccc"))).isInstanceOf(Exhausted.class);
    }
}

package io.modelmonitor.rollback;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.modelmonitor.api.v1alpha1.RollbackTarget;

/**
 * Decides what to do about a confirmed breach. Revisions are identified by their pod template hash, because a
 * rollback renumbers the restored revision (it becomes the newest). The rules, in order:
 * <ol>
 * <li>the breaching revision is one we restored: the rollback did not help, do not act again (exhausted);</li>
 * <li>within the cooldown of the last rollback: wait;</li>
 * <li>restore the last known-good revision (or the newest earlier one, per {@code rollback.to}), never one that
 * itself breached; none left: exhausted.</li>
 * </ol>
 */
public final class RollbackPlanner {

    /** A revision the Deployment has had: its number and its template's identity. */
    public record Revision(long number, String templateHash) {
    }

    /** What to do. */
    public sealed interface Plan {
    }

    public record RollTo(Revision from, Revision to) implements Plan {
    }

    public record Exhausted(String why) implements Plan {
    }

    public record CoolingDown(Instant until) implements Plan {
    }

    /** What the planner knows about the monitor's history. */
    public record History(String lastKnownGoodHash, Set<String> breachedHashes, Instant lastRollbackTime,
            String lastRollbackToHash) {
    }

    private RollbackPlanner() {
    }

    public static Plan plan(RollbackTarget to, Duration cooldown, Revision current, List<Revision> revisions, History history,
            Instant now) {
        return plan(to, cooldown, current, revisions, history, now, Optional.empty());
    }

    /**
     * The same rules, when the target's own controller can go back to one revision only (an Argo Rollout aborted
     * returns to its stable revision): that one, unless it breached too; {@code rollback.to} does not choose.
     */
    public static Plan plan(RollbackTarget to, Duration cooldown, Revision current, List<Revision> revisions, History history,
            Instant now, Optional<Revision> only) {
        if (current.templateHash().equals(history.lastRollbackToHash())) {
            return new Exhausted("revision " + current.number() + " was restored by the last rollback and breaches too");
        }
        if (history.lastRollbackTime() != null && now.isBefore(history.lastRollbackTime().plus(cooldown))) {
            return new CoolingDown(history.lastRollbackTime().plus(cooldown));
        }
        List<Revision> candidates = revisions.stream()
                .filter(r -> !r.templateHash().equals(current.templateHash()))
                .filter(r -> !history.breachedHashes().contains(r.templateHash()))
                .toList();
        Optional<Revision> target;
        if (only.isPresent()) {
            if (history.breachedHashes().contains(only.get().templateHash())) {
                return new Exhausted("the only revision its controller can go back to, " + only.get().number()
                        + ", has breached too");
            }
            return new RollTo(current, only.get());
        }
        if (to == RollbackTarget.previousRevision) {
            target = candidates.stream().filter(r -> r.number() < current.number())
                    .max(Comparator.comparingLong(Revision::number));
            if (target.isEmpty()) {
                return new Exhausted("no earlier revision than " + current.number() + " that has not breached");
            }
        } else {
            target = candidates.stream().filter(r -> r.templateHash().equals(history.lastKnownGoodHash())).findFirst();
            if (target.isEmpty()) {
                return new Exhausted(history.lastKnownGoodHash() == null
                        ? "no revision has been seen Healthy yet, so there is no known-good revision"
                        : "the known-good revision (template " + history.lastKnownGoodHash() + ") is gone or breached");
            }
        }
        return new RollTo(current, target.get());
    }
}

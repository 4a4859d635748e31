package io.modelmonitor.operator.target;

import java.util.Optional;

/**
 * A capability of kinds whose own controller can go back when asked (Argo Rollouts aborts an update in progress,
 * KServe sends a canary's traffic back): the operator asks instead of restoring a template.
 */
public interface RollsBackItself {

    /**
     * The rollback its own controller does from this revision, when it has one now (Argo Rollouts: abort, while an
     * update is in progress). Empty: the operator restores an earlier revision's pod template itself.
     */
    Optional<ControllerRollback> controllerRollback(String fromHash);

    /** The target's own rollback from this revision; empty for a kind without one. */
    static Optional<ControllerRollback> of(Target target, String fromHash) {
        return target instanceof RollsBackItself kind ? kind.controllerRollback(fromHash) : Optional.empty();
    }
}

package io.modelmonitor.operator;

import io.modelmonitor.rollback.RollbackPlanner;

/**
 * A rollback that a target's own controller carries out when asked, instead of the operator restoring a template:
 * Argo Rollouts aborts an update in progress and serves its stable revision again. The operator asks, then follows.
 */
interface ControllerRollback {

    /** The revision its controller goes back to (the only one it can). */
    RollbackPlanner.Revision to();

    /** What is asked of it, for status and Events ("abort its update"). */
    String action();

    /** Whether the request is on the object already. */
    boolean asked();

    /** Puts the request on the object; asking twice is harmless. */
    void ask();

    /** Whether its controller has done it: it says so, and the pods of the revision gone back to are ready. */
    boolean done();
}

package io.modelmonitor.operator.target;

import io.modelmonitor.api.v1alpha1.RollbackMethod;
import io.modelmonitor.rollback.RollbackPlanner;

/**
 * A rollback that a target's own controller carries out when asked, instead of the operator restoring a template:
 * Argo Rollouts aborts an update in progress and serves its stable revision again; KServe sends a canary's traffic
 * back to its predictor. The operator asks, then follows.
 */
public interface ControllerRollback {

    /** The revision its controller goes back to (the only one it can). */
    RollbackPlanner.Revision to();

    /** How it goes back, as the rollback record says. */
    RollbackMethod method();

    /** What is asked of it, for status and Events ("abort its update"). */
    String action();

    /** What it did, once done, for status and Events ("Rollout churn aborted its update"). */
    String result();

    /** Whether the request is on the object already. */
    boolean asked();

    /** Puts the request on the object; asking twice is harmless. */
    void ask();

    /** Whether its controller has done it: it says so, and the pods of the revision gone back to are ready. */
    boolean done();
}

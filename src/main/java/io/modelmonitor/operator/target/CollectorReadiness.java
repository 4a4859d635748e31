package io.modelmonitor.operator.target;

import io.modelmonitor.operator.status.Reason;

/**
 * How many of the target's pods run the current template (with the current collector) and are ready, as its
 * controller reports them; each {@link Target} reads it from its own status.
 */
public record CollectorReadiness(int expected, int ready, boolean rolledOut) {

    public boolean allReady() {
        return expected > 0 && rolledOut && ready >= expected;
    }

    public Reason reason() {
        if (expected == 0) {
            return Reason.SCALED_TO_ZERO;
        }
        return allReady() ? Reason.COLLECTORS_READY : Reason.ROLLOUT_IN_PROGRESS;
    }

    public String message() {
        if (expected == 0) {
            return "the target is scaled to zero; no collector runs";
        }
        return ready + " of " + expected + " collectors ready" + (rolledOut ? "" : "; rollout of the collector in progress");
    }

    /** What a monitor judges once set up on these pods of the named target. */
    public String judging(String target) {
        return allReady() ? "collectors are ready on all " + expected + " pods of " + target
                : "judging the " + ready + " of " + expected + " pods of " + target + " whose collectors are ready";
    }
}

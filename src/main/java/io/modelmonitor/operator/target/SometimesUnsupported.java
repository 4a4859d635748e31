package io.modelmonitor.operator.target;

import java.util.Optional;

/** A capability of kinds of which some objects cannot be monitored (a Rollout without a template of its own). */
public interface SometimesUnsupported {

    /** Why this object cannot be monitored although its kind can. */
    Optional<String> unsupported();

    /** Why the target cannot be monitored, if it cannot; every object of the other kinds can. */
    static Optional<String> of(Target target) {
        return target instanceof SometimesUnsupported kind ? kind.unsupported() : Optional.empty();
    }
}

package io.modelmonitor.operator.status;

import io.modelmonitor.api.v1alpha1.Phase;

/** Why a monitor cannot go on for now: the phase it is left in, the reason and the message Ready gives. */
public record Blocked(Phase phase, Reason reason, String message) {
}

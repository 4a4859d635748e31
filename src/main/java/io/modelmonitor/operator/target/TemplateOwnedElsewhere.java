package io.modelmonitor.operator.target;

import java.util.Optional;

/**
 * A capability of kinds whose pods another controller makes from its own spec (KServe makes an InferenceService's
 * Deployments): the operator cannot restore an earlier template there, and cannot annotate the object, since
 * KServe copies its annotations onto the predictor's pods and a write would roll them.
 */
public interface TemplateOwnedElsewhere {

    /** Why the operator cannot restore an earlier revision's pod template itself: then only its controller goes back. */
    String noTemplateRollback();

    /** Why an earlier template cannot be restored on the target, if it cannot. */
    static Optional<String> noTemplateRollback(Target target) {
        return target instanceof TemplateOwnedElsewhere kind ? Optional.of(kind.noTemplateRollback()) : Optional.empty();
    }

    /** Whether the monitor's annotations (claim, rollback intent) can be written on it without restarting its pods. */
    static boolean takesAnnotations(Target target) {
        return !(target instanceof TemplateOwnedElsewhere);
    }
}

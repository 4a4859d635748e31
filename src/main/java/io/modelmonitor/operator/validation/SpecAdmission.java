package io.modelmonitor.operator.validation;

import java.util.List;
import java.util.Optional;

import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.operator.config.OperatorConfig;
import io.modelmonitor.operator.status.Blocked;
import io.modelmonitor.operator.status.Reason;

/** The first step of every reconcile: whether this operator can and may act on the spec as written. */
public final class SpecAdmission {

    private SpecAdmission() {
    }

    /** Why the spec stops the monitor (Phase Invalid), if it does. */
    public static Optional<Blocked> problem(ModelMonitor monitor, OperatorConfig.Collector collector) {
        if (monitor.getSpec().unreadable() != null) {
            return invalid(Reason.INVALID_SPEC, "the stored spec cannot be read by this operator ("
                    + monitor.getSpec().unreadable() + "); other monitors are not affected. Correct it with kubectl "
                    + "edit, or delete and re-create the monitor: the CRD now refuses such a value");
        }
        List<String> problems = SpecValidator.validate(monitor.getSpec());
        if (!problems.isEmpty()) {
            return invalid(Reason.INVALID_SPEC, SpecValidator.summary(problems));
        }
        return AuthorLimits.imageProblem(monitor.getSpec().getCollector() == null ? null
                : monitor.getSpec().getCollector().getImage(), collector.image(), collector.allowed())
                .flatMap(image -> invalid(Reason.NOT_ALLOWED, image));
    }

    private static Optional<Blocked> invalid(Reason reason, String message) {
        return Optional.of(new Blocked(Phase.Invalid, reason, message));
    }
}

package io.modelmonitor.operator.target;

import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.RollbackMethod;
import io.modelmonitor.api.v1alpha1.RollbackRecord;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.status.Blocked;
import io.modelmonitor.operator.status.Reason;

/**
 * What one reconcile sees of a monitor's target, read once before anything is changed: whether the monitor can take
 * it on, whether it runs the collector the monitor wants, how ready its pods are, and the rollback in flight. The
 * steps that act read this value; a step that changes the target observes it again.
 */
public record TargetObservation(Target target, Optional<Problem> problem, boolean collectorCurrent, CollectorReadiness readiness,
        Optional<RollbackRecord> rollbackInFlight) {

    private static final Logger LOG = Logger.getLogger(TargetObservation.class);

    /** Why the monitor cannot take the target on: the condition's reason and its message. */
    public record Problem(Reason reason, String message) {
    }

    /** The problem, if any, as what stops set-up: the monitor stays Pending. */
    public Optional<Blocked> blocked() {
        return problem.map(p -> new Blocked(Phase.Pending, p.reason(), p.message()));
    }

    public static TargetObservation of(ModelMonitor monitor, Target target, CollectorSidecar.Desired collector) {
        // With webhook injection the template is the user's own: current when no collector is in it.
        boolean current = monitor.getSpec().getCollector().byWebhook() ? CollectorSidecar.injected(target.template()).isEmpty()
                : !CollectorSidecar.needsInjection(target.template(), collector);
        return new TargetObservation(target, problem(monitor, target, collector.container()), current, target.readiness(),
                TemplateOwnedElsewhere.takesAnnotations(target) ? rollbackIntent(target) : rollbackInStatus(monitor));
    }

    private static Optional<Problem> problem(ModelMonitor monitor, Target target, Container collector) {
        Optional<String> unsupported = SometimesUnsupported.of(target);
        if (unsupported.isPresent()) {
            return Optional.of(new Problem(Reason.TARGET_INCOMPATIBLE, unsupported.get()));
        }
        Optional<String> owner = target.claimedBy().filter(o -> !o.equals(monitor.getMetadata().getName()));
        if (owner.isPresent()) {
            return Optional.of(new Problem(Reason.TARGET_CLAIMED, "claimed by ModelMonitor " + owner.get() + "; a "
                    + target.kind() + " can have only one monitor"));
        }
        String containerName = monitor.getSpec().getTarget().getContainer();
        if (CollectorSidecar.modelContainer(target.template(), containerName).isEmpty()) {
            return Optional.of(new Problem(Reason.TARGET_INCOMPATIBLE, target.kind() + " " + target.name()
                    + " has no container " + (containerName == null ? "besides the collector" : "named " + containerName)));
        }
        return CollectorSidecar.portConflict(target.template(), collector)
                .map(port -> new Problem(Reason.TARGET_INCOMPATIBLE, "port " + port + " of " + target.kind() + " "
                        + target.name() + " is already used by a container; set spec.collector.port/adminPort to free ports"));
    }

    /**
     * A rollback its target's controller was asked for and that status says is in flight, for a target that takes no
     * annotations: status is written after the request, so a crash between the two loses the report, not the action.
     */
    private static Optional<RollbackRecord> rollbackInStatus(ModelMonitor monitor) {
        var status = monitor.getStatus();
        return status == null || status.getPhase() != Phase.RollingBack || status.getLastRollback() == null
                || status.getLastRollback().getMethod() == null
                || status.getLastRollback().getMethod() == RollbackMethod.restoreTemplate ? Optional.empty()
                        : Optional.of(status.getLastRollback());
    }

    /** The rollback recorded on the target before its template was patched (crash-safe intent), if any. */
    private static Optional<RollbackRecord> rollbackIntent(Target target) {
        Optional<String> json = target.annotation(Annotations.ROLLBACK_INTENT);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Serialization.unmarshal(json.get(), RollbackRecord.class));
        } catch (RuntimeException e) {
            LOG.warnf("ignoring unreadable %s on %s %s", Annotations.ROLLBACK_INTENT, target.kind(), target.name());
            return Optional.empty();
        }
    }
}

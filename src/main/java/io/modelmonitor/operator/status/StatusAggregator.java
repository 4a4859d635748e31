package io.modelmonitor.operator.status;

import java.time.Instant;
import java.util.Optional;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;

/** The status being built during one reconciliation, with the shorthands the controller needs. */
public final class StatusAggregator {

    private final ModelMonitorStatus status;
    private final Long generation;
    private final Instant now;

    public StatusAggregator(ModelMonitor monitor, ModelMonitorStatus status, Instant now) {
        this.status = status;
        this.generation = monitor.getMetadata().getGeneration();
        this.now = now;
    }

    /** The state of one reconcile, on a copy of the monitor's stored status (compared with it at the end). */
    public static StatusAggregator begin(ModelMonitor monitor, Instant now) {
        ModelMonitorStatus stored = monitor.getStatus() == null ? new ModelMonitorStatus() : monitor.getStatus();
        return new StatusAggregator(monitor,
                Serialization.unmarshal(Serialization.asJson(stored), ModelMonitorStatus.class), now);
    }

    /** The status built, on the monitor, when it differs from the stored one: only then is status patched. */
    public Optional<ModelMonitor> changed(ModelMonitor monitor) {
        status.setObservedGeneration(generation);
        ModelMonitorStatus stored = monitor.getStatus() == null ? new ModelMonitorStatus() : monitor.getStatus();
        if (Serialization.asJson(stored).equals(Serialization.asJson(status))) {
            return Optional.empty();
        }
        monitor.setStatus(status);
        return Optional.of(monitor);
    }

    /** A reconcile threw: Ready says how, the rest of the status stays as stored. */
    public ModelMonitor failed(ModelMonitor monitor, Exception e) {
        ReconcileFailure failure = ReconcileFailure.of(e);
        condition(StatusConditions.READY, false, failure.reason(), failure.message());
        monitor.setStatus(status);
        return monitor;
    }

    public ModelMonitorStatus status() {
        return status;
    }

    public Instant now() {
        return now;
    }

    public void condition(String type, boolean value, Reason reason, String message) {
        StatusConditions.set(status.getConditions(), type, value, reason.wire(), message, generation, now);
    }

    /** Sets a condition only when the monitor has none of that type yet (later stages own its value). */
    public void defaultCondition(String type, boolean value, Reason reason, String message) {
        if (StatusConditions.find(status.getConditions(), type).isEmpty()) {
            condition(type, value, reason, message);
        }
    }

    /** The monitor cannot monitor: Ready is False, with the phase that says why. */
    public void notReady(Phase phase, Reason reason, String message) {
        status.setPhase(phase);
        condition(StatusConditions.READY, false, reason, message);
    }

    /** Set-up stopped before any collector could run: both Ready and CollectorsReady say why. */
    public void blocked(Phase phase, Reason reason, String message) {
        notReady(phase, reason, message);
        condition(StatusConditions.COLLECTORS_READY, false, reason, message);
    }

    /** True when the condition does not already say this; used to record an Event once per change. */
    public boolean notYet(String type, Reason reason, String message) {
        return StatusConditions.find(status.getConditions(), type)
                .map(c -> !reason.wire().equals(c.getReason()) || !message.equals(c.getMessage()))
                .orElse(true);
    }

    /** Every pod the monitor judges runs a ready collector: the revision they run is the ready one. */
    public void readyRevision(Long revision) {
        status.setUnreadyRevision(null);
        status.setUnreadySince(null);
        status.setReadyRevision(revision);
    }

    /** Set-up is done and the monitor monitors: Ready says on what, and the conditions it has not judged yet start out. */
    public void monitoring(String message) {
        condition(StatusConditions.READY, true, Reason.MONITORING, message);
        if (status.getPhase() == null || status.getPhase() == Phase.Pending || status.getPhase() == Phase.Invalid) {
            status.setPhase(Phase.Collecting);
        }
        defaultCondition(StatusConditions.DEGRADED, false, Reason.NO_BREACH, "no objective is breached");
        defaultCondition(StatusConditions.ROLLED_BACK, false, Reason.NO_ROLLBACK, "no rollback has been performed");
    }
}

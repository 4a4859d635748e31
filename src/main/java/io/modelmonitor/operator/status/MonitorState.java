package io.modelmonitor.operator.status;

import java.time.Instant;

import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;

/** The status being built during one reconciliation, with the shorthands the controller needs. */
public final class MonitorState {

    private final ModelMonitorStatus status;
    private final Long generation;
    private final Instant now;

    public MonitorState(ModelMonitor monitor, ModelMonitorStatus status, Instant now) {
        this.status = status;
        this.generation = monitor.getMetadata().getGeneration();
        this.now = now;
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
}

package io.modelmonitor.operator.judgement;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.evaluation.Judgement;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.operator.status.Announcer;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusAggregator;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.RolloutTrouble;
import io.modelmonitor.operator.target.TargetObservation;

/** Judges a target whose pods are not all ready: a rollout on its way, or a revision that will never be available. */
public final class RolloutJudge {

    /** How often to look while a rollback rolls out. */
    public static final Duration ROLLOUT_POLL = Duration.ofSeconds(2);

    private final Announcer announcer;
    private final RollbackCoordinator rollbacks;

    public RolloutJudge(Announcer announcer, RollbackCoordinator rollbacks) {
        this.announcer = announcer;
        this.rollbacks = rollbacks;
    }

    /** The built-in objective a revision whose pods do not become ready breaches. */
    static final Objective AVAILABILITY = new Objective(MetricName.availability, 1.0, null);

    /**
     * Not all of the target's pods are ready: a scale-up or a rollout in progress (judging goes on with the ready
     * pods: empty is returned), or a revision that will not become ready (its
     * rollout past its deadline, pods crash-looping, or evaluation.readinessTimeout passed). The latter breaches the
     * built-in availability objective, confirmed at once (the deadline is the confirmation), and is rolled back or
     * alerted like any breach.
     */
    public Optional<Duration> judgeUnready(ModelMonitor monitor, TargetObservation seen, CollectorReadiness readiness,
            StatusAggregator state) {
        ModelMonitorStatus status = state.status();
        Long revision = seen.target().revision().orElse(null);
        if (status.getUnreadySince() == null || !Objects.equals(status.getUnreadyRevision(), revision)) {
            status.setUnreadyRevision(revision);
            status.setUnreadySince(state.now().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        if (readiness.expected() == 0) {
            state.notReady(Phase.Pending, readiness.reason(), readiness.message());
            return Optional.of(Durations.parse(monitor.getSpec().getEvaluation().getInterval()));
        }
        Duration timeout = Durations.parse(monitor.getSpec().getEvaluation().getReadinessTimeout());
        Duration waited = Duration.between(Instant.parse(status.getUnreadySince()), state.now());
        // A revision once seen all ready is established: pods of it not ready now are a scale-up or replacements,
        // which the cluster's own capacity may delay; that is not the revision's fault and never rolls it back.
        boolean established = revision != null && revision.equals(status.getReadyRevision());
        RolloutTrouble trouble = established ? RolloutTrouble.NONE : seen.target().trouble();
        String waiting = trouble.waiting().isEmpty() ? "" : "; " + firstFew(trouble.waiting());
        Optional<String> why = trouble.deadlineExceeded().map(d -> "its rollout exceeded its progress deadline (" + d + ")")
                .or(() -> trouble.crashLooping().isEmpty() ? Optional.empty()
                        : Optional.of("its pods crash-loop: " + firstFew(trouble.crashLooping())))
                .or(() -> established || waited.compareTo(timeout) < 0 ? Optional.empty()
                        : Optional.of("its pods are not all ready after " + Durations.format(timeout)
                                + " (evaluation.readinessTimeout): " + readiness.message() + waiting));
        if (why.isEmpty()) {
            // A scale-up or a rollout on its way: judging goes on with the pods that are ready, once traffic passes
            // the collectors (the Service is routed only when all of them first are).
            boolean routed = monitor.getSpec().getTarget().getService() == null || status.getRoutedService() != null;
            if (readiness.ready() > 0 && routed) {
                return Optional.empty();
            }
            state.notReady(Phase.Pending, readiness.reason(), readiness.message() + waiting);
            // Pods start crash-looping without the Deployment changing (no event reaches us): look every interval.
            Duration interval = Durations.parse(monitor.getSpec().getEvaluation().getInterval());
            Duration untilTimeout = timeout.minus(waited);
            return Optional.of(established || untilTimeout.compareTo(interval) >= 0 ? interval
                    : untilTimeout.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : untilTimeout);
        }
        String message = "revision " + revision + " is not available: " + why.get();
        boolean news = StatusConditions.find(status.getConditions(), StatusConditions.DEGRADED)
                .map(c -> !"True".equals(c.getStatus()) || !Reason.REVISION_NOT_READY.wire().equals(c.getReason()))
                .orElse(true);
        if (news) {
            announcer.announce(monitor, Reason.REVISION_NOT_READY, message, state, alert -> alert
                    .phase(Phase.Breached.name()).objective(MetricName.availability.name(), null, AVAILABILITY.bound())
                    .fromRevision(revision));
        }
        state.condition(StatusConditions.DEGRADED, true, Reason.REVISION_NOT_READY, message);
        status.setPhase(Phase.Breached);
        rollbacks.onConfirmedBreach(monitor, seen.target(), state,
                new Judgement(AVAILABILITY, ObjectiveState.Breached, null, message), message);
        return Optional.of(ROLLOUT_POLL);
    }

    private static String firstFew(List<String> items) {
        return String.join("; ", items.subList(0, Math.min(3, items.size())))
                + (items.size() > 3 ? "; and " + (items.size() - 3) + " more" : "");
    }
}

package io.modelmonitor.operator;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.modelmonitor.alerting.AlertSender;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.operator.config.OperatorConfig;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.injection.IdKeys;
import io.modelmonitor.operator.judgement.MonitorEvaluator;
import io.modelmonitor.operator.judgement.RollbackCoordinator;
import io.modelmonitor.operator.judgement.RolloutJudge;
import io.modelmonitor.operator.judgement.ScheduledEvaluation;
import io.modelmonitor.operator.judgement.EvaluationConsequences;
import io.modelmonitor.operator.routing.ServiceRouter;
import io.modelmonitor.operator.routing.TargetRelease;
import io.modelmonitor.operator.status.AlertDeliveryReport;
import io.modelmonitor.operator.status.Announcer;
import io.modelmonitor.operator.status.Blocked;
import io.modelmonitor.operator.status.EventRecorder;
import io.modelmonitor.operator.status.StatusAggregator;
import io.modelmonitor.operator.status.OperatorMetrics;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.PodCensus;
import io.modelmonitor.operator.target.TargetObservation;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.operator.validation.SpecAdmission;

/**
 * Sets a monitor up on its target and keeps it monitored, as one pipeline per reconcile: validate the spec, observe
 * the target, act on it (collector, rollback, Service), evaluate, and report each step in status; undoes it all when
 * the monitor is deleted.
 */
// At least one reconcile a minute, even for a monitor waiting on nothing: JOSDK 5.3 can drop a deletion that lands while
// the monitor's status is being patched (the patch's own event is then filtered out), which on a real cluster left a
// monitor in a deleted namespace with its finalizer, and the namespace Terminating, for good.
@ControllerConfiguration(name = ModelMonitorController.NAME,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 60, timeUnit = TimeUnit.SECONDS))
public class ModelMonitorController implements Reconciler<ModelMonitor>, Cleaner<ModelMonitor> {

    public static final String NAME = "modelmonitor";

    /** How often a monitor that cannot go on (Pending, Invalid) is looked at without an event. */
    static final Duration BLOCKED_RECHECK = Duration.ofSeconds(10);

    private final OperatorConfig config;
    private final EventRecorder events;
    private final AlertSender alerts;
    private final Clock clock;
    private final TargetWatch targets = new TargetWatch();
    private final CollectorPlacement placement;
    private final CollectorsReport collectorsReport;
    private final RollbackCoordinator rollbacks;
    private final RolloutJudge rollouts;
    private final ScheduledEvaluation evaluation;

    public ModelMonitorController(OperatorConfig config, EventRecorder events, MonitorEvaluator evaluator,
            AlertSender alerts, KubernetesClient client, OperatorMetrics metrics, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.events = events;
        this.alerts = alerts;
        Announcer announcer = new Announcer(events, alerts, metrics, config.alerts());
        this.rollbacks = new RollbackCoordinator(announcer, config);
        this.rollouts = new RolloutJudge(announcer, rollbacks);
        this.evaluation = new ScheduledEvaluation(evaluator, new EvaluationConsequences(announcer, rollbacks, metrics));
        this.placement = new CollectorPlacement(events, config.webhook().admitsPods());
        this.collectorsReport = new CollectorsReport(events);
    }

    @Override
    public List<EventSource<?, ModelMonitor>> prepareEventSources(EventSourceContext<ModelMonitor> context) {
        return targets.eventSources(context);
    }

    @Override
    public UpdateControl<ModelMonitor> reconcile(ModelMonitor monitor, Context<ModelMonitor> context) {
        StatusAggregator state = StatusAggregator.begin(monitor, clock.instant());
        Optional<Duration> next = setUp(monitor, context, state);
        UpdateControl<ModelMonitor> control = state.changed(monitor).map(UpdateControl::patchStatus)
                .orElseGet(UpdateControl::noUpdate);
        return next.map(control::rescheduleAfter).orElse(control);
    }

    /**
     * Sets the monitor up and, once it can, evaluates it; returns when to come back, if time alone should. Each step
     * either stops with a condition that says why, or hands on to the next: valid spec, target found, target
     * observed and acceptable, collector current, no rollback in flight, collectors ready, Service routed.
     */
    private Optional<Duration> setUp(ModelMonitor monitor, Context<ModelMonitor> context, StatusAggregator state) {
        Optional<Blocked> invalid = SpecAdmission.problem(monitor, config.collector());
        if (invalid.isPresent()) {
            return stop(monitor, state, invalid.get());
        }
        KubernetesClient client = context.getClient();
        // spec.target may have changed: a target or Service the monitor no longer names is given back first.
        new TargetRelease(client, events).releaseStale(monitor, state.status());
        TargetWatch.Found found = targets.find(monitor, context, state);
        if (found.blocked().isPresent()) {
            return stop(monitor, state, found.blocked().get());
        }
        CollectorSidecar.Desired collector = CollectorSidecar.desired(monitor, config.collector(),
                Targets.revisionLabel(monitor));
        TargetObservation seen = TargetObservation.of(monitor, found.target().get(), collector);
        Optional<Blocked> blocked = seen.blocked().or(() -> placement.problem(monitor));
        if (blocked.isPresent()) {
            return stop(monitor, state, blocked.get());
        }
        boolean byWebhook = monitor.getSpec().getCollector().byWebhook();
        seen = placement.place(monitor, client, seen, collector);
        state.status().setInjectedDeployment(byWebhook ? null : seen.target().name());
        AlertDeliveryReport.report(alerts, monitor, state);
        boolean rollingBack = rollbacks.followInFlight(monitor, seen, state);
        CollectorReadiness readiness = seen.readiness();
        PodCensus census = byWebhook ? PodCensus.of(client, seen.target(), collector.hash(),
                monitor.getMetadata().getCreationTimestamp()) : null;
        collectorsReport.report(monitor, seen, census, collector, state);
        if (rollingBack) {
            return Optional.of(RolloutJudge.ROLLOUT_POLL);
        }
        if (!readiness.allReady()) {
            Optional<Duration> wait = rollouts.judgeUnready(monitor, seen, readiness, state);
            if (wait.isPresent()) {
                return wait;
            }
        } else {
            state.readyRevision(seen.target().revision().orElse(null));
        }
        Optional<ServiceRouter.Routing> routing = new ServiceRouter(client, events).route(monitor, seen.target(), census,
                state.status().getRoutedService());
        if (routing.isPresent() && !routing.get().report(state)) {
            return Optional.empty();
        }
        state.status().setRoutedService(monitor.getSpec().getTarget().getService());
        state.monitoring(readiness.judging(seen.target().name()));
        Duration due = evaluation.evaluateWhenDue(monitor, seen.target(), state);
        // A rollback decided just now is followed at the rollout pace (one asked of a controller is asked then).
        return Optional.of(state.status().getPhase() == Phase.RollingBack ? RolloutJudge.ROLLOUT_POLL : due);
    }

    /** Set-up cannot go on: Ready and CollectorsReady say why, and an Event does when that is news. */
    private Optional<Duration> stop(ModelMonitor monitor, StatusAggregator state, Blocked blocked) {
        if (state.notYet(StatusConditions.READY, blocked.reason(), blocked.message())) {
            events.record(monitor, blocked.reason(), blocked.message());
        }
        state.blocked(blocked.phase(), blocked.reason(), blocked.message());
        // Looked at again soon, not only on events: JOSDK drops a deletion that lands while it patches this status
        // (quarkiverse/quarkus-operator-sdk#1353), and a namespace being deleted meets exactly such monitors.
        return Optional.of(BLOCKED_RECHECK);
    }

    @Override
    public ErrorStatusUpdateControl<ModelMonitor> updateErrorStatus(ModelMonitor monitor, Context<ModelMonitor> context,
            Exception e) {
        return ErrorStatusUpdateControl.patchStatus(StatusAggregator.begin(monitor, clock.instant()).failed(monitor, e));
    }

    @Override
    public DeleteControl cleanup(ModelMonitor monitor, Context<ModelMonitor> context) {
        String targetName = monitor.getSpec().getTarget() == null ? null : monitor.getSpec().getTarget().getName();
        if (targetName == null) {
            return DeleteControl.defaultDelete();
        }
        evaluation.forget(monitor);
        alerts.forget(monitor);
        IdKeys.forget(monitor);
        new TargetRelease(context.getClient(), events).releaseAll(monitor);
        return DeleteControl.defaultDelete();
    }
}

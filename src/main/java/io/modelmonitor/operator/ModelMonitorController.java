package io.modelmonitor.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modelmonitor.alerting.AlertSender;
import io.modelmonitor.api.v1alpha1.CollectorsStatus;
import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.config.OperatorConfig;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.injection.IdKeys;
import io.modelmonitor.operator.judgement.MonitorEvaluator;
import io.modelmonitor.operator.judgement.RollbackCoordinator;
import io.modelmonitor.operator.judgement.RolloutJudge;
import io.modelmonitor.operator.judgement.StatusMapper;
import io.modelmonitor.operator.judgement.Verdicts;
import io.modelmonitor.operator.routing.ServiceRouter;
import io.modelmonitor.operator.routing.TargetRelease;
import io.modelmonitor.operator.status.Announcer;
import io.modelmonitor.operator.status.EventRecorder;
import io.modelmonitor.operator.status.MonitorState;
import io.modelmonitor.operator.status.OperatorMetrics;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.PodCensus;
import io.modelmonitor.operator.target.TargetObservation;
import io.modelmonitor.operator.target.Workload;
import io.modelmonitor.operator.target.Workloads;
import io.modelmonitor.operator.validation.AuthorLimits;
import io.modelmonitor.operator.validation.SpecValidator;

/**
 * Sets a monitor up on its target: validates the spec, injects the collector, routes the Service once the
 * collectors are ready, and undoes all of it when the monitor is deleted.
 */
// At least one reconcile a minute, even for a monitor waiting on nothing: JOSDK 5.3 can drop a deletion that lands while
// the monitor's status is being patched (the patch's own event is then filtered out), which on a real cluster left a
// monitor in a deleted namespace with its finalizer, and the namespace Terminating, for good.
@ControllerConfiguration(name = ModelMonitorController.NAME,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 60, timeUnit = TimeUnit.SECONDS))
public class ModelMonitorController implements Reconciler<ModelMonitor>, Cleaner<ModelMonitor> {

    public static final String NAME = "modelmonitor";
    private static final Logger LOG = Logger.getLogger(ModelMonitorController.class);
    private static final String TARGET_INDEX = "target";

    private final OperatorConfig config;
    private final EventRecorder events;
    private final MonitorEvaluator evaluator;
    private final AlertSender alerts;
    private final RollbackCoordinator rollbacks;
    private final Verdicts verdicts;
    private final Clock clock;
    private final Announcer announcer;
    private final RolloutJudge rollouts;

    public ModelMonitorController(OperatorConfig config, EventRecorder events, MonitorEvaluator evaluator,
            AlertSender alerts, KubernetesClient client, OperatorMetrics metrics, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.events = events;
        this.evaluator = evaluator;
        this.alerts = alerts;
        this.announcer = new Announcer(events, alerts, metrics);
        this.rollbacks = new RollbackCoordinator(announcer, config);
        this.verdicts = new Verdicts(announcer, rollbacks);
        this.rollouts = new RolloutJudge(announcer, rollbacks);
    }

    /** The target kinds watched, decided once at start (by API discovery). */
    private volatile Set<TargetKind> servedKinds = Set.of();

    /** How often a monitor that cannot go on (Pending, Invalid) is looked at without an event. */
    static final Duration BLOCKED_RECHECK = Duration.ofSeconds(10);


    @Override
    public List<EventSource<?, ModelMonitor>> prepareEventSources(EventSourceContext<ModelMonitor> context) {
        context.getPrimaryCache().addIndexer(TARGET_INDEX, mm -> List.of(targetKey(mm)));
        // Another project's kind is watched only where its CRD is installed: an informer for a resource the API does
        // not serve would never sync, and the operator would not start.
        List<Workloads.Type> served = Workloads.all().stream().filter(type -> type.served(context.getClient())).toList();
        servedKinds = served.stream().map(Workloads.Type::kind).collect(Collectors.toUnmodifiableSet());
        LOG.infof("watching target kinds %s", servedKinds);
        return served.stream().<EventSource<?, ModelMonitor>>map(type -> informer(type, context)).toList();
    }

    /** Watches one kind of target, mapping each object to the monitors that name it. */
    private static <R extends HasMetadata> InformerEventSource<R, ModelMonitor> informer(Workloads.Type type,
            EventSourceContext<ModelMonitor> context) {
        @SuppressWarnings("unchecked")
        Class<R> resource = (Class<R>) type.resource();
        var configuration = InformerEventSourceConfiguration.from(resource, ModelMonitor.class)
                // Targets live beside their monitors: watching only those namespaces lets the chart grant
                // namespaced Roles when watchNamespaces is set.
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper((R target) -> context.getPrimaryCache()
                        .byIndex(TARGET_INDEX, type.kind() + "/" + target.getMetadata().getNamespace() + "/"
                                + target.getMetadata().getName())
                        .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((ModelMonitor mm) -> mm.getSpec().getTarget().getName() == null
                        || Workloads.of(mm.getSpec().getTarget().getKind()) != type ? Set.of()
                        : Set.of(new ResourceID(mm.getSpec().getTarget().getName(), mm.getMetadata().getNamespace())))
                .build();
        return new InformerEventSource<>(configuration, context);
    }

    private static String targetKey(ModelMonitor mm) {
        return Workloads.of(mm.getSpec().getTarget().getKind()).kind() + "/" + mm.getMetadata().getNamespace() + "/"
                + mm.getSpec().getTarget().getName();
    }

    @Override
    public UpdateControl<ModelMonitor> reconcile(ModelMonitor monitor, Context<ModelMonitor> context) {
        ModelMonitorStatus previous = monitor.getStatus() == null ? new ModelMonitorStatus() : monitor.getStatus();
        MonitorState state = new MonitorState(monitor, copy(previous), clock.instant());
        Optional<Duration> next = setUp(monitor, context, state);
        UpdateControl<ModelMonitor> control = finish(monitor, previous, state.status());
        return next.map(control::rescheduleAfter).orElse(control);
    }

    /**
     * Sets the monitor up and, once it can, evaluates it; returns when to come back, if time alone should. Each step
     * either stops with a condition that says why, or hands on to the next: valid spec, target found, target
     * observed and acceptable, collector current, no rollback in flight, collectors ready, Service routed.
     */
    private Optional<Duration> setUp(ModelMonitor monitor, Context<ModelMonitor> context, MonitorState state) {
        if (monitor.getSpec().unreadable() != null) {
            return stop(monitor, state, Phase.Invalid, Reason.INVALID_SPEC, "the stored spec cannot be read by this "
                    + "operator (" + monitor.getSpec().unreadable() + "); other monitors are not affected. Correct it "
                    + "with kubectl edit, or delete and re-create the monitor: the CRD now refuses such a value");
        }
        List<String> problems = SpecValidator.validate(monitor.getSpec());
        if (!problems.isEmpty()) {
            return stop(monitor, state, Phase.Invalid, Reason.INVALID_SPEC, SpecValidator.summary(problems));
        }
        Optional<String> image = AuthorLimits.imageProblem(monitor.getSpec().getCollector() == null ? null
                : monitor.getSpec().getCollector().getImage(), config.collector().image(), config.collector().allowed());
        if (image.isPresent()) {
            return stop(monitor, state, Phase.Invalid, Reason.NOT_ALLOWED, image.get());
        }
        // spec.target may have changed: a target or Service the monitor no longer names is given back first.
        new TargetRelease(context.getClient(), events).releaseStale(monitor, state.status());
        Workloads.Type type = Workloads.of(monitor.getSpec().getTarget().getKind());
        if (!servedKinds.contains(type.kind())) {
            state.status().setCollectors(null);
            return stop(monitor, state, Phase.Pending, Reason.TARGET_NOT_FOUND, "the cluster's API did not serve kind "
                    + type.kind() + " (" + HasMetadata.getApiVersion(type.resource()) + ") when the operator started: "
                    + "install its CRD, then restart the operator");
        }
        Optional<Workload> found = context.getSecondaryResource(type.resource())
                .map(object -> type.of(context.getClient(), object));
        if (found.isEmpty()) {
            state.status().setCollectors(null);
            return stop(monitor, state, Phase.Pending, Reason.TARGET_NOT_FOUND, type.kind() + " "
                    + monitor.getSpec().getTarget().getName() + " not found in namespace "
                    + monitor.getMetadata().getNamespace() + "; waiting for it to be created");
        }
        Optional<ModelMonitor> elder = elderOnSameTarget(monitor, context);
        if (elder.isPresent()) {
            return stop(monitor, state, Phase.Pending, Reason.TARGET_CLAIMED, type.kind() + " " + found.get().name()
                    + " is monitored by ModelMonitor " + elder.get().getMetadata().getName()
                    + ", created earlier; a target can have only one monitor");
        }
        CollectorSidecar.Desired collector = CollectorSidecar.desired(monitor, config.collector(), Workloads.revisionLabel(monitor));
        TargetObservation seen = TargetObservation.of(monitor, found.get(), collector);
        if (seen.problem().isPresent()) {
            return stop(monitor, state, Phase.Pending, seen.problem().get().reason(), seen.problem().get().message());
        }
        boolean byWebhook = monitor.getSpec().getCollector().byWebhook();
        if (byWebhook && !config.webhook().admitsPods()) {
            // Said, not guessed around: taking the collector out of the template now would leave every pod without one.
            return stop(monitor, state, Phase.Pending, Reason.WEBHOOK_DISABLED, "spec.collector.injection is webhook, "
                    + "but this operator serves no admission webhook (chart value webhook.enabled is false), so no pod "
                    + "would get a collector: enable the webhook, or set spec.collector.injection to template");
        }
        if (!seen.collectorCurrent()) {
            seen = TargetObservation.of(monitor, byWebhook ? takeOutOfTemplate(monitor, context.getClient(), seen.target())
                    : inject(monitor, context.getClient(), seen.target(), collector), collector);
        }
        if (byWebhook) {
            // The webhook admits pods with a reference to the key; the reconciler, not the webhook, creates it.
            IdKeys.ensureOnce(context.getClient(), monitor);
        }
        state.status().setInjectedDeployment(byWebhook ? null : seen.target().name());
        reportAlertDelivery(monitor, state);
        boolean rollingBack = rollbacks.followInFlight(monitor, seen, state);
        CollectorReadiness readiness = seen.readiness();
        PodCensus census = byWebhook ? PodCensus.of(context.getClient(), seen.target(), collector.hash(),
                monitor.getMetadata().getCreationTimestamp()) : null;
        reportCollectors(monitor, seen, census, collector, state);
        if (rollingBack) {
            return Optional.of(RolloutJudge.ROLLOUT_POLL);
        }
        if (!readiness.allReady()) {
            Optional<Duration> wait = rollouts.judgeUnready(monitor, seen, readiness, state);
            if (wait.isPresent()) {
                return wait;
            }
        } else {
            state.status().setUnreadyRevision(null);
            state.status().setUnreadySince(null);
            state.status().setReadyRevision(seen.target().revision().orElse(null));
        }
        Optional<ServiceRouter.Routing> routing = route(monitor, context.getClient(), seen.target(), census, state);
        routing.ifPresent(r -> state.condition(StatusConditions.TRAFFIC_ROUTED, r.routed(), r.reason(), r.message()));
        if (routing.isPresent() && !routing.get().routed()) {
            state.condition(StatusConditions.READY, false, routing.get().reason(), routing.get().message());
            state.status().setPhase(Phase.Collecting);
            return Optional.empty();
        }
        state.status().setRoutedService(monitor.getSpec().getTarget().getService());
        state.condition(StatusConditions.READY, true, Reason.MONITORING, readiness.allReady()
                ? "collectors are ready on all " + readiness.expected() + " pods of " + seen.target().name()
                : "judging the " + readiness.ready() + " of " + readiness.expected() + " pods of " + seen.target().name()
                        + " whose collectors are ready");
        if (state.status().getPhase() == null || state.status().getPhase() == Phase.Pending
                || state.status().getPhase() == Phase.Invalid) {
            state.status().setPhase(Phase.Collecting);
        }
        state.defaultCondition(StatusConditions.DEGRADED, false, Reason.NO_BREACH, "no objective is breached");
        state.defaultCondition(StatusConditions.ROLLED_BACK, false, Reason.NO_ROLLBACK, "no rollback has been performed");
        Duration due = evaluateWhenDue(monitor, seen.target(), state);
        // A rollback decided just now is followed at the rollout pace (one asked of a controller is asked then).
        return Optional.of(state.status().getPhase() == Phase.RollingBack ? RolloutJudge.ROLLOUT_POLL : due);
    }

    /**
     * Another monitor, created strictly earlier, that names the same target. The template mode's claim annotation
     * settles it too, but webhook injection writes nothing on the target: without this, a webhook monitor and a
     * template monitor could both take one Deployment.
     */
    private static Optional<ModelMonitor> elderOnSameTarget(ModelMonitor monitor, Context<ModelMonitor> context) {
        String created = monitor.getMetadata().getCreationTimestamp();
        if (created == null) {
            return Optional.empty();
        }
        Instant mine = Instant.parse(created);
        return context.getPrimaryCache().byIndex(TARGET_INDEX, targetKey(monitor)).stream()
                .filter(other -> !other.getMetadata().getName().equals(monitor.getMetadata().getName()))
                // A monitor whose stored spec cannot be read claims nothing.
                .filter(other -> other.getSpec().unreadable() == null)
                .filter(other -> other.getMetadata().getDeletionTimestamp() == null
                        && other.getMetadata().getCreationTimestamp() != null
                        && Instant.parse(other.getMetadata().getCreationTimestamp()).isBefore(mine))
                .min(java.util.Comparator.comparing(other -> other.getMetadata().getCreationTimestamp()));
    }

    /** Set-up cannot go on: Ready and CollectorsReady say why, and an Event does when that is news. */
    private Optional<Duration> stop(ModelMonitor monitor, MonitorState state, Phase phase, Reason reason, String message) {
        if (state.notYet(StatusConditions.READY, reason, message)) {
            events.record(monitor, reason, message);
        }
        state.blocked(phase, reason, message);
        // Looked at again soon, not only on events: JOSDK drops a deletion that lands while it patches this status
        // (quarkiverse/quarkus-operator-sdk#1353), and a namespace being deleted meets exactly such monitors.
        return Optional.of(BLOCKED_RECHECK);
    }

    /** Evaluates when an interval has passed since the last evaluation (or the spec changed); returns the wait. */
    private Duration evaluateWhenDue(ModelMonitor monitor, Workload target, MonitorState state) {
        ModelMonitorStatus status = state.status();
        Duration interval = Durations.parse(monitor.getSpec().getEvaluation().getInterval());
        boolean specChanged = monitor.getStatus() == null
                || !Objects.equals(monitor.getStatus().getObservedGeneration(), monitor.getMetadata().getGeneration());
        if (status.getLastEvaluationTime() != null && !specChanged) {
            Instant due = Instant.parse(status.getLastEvaluationTime()).plus(interval);
            if (state.now().isBefore(due)) {
                return Duration.between(state.now(), due);
            }
        }
        String revision = target.revision().map(String::valueOf).orElse(null);
        MonitorEvaluator.Outcome outcome = evaluator.evaluate(monitor, target, revision, state.now());
        status.setTargetRevision(revision == null ? null : Long.valueOf(revision));
        status.setTargetRevisionSince(outcome.revisionSince().toString());
        status.setMetrics(StatusMapper.metrics(outcome.metrics(), monitor.getSpec().getEvaluation().getWindow()));
        status.setObjectives(StatusMapper.objectives(outcome.evaluation()));
        status.setJudgedTemplateHash(outcome.judgedHash());
        status.setRevisions(StatusMapper.revisions(outcome.serving()));
        status.getCollectors().setReporting(outcome.reporting());
        if (outcome.sourceProblem() != null) {
            state.condition(StatusConditions.METRICS_AVAILABLE, false, Reason.METRICS_UNAVAILABLE, outcome.sourceProblem()
                    + "; objectives are InsufficientData, never Breached, until data comes back");
        } else {
            String message = "metrics read from " + outcome.source() + " (" + outcome.reporting() + " collectors)";
            if (outcome.warmingUp(state.now())) {
                message += "; revision " + revision + " warms up until " + outcome.judgedFrom().truncatedTo(ChronoUnit.SECONDS)
                        + " (evaluation.warmup): its traffic is judged from then";
            }
            state.condition(StatusConditions.METRICS_AVAILABLE, true, Reason.METRICS_READ, message);
        }
        status.setLastEvaluationTime(state.now().truncatedTo(ChronoUnit.SECONDS).toString());
        verdicts.apply(monitor, target, state, outcome, revision);
        return interval;
    }

    /** Alert deliveries happen in the background; their last outcome per receiver is shown here. */
    private void reportAlertDelivery(ModelMonitor monitor, MonitorState state) {
        var deliveries = alerts.deliveries(monitor);
        if (deliveries.isEmpty()) {
            return;
        }
        List<String> failed = deliveries.values().stream().filter(d -> !d.delivered())
                .map(d -> d.alert() + ": " + d.detail()).sorted().toList();
        if (failed.isEmpty()) {
            state.condition(StatusConditions.ALERTS_DELIVERED, true, Reason.ALERTS_DELIVERED,
                    "the last alert reached every receiver (" + String.join(", ", deliveries.keySet().stream().sorted().toList()) + ")");
        } else {
            state.condition(StatusConditions.ALERTS_DELIVERED, false, Reason.ALERT_DELIVERY_FAILED, String.join("; ", failed));
        }
    }

    /** The Service through the collector; with webhook injection, not before every pod has one. */
    private Optional<ServiceRouter.Routing> route(ModelMonitor monitor, KubernetesClient client, Workload target,
            PodCensus census, MonitorState state) {
        String service = monitor.getSpec().getTarget().getService();
        if (census != null && census.withoutCollector() > 0 && service != null && state.status().getRoutedService() == null) {
            // A pod without a collector has no mm-data port: routing now would send all traffic to the others.
            return Optional.of(new ServiceRouter.Routing(false, Reason.SERVICE_NOT_ROUTED, "Service " + service
                    + " is routed through the collector once every pod has one (" + census.withoutCollector()
                    + " run without; " + target.restartCommand() + " gives them one)"));
        }
        return new ServiceRouter(client, events).route(monitor, target);
    }

    /**
     * status.collectors and the CollectorsReady condition: from the template and the target's readiness, or, with
     * webhook injection, from the pods themselves (those without a collector named, with the restart that fixes them).
     */
    private void reportCollectors(ModelMonitor monitor, TargetObservation seen, PodCensus census,
            CollectorSidecar.Desired collector, MonitorState state) {
        CollectorReadiness readiness = seen.readiness();
        // Until the next evaluation reads them, at most the collectors that are ready can be reporting (a scale-down).
        int reporting = state.status().getCollectors() == null ? 0
                : Math.min(state.status().getCollectors().getReporting(), readiness.ready());
        CollectorsStatus collectors = new CollectorsStatus(readiness.expected(),
                census == null ? readiness.ready() : Math.min(readiness.ready(), census.withCollector()), reporting);
        collectors.setWithoutCollector(census == null ? null : census.withoutCollector());
        String image = census != null ? census.image() : CollectorSidecar.injected(seen.target().template())
                .map(Container::getImage).orElse(null);
        collectors.setImage(image);
        collectors.setPendingImage(image == null || image.equals(collector.container().getImage()) ? null
                : collector.container().getImage());
        collectors.setOutdated(census == null ? null : census.outdated());
        state.status().setCollectors(collectors);
        if (census == null || census.withoutCollector() + census.outdated() == 0 || !readiness.allReady()) {
            state.condition(StatusConditions.COLLECTORS_READY, readiness.allReady(), readiness.reason(), readiness.message());
            return;
        }
        Workload target = seen.target();
        String restart = target.restartCommand();
        String ofPods = " of " + census.pods() + " pods of " + target.kind() + " " + target.name();
        Reason reason = census.withoutCollector() > 0 ? Reason.PODS_WITHOUT_COLLECTOR : Reason.COLLECTORS_OUTDATED;
        String message = census.unseen() > 0
                ? census.withoutCollector() + ofPods + " run without the collector, " + census.unseen() + " of them "
                        + "created after this monitor: the webhook did not see them. Label namespace "
                        + target.namespace() + " " + Annotations.INJECTION_LABEL + "=enabled (the webhook's "
                        + "namespaceSelector), or, if it is, the operator was not running when they started; then "
                        + restart + " gives them one"
                : census.withoutCollector() > 0
                ? census.withoutCollector() + ofPods + " run without the collector (created before the monitor, or "
                        + "while the webhook was unavailable); " + restart + " gives them one"
                : census.outdated() + ofPods + " run a collector configured by an older spec of this monitor (they "
                        + "report by it until replaced); " + restart + " gives them the current one";
        if (state.notYet(StatusConditions.COLLECTORS_READY, reason, message)) {
            events.record(monitor, reason, message);
        }
        state.condition(StatusConditions.COLLECTORS_READY, false, reason, message);
    }

    /**
     * Webhook injection: a collector the template mode put into the target's template earlier comes out (pods get
     * theirs at creation now); returns the target as changed.
     */
    private Workload takeOutOfTemplate(ModelMonitor monitor, KubernetesClient client, Workload target) {
        target.removeCollector();
        String message = "took the collector out of " + target.kind() + " " + target.name()
                + "'s pod template: injection is now by webhook, at pod creation";
        LOG.infof("%s/%s: %s", monitor.getMetadata().getNamespace(), monitor.getMetadata().getName(), message);
        events.record(monitor, Reason.SIDECAR_REMOVED, message);
        return Workloads.of(target.kind()).find(client, target.namespace(), target.name()).orElse(target);
    }

    /** Puts the collector the monitor wants into the target; returns the target as changed. */
    private Workload inject(ModelMonitor monitor, KubernetesClient client, Workload target, CollectorSidecar.Desired desired) {
        Container collector = desired.container();
        String hash = desired.hash();
        // The collectors' id-signing key must exist before any of them starts, or their pods cannot.
        IdKeys.ensure(client, monitor);
        boolean first = CollectorSidecar.injected(target.template()).isEmpty();
        Workload updated = target.injectCollector(collector, hash, monitor.getMetadata().getName());
        String message = (first ? "injected collector " : "updated collector to ") + collector.getImage()
                + " (config " + hash + ") into " + target.kind() + " " + target.name();
        LOG.infof("%s/%s: %s", monitor.getMetadata().getNamespace(), monitor.getMetadata().getName(), message);
        events.record(monitor, first ? Reason.SIDECAR_INJECTED : Reason.SIDECAR_UPDATED, message);
        return updated;
    }

    private UpdateControl<ModelMonitor> finish(ModelMonitor monitor, ModelMonitorStatus previous, ModelMonitorStatus status) {
        status.setObservedGeneration(monitor.getMetadata().getGeneration());
        if (Serialization.asJson(previous).equals(Serialization.asJson(status))) {
            return UpdateControl.noUpdate();
        }
        monitor.setStatus(status);
        return UpdateControl.patchStatus(monitor);
    }

    @Override
    public ErrorStatusUpdateControl<ModelMonitor> updateErrorStatus(ModelMonitor monitor, Context<ModelMonitor> context,
            Exception e) {
        ModelMonitorStatus status = copy(monitor.getStatus() == null ? new ModelMonitorStatus() : monitor.getStatus());
        MonitorState state = new MonitorState(monitor, status, clock.instant());
        state.condition(StatusConditions.READY, false, Reason.RECONCILE_FAILED, e.getMessage());
        monitor.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(monitor);
    }

    @Override
    public DeleteControl cleanup(ModelMonitor monitor, Context<ModelMonitor> context) {
        String targetName = monitor.getSpec().getTarget() == null ? null : monitor.getSpec().getTarget().getName();
        if (targetName == null) {
            return DeleteControl.defaultDelete();
        }
        evaluator.forget(monitor);
        alerts.forget(monitor);
        IdKeys.forget(monitor);
        new TargetRelease(context.getClient(), events).releaseAll(monitor);
        return DeleteControl.defaultDelete();
    }

    private static ModelMonitorStatus copy(ModelMonitorStatus status) {
        return Serialization.unmarshal(Serialization.asJson(status), ModelMonitorStatus.class);
    }
}

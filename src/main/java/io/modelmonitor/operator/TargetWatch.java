package io.modelmonitor.operator;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.status.Blocked;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusAggregator;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.target.Targets;

/**
 * The observing step for targets: watches every kind the cluster serves, maps each object to the monitors naming it,
 * and finds a monitor's target, or says why it cannot be monitored yet.
 */
final class TargetWatch {

    private static final Logger LOG = Logger.getLogger(TargetWatch.class);
    private static final String TARGET_INDEX = "target";

    /** The target kinds watched, decided once at start (by API discovery). */
    private volatile Set<TargetKind> servedKinds = Set.of();

    /** One informer per kind the cluster serves now. */
    List<EventSource<?, ModelMonitor>> eventSources(EventSourceContext<ModelMonitor> context) {
        context.getPrimaryCache().addIndexer(TARGET_INDEX, mm -> List.of(targetKey(mm)));
        // Another project's kind is watched only where its CRD is installed: an informer for a resource the API does
        // not serve would never sync, and the operator would not start.
        List<Targets.Type> served = Targets.all().stream().filter(type -> type.served(context.getClient())).toList();
        servedKinds = served.stream().map(Targets.Type::kind).collect(Collectors.toUnmodifiableSet());
        LOG.infof("watching target kinds %s", servedKinds);
        return served.stream().<EventSource<?, ModelMonitor>>map(type -> informer(type, context)).toList();
    }

    /** Watches one kind of target, mapping each object to the monitors that name it. */
    private static <R extends HasMetadata> InformerEventSource<R, ModelMonitor> informer(Targets.Type type,
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
                        || Targets.of(mm.getSpec().getTarget().getKind()) != type ? Set.of()
                        : Set.of(new ResourceID(mm.getSpec().getTarget().getName(), mm.getMetadata().getNamespace())))
                .build();
        return new InformerEventSource<>(configuration, context);
    }

    private static String targetKey(ModelMonitor mm) {
        return Targets.of(mm.getSpec().getTarget().getKind()).kind() + "/" + mm.getMetadata().getNamespace() + "/"
                + mm.getSpec().getTarget().getName();
    }

    /** The monitor's target, if it can be monitored by it: served, found, and not claimed by an elder monitor. */
    record Found(Optional<Target> target, Optional<Blocked> blocked) {
    }

    /** The monitor's target from the informers' cache, or why not; with no target, status shows no collectors. */
    Found find(ModelMonitor monitor, Context<ModelMonitor> context, StatusAggregator state) {
        Targets.Type type = Targets.of(monitor.getSpec().getTarget().getKind());
        if (!servedKinds.contains(type.kind())) {
            return missing(state, "the cluster's API did not serve kind " + type.kind() + " ("
                    + HasMetadata.getApiVersion(type.resource()) + ") when the operator started: install its CRD, then "
                    + "restart the operator");
        }
        Optional<Target> found = context.getSecondaryResource(type.resource())
                .map(object -> type.of(context.getClient(), object));
        if (found.isEmpty()) {
            return missing(state, type.kind() + " " + monitor.getSpec().getTarget().getName() + " not found in namespace "
                    + monitor.getMetadata().getNamespace() + "; waiting for it to be created");
        }
        Optional<ModelMonitor> elder = elderOnSameTarget(monitor, context);
        if (elder.isPresent()) {
            return pending(Reason.TARGET_CLAIMED, type.kind() + " " + found.get().name() + " is monitored by "
                    + "ModelMonitor " + elder.get().getMetadata().getName() + ", created earlier; a target can have only "
                    + "one monitor");
        }
        return new Found(found, Optional.empty());
    }

    /** No target to show collectors of. */
    private static Found missing(StatusAggregator state, String message) {
        state.status().setCollectors(null);
        return pending(Reason.TARGET_NOT_FOUND, message);
    }

    private static Found pending(Reason reason, String message) {
        return new Found(Optional.empty(), Optional.of(new Blocked(Phase.Pending, reason, message)));
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
                .min(Comparator.comparing(other -> other.getMetadata().getCreationTimestamp()));
    }
}

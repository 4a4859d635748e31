package io.modelmonitor.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.modelmonitor.api.v1alpha1.CollectorsStatus;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.status.EventRecorder;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusAggregator;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.PodCensus;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.target.TargetObservation;

/**
 * status.collectors and the CollectorsReady condition: from the template and the target's readiness, or, with
 * webhook injection, from the pods themselves (those without a collector named, with the restart that fixes them).
 */
final class CollectorsReport {

    private final EventRecorder events;

    CollectorsReport(EventRecorder events) {
        this.events = events;
    }

    void report(ModelMonitor monitor, TargetObservation seen, PodCensus census, CollectorSidecar.Desired collector,
            StatusAggregator state) {
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
        Target target = seen.target();
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
}

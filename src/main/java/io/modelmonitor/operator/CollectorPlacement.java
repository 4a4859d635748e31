package io.modelmonitor.operator;

import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.injection.IdKeys;
import io.modelmonitor.operator.status.Blocked;
import io.modelmonitor.operator.status.EventRecorder;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.target.TargetObservation;
import io.modelmonitor.operator.target.Targets;

/**
 * The acting step for the collector: puts the collector the monitor wants where its injection mode says (the pod
 * template, or pods at admission with the template left the user's own), and makes the key its ids are signed with.
 */
final class CollectorPlacement {

    private static final Logger LOG = Logger.getLogger(CollectorPlacement.class);

    private final EventRecorder events;
    private final boolean webhookAdmitsPods;

    CollectorPlacement(EventRecorder events, boolean webhookAdmitsPods) {
        this.events = events;
        this.webhookAdmitsPods = webhookAdmitsPods;
    }

    /** Why the collector cannot be placed as the monitor asks, if it cannot. */
    Optional<Blocked> problem(ModelMonitor monitor) {
        if (monitor.getSpec().getCollector().byWebhook() && !webhookAdmitsPods) {
            // Said, not guessed around: taking the collector out of the template now would leave every pod without one.
            return Optional.of(new Blocked(Phase.Pending, Reason.WEBHOOK_DISABLED, "spec.collector.injection is "
                    + "webhook, but this operator serves no admission webhook (chart value webhook.enabled is false), so "
                    + "no pod would get a collector: enable the webhook, or set spec.collector.injection to template"));
        }
        return Optional.empty();
    }

    /** Brings the target to the wanted collector, if it is not there yet; returns the target as observed after. */
    TargetObservation place(ModelMonitor monitor, KubernetesClient client, TargetObservation seen,
            CollectorSidecar.Desired collector) {
        boolean byWebhook = monitor.getSpec().getCollector().byWebhook();
        if (!seen.collectorCurrent()) {
            seen = TargetObservation.of(monitor, byWebhook ? takeOutOfTemplate(monitor, client, seen.target())
                    : inject(monitor, client, seen.target(), collector), collector);
        }
        if (byWebhook) {
            // The webhook admits pods with a reference to the key; the reconciler, not the webhook, creates it.
            IdKeys.ensureOnce(client, monitor);
        }
        return seen;
    }

    /**
     * Webhook injection: a collector the template mode put into the target's template earlier comes out (pods get
     * theirs at creation now); returns the target as changed.
     */
    private Target takeOutOfTemplate(ModelMonitor monitor, KubernetesClient client, Target target) {
        target.removeCollector();
        String message = "took the collector out of " + target.kind() + " " + target.name()
                + "'s pod template: injection is now by webhook, at pod creation";
        LOG.infof("%s/%s: %s", monitor.getMetadata().getNamespace(), monitor.getMetadata().getName(), message);
        events.record(monitor, Reason.SIDECAR_REMOVED, message);
        return Targets.of(target.kind()).find(client, target.namespace(), target.name()).orElse(target);
    }

    /** Puts the collector the monitor wants into the target; returns the target as changed. */
    private Target inject(ModelMonitor monitor, KubernetesClient client, Target target, CollectorSidecar.Desired desired) {
        Container collector = desired.container();
        String hash = desired.hash();
        // The collectors' id-signing key must exist before any of them starts, or their pods cannot.
        IdKeys.ensure(client, monitor);
        boolean first = CollectorSidecar.injected(target.template()).isEmpty();
        Target updated = target.injectCollector(collector, hash, monitor.getMetadata().getName());
        String message = (first ? "injected collector " : "updated collector to ") + collector.getImage()
                + " (config " + hash + ") into " + target.kind() + " " + target.name();
        LOG.infof("%s/%s: %s", monitor.getMetadata().getNamespace(), monitor.getMetadata().getName(), message);
        events.record(monitor, first ? Reason.SIDECAR_INJECTED : Reason.SIDECAR_UPDATED, message);
        return updated;
    }
}

package io.modelmonitor.operator.status;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Writes core/v1 Events about a monitor, the way kubectl describe shows them. A repeat of the same reason and
 * message bumps the count of the existing Event instead of adding one, like client-go's recorder.
 */
@ApplicationScoped
public class EventRecorder {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    static final String COMPONENT = "model-monitor";
    /** Which replica wrote an Event: the pod's name, as the chart passes it (the host name otherwise). */
    static final String INSTANCE = Optional.ofNullable(System.getenv("POD_NAME"))
            .or(() -> Optional.ofNullable(System.getenv("HOSTNAME"))).orElse(COMPONENT);

    private final KubernetesClient client;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** Records the reason's Event (of the type the reason has) about the object. */
    public void record(HasMetadata about, Reason why, String message) {
        if (why.eventType() == Reason.EventType.NONE) {
            throw new IllegalArgumentException(why + " is a condition's reason, not an Event's");
        }
        String type = why.eventType().wire;
        String reason = why.wire();
        String namespace = about.getMetadata().getNamespace();
        String name = about.getMetadata().getName() + "." + UUID.nameUUIDFromBytes(
                (about.getMetadata().getUid() + type + reason + message).getBytes(StandardCharsets.UTF_8))
                .toString().substring(0, 13).replace("-", "");
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            var events = client.v1().events().inNamespace(namespace);
            Event existing = events.withName(name).get();
            if (existing != null) {
                existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
                existing.setLastTimestamp(now);
                events.resource(existing).update();
                return;
            }
            events.resource(new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withNewInvolvedObject()
                        .withApiVersion(about.getApiVersion()).withKind(about.getKind())
                        .withName(about.getMetadata().getName()).withNamespace(namespace)
                        .withUid(about.getMetadata().getUid())
                        .withResourceVersion(about.getMetadata().getResourceVersion())
                    .endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT).withReportingInstance(INSTANCE)
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An Event is a courtesy; failing to write one must never fail a reconciliation.
            LOG.warnf("Could not record event %s on %s/%s: %s", reason, namespace, about.getMetadata().getName(),
                    e.getMessage());
        }
    }
}

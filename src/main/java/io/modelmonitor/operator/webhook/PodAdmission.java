package io.modelmonitor.operator.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.operator.config.OperatorConfig;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.operator.validation.AuthorLimits;

/**
 * The mutating admission webhook's decision for a pod being created: when a ModelMonitor with
 * {@code spec.collector.injection: webhook} targets the workload the pod belongs to (its selector matches the pod's
 * labels), the pod gets that monitor's collector, exactly as the template mode would have put it in its template;
 * the workload itself is never edited. Every pod is admitted: anything that goes wrong here leaves the pod as it
 * was (and the monitor counts it among the pods without a collector), never keeps it from being created.
 */
@ApplicationScoped
public class PodAdmission {

    private static final Logger LOG = Logger.getLogger(PodAdmission.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final OperatorConfig config;

    public PodAdmission(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.config = config;
    }

    /** The review answered: always allowed, with a JSON patch when the pod gets a collector. */
    public AdmissionReview review(AdmissionReview review) {
        var request = review.getRequest();
        AdmissionResponse response = new AdmissionResponse();
        response.setUid(request.getUid());
        response.setAllowed(true);
        try {
            if ("CREATE".equals(request.getOperation()) && request.getKind() != null
                    && "Pod".equals(request.getKind().getKind()) && request.getObject() != null) {
                Pod pod = Serialization.unmarshal(Serialization.asJson(request.getObject()), Pod.class);
                String namespace = request.getNamespace() != null ? request.getNamespace() : pod.getMetadata().getNamespace();
                patch(namespace, pod).ifPresent(patch -> {
                    response.setPatchType("JSONPatch");
                    response.setPatch(Base64.getEncoder().encodeToString(patch.toString().getBytes(
                            StandardCharsets.UTF_8)));
                });
            }
        } catch (RuntimeException e) {
            // Admitted unchanged: the monitor reports the pod as one without a collector.
            LOG.warnf("pod admission in %s: left the pod unchanged: %s", request.getNamespace(), e.toString());
        }
        AdmissionReview answer = new AdmissionReview();
        answer.setApiVersion("admission.k8s.io/v1");
        answer.setKind("AdmissionReview");
        answer.setResponse(response);
        return answer;
    }

    /** The JSON patch that gives the pod its monitor's collector, if a monitor with webhook injection targets it. */
    Optional<JsonNode> patch(String namespace, Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null
                || pod.getSpec().getContainers().stream().anyMatch(c -> Annotations.COLLECTOR_CONTAINER.equals(c.getName()))) {
            return Optional.empty();
        }
        Map<String, String> labels = pod.getMetadata() == null || pod.getMetadata().getLabels() == null ? Map.of()
                : pod.getMetadata().getLabels();
        Optional<ModelMonitor> monitor = monitorOf(namespace, labels);
        if (monitor.isEmpty()) {
            return Optional.empty();
        }
        ModelMonitor mm = monitor.get();
        if (AuthorLimits.imageProblem(mm.getSpec().getCollector() == null ? null : mm.getSpec().getCollector().getImage(),
                config.collector().image(), config.collector().allowed()).isPresent()) {
            return Optional.empty(); // the monitor says NotAllowed; its pods are created as they are
        }
        CollectorSidecar.Desired desired = CollectorSidecar.desired(mm, config.collector(), Targets.revisionLabel(mm));
        PodTemplateSpec template = new PodTemplateSpec(Serialization.clone(pod.getMetadata()), Serialization.clone(pod.getSpec()));
        String container = mm.getSpec().getTarget().getContainer();
        if (CollectorSidecar.modelContainer(template, container).isEmpty()
                || CollectorSidecar.portConflict(template, desired.container()).isPresent()) {
            LOG.infof("%s/%s: a pod of %s has no model container %s or no free collector ports; left without a collector",
                    namespace, mm.getMetadata().getName(), mm.getSpec().getTarget().getName(), container);
            return Optional.empty();
        }
        // The id-signing key is the reconciler's to create (a webhook has no side effects): a pod admitted before it
        // exists waits for it at container start, as for any missing Secret.
        CollectorSidecar.inject(template, desired.container(), desired.hash(), mm.getMetadata().getName());
        Pod injected = Serialization.clone(pod);
        injected.setMetadata(template.getMetadata());
        injected.setSpec(template.getSpec());
        // Both sides serialized alike, so the patch holds only what the injection added.
        try {
            return Optional.of(JsonDiff.asJson(JSON.readTree(Serialization.asJson(pod)),
                    JSON.readTree(Serialization.asJson(injected)), EnumSet.of(DiffFlags.OMIT_VALUE_ON_REMOVE,
                            DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The monitor with webhook injection whose target selects these labels; the oldest if several do (the others
     * cannot measure pods that already carry a collector).
     */
    private Optional<ModelMonitor> monitorOf(String namespace, Map<String, String> labels) {
        List<ModelMonitor> monitors;
        try {
            monitors = client.resources(ModelMonitor.class).inNamespace(namespace).list().getItems();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot list ModelMonitors in " + namespace + " (HTTP " + e.getCode() + ")", e);
        }
        return monitors.stream()
                .filter(m -> m.getMetadata().getDeletionTimestamp() == null && m.getSpec() != null
                        && m.getSpec().unreadable() == null
                        && m.getSpec().getCollector() != null && m.getSpec().getCollector().byWebhook()
                        && m.getSpec().getTarget() != null && m.getSpec().getTarget().getName() != null)
                .sorted(Comparator.comparing((ModelMonitor m) -> String.valueOf(m.getMetadata().getCreationTimestamp()))
                        .thenComparing(m -> m.getMetadata().getName()))
                .filter(m -> selects(targetSelector(namespace, m), labels))
                .findFirst();
    }

    private LabelSelector targetSelector(String namespace, ModelMonitor monitor) {
        return Targets.of(monitor.getSpec().getTarget().getKind())
                .find(client, namespace, monitor.getSpec().getTarget().getName())
                .map(w -> new LabelSelector(null, w.podSelector())).orElse(null);
    }

    /** A label selector's meaning, as the API server applies it; an empty or missing selector selects nothing here. */
    public static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null || ((selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty()))) {
            return false;
        }
        if (selector.getMatchLabels() != null
                && !selector.getMatchLabels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = labels.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}

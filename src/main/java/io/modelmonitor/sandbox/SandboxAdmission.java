package io.modelmonitor.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.webhook.PodAdmission;

/**
 * The API server's call of the operator's mutating webhook, for the pods the sandbox's control plane creates: the
 * sandbox serves no TLS webhook and its local API calls none, so this sends the same AdmissionReview to the
 * operator's {@link PodAdmission} in process, under the chart's rules (MutatingWebhookConfiguration
 * {@code model-monitor-pods}): CREATE of a pod in a namespace labelled {@code modelmonitor.io/injection=enabled},
 * not the operator's, unless the pod opts out; its JSON patch applied; any failure admits the pod unchanged
 * ({@code failurePolicy: Ignore}).
 */
final class SandboxAdmission implements UnaryOperator<Pod> {

    private static final Logger LOG = Logger.getLogger(SandboxAdmission.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA_NAME = "kubernetes.io/metadata.name";
    /** The chart's namespaceSelector, with its default release namespace. */
    static final LabelSelector NAMESPACES = new LabelSelectorBuilder()
            .addNewMatchExpression().withKey(Annotations.INJECTION_LABEL).withOperator("In").withValues("enabled").endMatchExpression()
            .addNewMatchExpression().withKey(METADATA_NAME).withOperator("NotIn").withValues("model-monitor").endMatchExpression()
            .build();
    /** The chart's objectSelector: a pod opts out with the label set to disabled. */
    static final LabelSelector PODS = new LabelSelectorBuilder()
            .addNewMatchExpression().withKey(Annotations.INJECTION_LABEL).withOperator("NotIn").withValues("disabled").endMatchExpression()
            .build();

    private final KubernetesClient client;
    private final Function<AdmissionReview, AdmissionReview> webhook;

    SandboxAdmission(KubernetesClient client, Function<AdmissionReview, AdmissionReview> webhook) {
        this.client = client;
        this.webhook = webhook;
    }

    @Override
    public Pod apply(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        if (!PodAdmission.selects(NAMESPACES, namespaceLabels(namespace))
                || !PodAdmission.selects(PODS, pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels())) {
            return pod;
        }
        try {
            AdmissionReview review = new AdmissionReviewBuilder().withApiVersion("admission.k8s.io/v1")
                    .withKind("AdmissionReview")
                    .withNewRequest().withUid(UUID.randomUUID().toString()).withOperation("CREATE").withNamespace(namespace)
                        .withNewKind("", "Pod", "v1").withObject(pod).endRequest()
                    .build();
            AdmissionResponse response = webhook.apply(review).getResponse();
            if (response == null || !Boolean.TRUE.equals(response.getAllowed()) || response.getPatch() == null) {
                return pod;
            }
            JsonNode patch = JSON.readTree(new String(Base64.getDecoder().decode(response.getPatch()), StandardCharsets.UTF_8));
            JsonNode patched = JsonPatch.apply(patch, JSON.readTree(Serialization.asJson(pod)));
            return Serialization.unmarshal(patched.toString(), Pod.class);
        } catch (Exception e) {
            LOG.warnf("admission of pod %s/%s failed; created without it (failurePolicy Ignore): %s", namespace,
                    pod.getMetadata().getName(), e.toString());
            return pod;
        }
    }

    /** The namespace's labels, with the one the API server sets on every namespace (the local API does not). */
    private Map<String, String> namespaceLabels(String namespace) {
        Namespace ns = client.namespaces().withName(namespace).get();
        Map<String, String> labels = new HashMap<>(ns == null || ns.getMetadata().getLabels() == null ? Map.of()
                : ns.getMetadata().getLabels());
        labels.put(METADATA_NAME, namespace);
        return labels;
    }
}

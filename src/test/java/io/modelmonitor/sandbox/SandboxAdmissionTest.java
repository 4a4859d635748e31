package io.modelmonitor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The sandbox's stand-in for the API server's webhook call: the chart's selectors, the review, its patch, its failure. */
@EnableKubernetesMockClient(crud = true)
class SandboxAdmissionTest {

    KubernetesClient client;
    private final List<AdmissionReview> reviews = new ArrayList<>();

    @Test
    void selectsTheNamespacesAndPodsTheChartsWebhookConfigurationSelects() throws Exception {
        List<HasMetadata> objects = Serialization.unmarshal(Files.readString(Path.of("deploy", "model-monitor.yaml")));
        MutatingWebhookConfiguration chart = objects.stream().filter(MutatingWebhookConfiguration.class::isInstance)
                .map(MutatingWebhookConfiguration.class::cast).findFirst().orElseThrow();

        assertThat(chart.getWebhooks()).singleElement().satisfies(w -> {
            assertThat(w.getNamespaceSelector()).isEqualTo(SandboxAdmission.NAMESPACES);
            assertThat(w.getObjectSelector()).isEqualTo(SandboxAdmission.PODS);
        });
    }

    @Test
    void aPodInAnOptedInNamespaceIsCreatedWithTheWebhooksPatchApplied() {
        namespace("ml", Map.of("modelmonitor.io/injection", "enabled"));
        SandboxAdmission admission = new SandboxAdmission(client, review -> answer(review,
                "[{\"op\":\"add\",\"path\":\"/spec/containers/1\",\"value\":{\"name\":\"modelmonitor-collector\"}}]"));

        Pod admitted = admission.apply(pod("ml", Map.of("app", "fraud")));

        assertThat(admitted.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("model", "modelmonitor-collector");
        assertThat(reviews).singleElement().satisfies(r -> {
            assertThat(r.getRequest().getOperation()).isEqualTo("CREATE");
            assertThat(r.getRequest().getKind().getKind()).isEqualTo("Pod");
            assertThat(r.getRequest().getNamespace()).isEqualTo("ml");
            assertThat(r.getRequest().getUid()).isNotBlank();
        });
    }

    @Test
    void theWebhookIsNotCalledForANamespaceNotOptedInOrAPodThatOptsOut() {
        namespace("plain", Map.of());
        namespace("ml", Map.of("modelmonitor.io/injection", "enabled"));
        SandboxAdmission admission = new SandboxAdmission(client, review -> answer(review, "[]"));

        Pod inPlain = pod("plain", Map.of("app", "fraud"));
        Pod optedOut = pod("ml", Map.of("app", "fraud", "modelmonitor.io/injection", "disabled"));

        assertThat(admission.apply(inPlain)).isSameAs(inPlain);
        assertThat(admission.apply(optedOut)).isSameAs(optedOut);
        assertThat(reviews).isEmpty();
    }

    @Test
    void aFailingWebhookAdmitsThePodUnchangedAsFailurePolicyIgnoreDoes() {
        namespace("ml", Map.of("modelmonitor.io/injection", "enabled"));
        SandboxAdmission admission = new SandboxAdmission(client, review -> {
            throw new IllegalStateException("operator not reachable");
        });
        Pod pod = pod("ml", Map.of("app", "fraud"));

        assertThat(admission.apply(pod)).isSameAs(pod);
    }

    private AdmissionReview answer(AdmissionReview review, String patch) {
        reviews.add(review);
        AdmissionResponse response = new AdmissionResponse();
        response.setUid(review.getRequest().getUid());
        response.setAllowed(true);
        response.setPatchType("JSONPatch");
        response.setPatch(Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
        AdmissionReview answer = new AdmissionReview();
        answer.setResponse(response);
        return answer;
    }

    private void namespace(String name, Map<String, String> labels) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build()).create();
    }

    private static Pod pod(String namespace, Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withName("fraud-abc").withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("model").withImage("model:v1").endContainer().endSpec().build();
    }
}

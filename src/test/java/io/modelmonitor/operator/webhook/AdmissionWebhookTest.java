package io.modelmonitor.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;


import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.modelmonitor.api.v1alpha1.CollectorInjection;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.operator.config.OperatorConfig;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.operator.tls.WebhookCertificates;
import io.modelmonitor.testsupport.Fixtures;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.PemTrustOptions;

/**
 * The admission webhook over real TLS, trusted through the CA the operator issued and wrote into the
 * MutatingWebhookConfiguration's caBundle: a pod of a Deployment whose monitor injects by webhook comes back with
 * the collector; any other pod, or one that has it already, unchanged; the Deployment is never edited.
 */
@QuarkusTest
@WithKubernetesTestServer
class AdmissionWebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "hooked";

    @Inject
    KubernetesClient client;

    @Inject
    AdmissionWebhookServer webhook;

    @TestHTTPResource("/q/health/ready")
    URI readiness;

    @Inject
    OperatorConfig config;

    @Inject
    Vertx vertx;

    @Test
    void theReplicaIsReadyWithItsWebhookListeningAndSaysSo() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(readiness).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("checks")).anySatisfy(check -> {
            assertThat(check.get("name").asText()).isEqualTo("admission-webhook");
            assertThat(check.get("status").asText()).isEqualTo("UP");
        });
    }

    @Test
    void aPodOfAMonitoredDeploymentGetsTheCollectorAtCreationAndTheDeploymentStaysAsItWas() throws Exception {
        Deployment created = client.resource(Fixtures.modelDeployment(NS, "scorer", 2)).create();
        ModelMonitor mm = Fixtures.monitor(NS, "scorer", "scorer");
        mm.getSpec().getCollector().setInjection(CollectorInjection.webhook);
        mm.getSpec().getEvaluation().setInterval("1s");
        client.resource(mm).create();
        await("reconciled").atMost(Duration.ofSeconds(15)).until(() -> {
            ModelMonitor m = client.resources(ModelMonitor.class).inNamespace(NS).withName("scorer").get();
            return m.getStatus() != null && m.getStatus().getObservedGeneration() != null;
        });

        Pod pod = podOf(Map.of("app", "scorer", "pod-template-hash", "abc12"), created);
        JsonNode answer = review(pod);
        assertThat(answer.at("/response/uid").asText()).isEqualTo("req-1");
        assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
        assertThat(answer.at("/response/patchType").asText()).isEqualTo("JSONPatch");
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(answer.at("/response/patch").asText()));
        Pod injected = Serialization.unmarshal(JSON.writeValueAsString(JsonPatch.apply(patch,
                JSON.readTree(Serialization.asJson(pod)))), Pod.class);
        assertThat(injected.getSpec().getContainers()).extracting(c -> c.getName())
                .containsExactly("model", "log-shipper", "modelmonitor-collector");
        assertThat(injected.getMetadata().getLabels()).containsEntry("modelmonitor.io/monitored", "scorer")
                .containsEntry("pod-template-hash", "abc12");
        assertThat(injected.getMetadata().getAnnotations()).containsKey("modelmonitor.io/collector-config-hash");
        assertThat(patch).allSatisfy(op -> assertThat(op.get("op").asText()).as(op.toString()).isEqualTo("add"));
        assertThat(client.secrets().inNamespace(NS).withName(CollectorSidecar.idKeySecret("scorer")).get())
                .as("the collector's id key exists before it starts").isNotNull();

        assertThat(review(podOf(Map.of("app", "other"), created)).at("/response/patch").isMissingNode())
                .as("a pod no monitor targets").isTrue();
        assertThat(review(injected).at("/response/patch").isMissingNode()).as("one that has a collector already").isTrue();

        // One pod created through the webhook, one before the monitor (or while the webhook was down): counted.
        Fixtures.markRolledOut(client, client.apps().deployments().inNamespace(NS).withName("scorer").get());
        running(injected, "scorer-abc12-hooked", "127.0.0.6");
        running(pod, "scorer-abc12-plain", "127.0.0.7");
        ModelMonitor counted = await("the pod without a collector counted").atMost(Duration.ofSeconds(15)).until(
                () -> client.resources(ModelMonitor.class).inNamespace(NS).withName("scorer").get(),
                m -> m.getStatus().getCollectors() != null && Integer.valueOf(1).equals(m.getStatus().getCollectors()
                        .getWithoutCollector()));
        assertThat(StatusConditions.find(counted.getStatus().getConditions(), StatusConditions.COLLECTORS_READY).orElseThrow())
                .satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo("False");
                    assertThat(c.getReason()).isEqualTo("PodsWithoutCollector");
                    assertThat(c.getMessage()).startsWith("1 of 2 pods of Deployment scorer run without the collector");
                });
        assertThat(counted.getStatus().getCollectors().getImage()).isEqualTo("ghcr.io/modelmonitor/model-monitor:0.1.0");

        Deployment after = client.apps().deployments().inNamespace(NS).withName("scorer").get();
        assertThat(after.getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName())
                .containsExactly("model", "log-shipper");
        assertThat(after.getMetadata().getAnnotations() == null ? Map.of() : after.getMetadata().getAnnotations())
                .as("not claimed, not annotated").isEmpty();
    }

    /**
     * Issue 27: anyone who reaches port 9443 can send a review. Such a review has no side effect (the configuration
     * says sideEffects: None, and the key Secret is the reconciler's to create), and one larger than the API server
     * would ever send is refused unread.
     */
    @Test
    void aForgedReviewCreatesNothingAndAnOversizedOneIsRefused() throws Exception {
        String ns = "forged";
        Deployment created = client.resource(Fixtures.modelDeployment(ns, "victim", 1)).create();
        ModelMonitor mm = Fixtures.monitor(ns, "victim", "victim");
        mm.getSpec().getCollector().setInjection(CollectorInjection.webhook);
        client.resource(mm).create();
        await("the reconciler made the key").atMost(Duration.ofSeconds(15))
                .until(() -> client.secrets().inNamespace(ns).withName(CollectorSidecar.idKeySecret("victim")).get() != null);
        client.secrets().inNamespace(ns).withName(CollectorSidecar.idKeySecret("victim")).delete();

        Pod pod = new PodBuilder().withNewMetadata().withGenerateName("victim-abc12-").withNamespace(ns)
                .withLabels(Map.of("app", "victim")).endMetadata()
                .withSpec(Serialization.clone(created.getSpec().getTemplate().getSpec())).build();
        assertThat(review(pod, ns).at("/response/patch").isMissingNode()).as("still answered with the collector").isFalse();
        assertThat(client.secrets().inNamespace(ns).withName(CollectorSidecar.idKeySecret("victim")).get())
                .as("a review created no Secret").isNull();

        var http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(false)
                .setTrustAll(true));
        try {
            int status = http.request(HttpMethod.POST, webhook.port(), "127.0.0.1", "/mutate-pods")
                    .compose(r -> r.send(Buffer.buffer(new byte[AdmissionWebhookServer.MAX_BODY + 1]))
                            .map(res -> res.statusCode()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(status).isEqualTo(413);
        } finally {
            http.close();
        }
    }

    /** The pod as its kubelet would report it: created, running, with an address. */
    private void running(Pod pod, String name, String ip) {
        Pod p = Serialization.clone(pod);
        p.getMetadata().setGenerateName(null);
        p.getMetadata().setName(name);
        p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip).build());
        client.resource(p).create();
        client.pods().resource(p).updateStatus();
    }

    private static Pod podOf(Map<String, String> labels, Deployment d) {
        return new PodBuilder().withNewMetadata().withGenerateName("scorer-abc12-").withNamespace(NS).withLabels(labels)
                .endMetadata().withSpec(Serialization.clone(d.getSpec().getTemplate().getSpec())).build();
    }

    @Test
    void theOperatorIssuesItsCertificateOnceAndKeepsTheConfigurationsCaBundleCurrent() {
        client.resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName("model-monitor-pods").endMetadata()
                .addNewWebhook().withName("pods.modelmonitor.io").withNewClientConfig().withNewService()
                .withName("model-monitor-webhook").withNamespace("test").endService().endClientConfig()
                .withAdmissionReviewVersions("v1").withSideEffects("None").endWebhook().build()).create();
        WebhookCertificates certificates = new WebhookCertificates(client, client.getNamespace(), config.webhook());
        WebhookCertificates.Material material = certificates.ensure(Instant.now());
        assertThat(material.ca()).as("the one issued at start-up, read back").isEqualTo(webhook.ca());
        var configuration = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("model-monitor-pods")
                .get();
        assertThat(new String(Base64.getDecoder().decode(configuration.getWebhooks().get(0).getClientConfig().getCaBundle()),
                StandardCharsets.UTF_8)).isEqualTo(material.ca());
        assertThat(WebhookCertificates.due(material, Instant.now())).isFalse();
        assertThat(WebhookCertificates.due(material, Instant.now().plus(Duration.ofDays(250)))).as("a third left")
                .isTrue();
        var renewed = certificates.ensure(Instant.now().plus(Duration.ofDays(250)));
        assertThat(renewed.certificate()).isNotEqualTo(material.certificate());
        String bundle = new String(Base64.getDecoder().decode(client.admissionRegistration().v1()
                .mutatingWebhookConfigurations().withName("model-monitor-pods").get().getWebhooks().get(0).getClientConfig()
                .getCaBundle()), StandardCharsets.UTF_8);
        assertThat(bundle).as("the caBundle follows the renewal").isEqualTo(renewed.ca());
        assertThat(bundle).as("the new CA first, the old one still trusted beside it")
                .startsWith(WebhookCertificates.firstPem(renewed.ca())).endsWith(WebhookCertificates.firstPem(material.ca()))
                .isNotEqualTo(WebhookCertificates.firstPem(renewed.ca()));
    }

    private JsonNode review(Pod pod) throws Exception {
        return review(pod, NS);
    }

    /** POSTs an AdmissionReview for the pod's creation, as the API server does, over TLS checked against the CA. */
    private JsonNode review(Pod pod, String namespace) throws Exception {
        AdmissionRequest request = new AdmissionRequest();
        request.setUid("req-1");
        request.setOperation("CREATE");
        request.setNamespace(namespace);
        request.setKind(new GroupVersionKind("", "Pod", "v1"));
        request.setObject(pod);
        AdmissionReview review = new AdmissionReview();
        review.setApiVersion("admission.k8s.io/v1");
        review.setKind("AdmissionReview");
        review.setRequest(request);
        // The certificate names the webhook Service, as the API server checks it; the test reaches it on loopback,
        // so the chain is checked against the CA and the host name is not.
        var http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(false)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(
                        webhook.ca()))));
        try {
            var response = http.request(HttpMethod.POST, webhook.port(), "127.0.0.1", "/mutate-pods")
                    .compose(r -> r.send(Serialization.asJson(review)).compose(res -> res.body().map(b -> Map.entry(
                            res.statusCode(), b.toString()))))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(response.getKey()).as(response.getValue()).isEqualTo(200);
            return JSON.readTree(response.getValue());
        } finally {
            http.close();
        }
    }
}

package io.modelmonitor.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.RevisionStatus;
import io.modelmonitor.collector.Collector;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.verdictapi.VerdictServer;
import io.modelmonitor.testsupport.Fixtures;

/**
 * A canary and its stable revision serving side by side (two pod-template-hashes of one Deployment, real collectors
 * on loopback): each gets its own window and share in status; a comparison objective judges the canary against the
 * stable one, InsufficientData on thin labels, Met for an equal model, Breached for a real drop; the verdict API
 * answers a rollout tool accordingly over HTTP, and the Argo Rollouts example, measured by Argo's rules, reads it so.
 */
@QuarkusTest
@WithKubernetesTestServer
class CanaryVerdictTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "canary";

    @Inject
    KubernetesClient client;

    @Inject
    VerdictServer verdicts;

    @KubernetesTestServer
    KubernetesServer server;

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    @Test
    void theCanaryIsJudgedAgainstTheStableRevisionServingBesideIt() throws Exception {
        ArgoAnalysis argo = ArgoAnalysis.fromExample();
        LoopbackPods.StubModel model = LoopbackPods.stubModel();
        running.add(model);
        int[] ports = LoopbackPods.freePorts();
        Collector stable = collector("127.0.0.4", model.port(), ports);
        Collector canary = collector("127.0.0.5", model.port(), ports);
        deployTwoRevisions(ports);
        // Counted from the first read on: what a collector saw before the monitor first read it is its baseline.
        await("both revisions read").atMost(Duration.ofSeconds(20)).until(this::monitor, m -> m.getStatus() != null
                && m.getStatus().getRevisions() != null && m.getStatus().getRevisions().size() == 2);

        // Thin: 40 labels on each side, fewer than minSamples.
        feed(stable, 40, 0.9);
        feed(canary, 40, 0.9);
        ModelMonitor thin = await("both revisions' labels counted").atMost(Duration.ofSeconds(20)).until(this::monitor,
                m -> m.getStatus() != null && m.getStatus().getRevisions() != null
                        && m.getStatus().getRevisions().stream().allMatch(r -> r.getLabels() == 40));
        assertThat(thin.getStatus().getJudgedTemplateHash()).isEqualTo("bbb");
        assertThat(thin.getStatus().getRevisions()).extracting(RevisionStatus::getPodTemplateHash, RevisionStatus::getRevision,
                RevisionStatus::getRole, RevisionStatus::getPods, RevisionStatus::getTrafficShare)
                .containsExactlyInAnyOrder(Tuple.tuple("aaa", 1L, "baseline", 1, 0.5),
                        Tuple.tuple("bbb", 2L, "judged", 1, 0.5));
        assertThat(comparison(thin)).satisfies(o -> {
            assertThat(o.getState()).isEqualTo(ObjectiveState.InsufficientData);
            assertThat(o.getMessage()).contains("40 labels on the new revision and 40 on the baseline, 100 needed");
        });
        assertThat(thin.getStatus().getMetrics().getLabels()).as("the judged window holds the canary's pods only")
                .isEqualTo(40);
        JsonNode inconclusive = verdict("/verdict", "Bearer any", 200);
        assertThat(inconclusive.get("result").asText()).isEqualTo("Inconclusive");
        assertThat(inconclusive.get("revision").asText()).isEqualTo("bbb");
        assertThat(inconclusive.get("revisionNumber").asLong()).isEqualTo(2);
        assertThat(verdictStatus("/gate", "Bearer any")).isEqualTo(503);
        assertThat(verdictStatus("/gate?inconclusive=pass", "Bearer any")).isEqualTo(200);
        assertThat(argo.measure(base(), NS, args("bbb"))).isEqualTo("Inconclusive \"Inconclusive\"");

        // Equal models, 640 labels each at 90%: not worse than the stable one by more than the margin.
        feed(stable, 600, 0.9);
        feed(canary, 600, 0.9);
        ModelMonitor equal = await("the comparison Met").atMost(Duration.ofSeconds(20)).until(this::monitor,
                m -> comparison(m).getState() == ObjectiveState.Met && m.getStatus().getPhase() == Phase.Healthy);
        assertThat(comparison(equal).getMessage()).contains("(n=640 and 640)").contains("baseline: revision 1 (aaa)");
        assertThat(comparison(equal).getValue()).isZero();
        assertThat(comparison(equal).getLower()).isGreaterThan(-0.1);
        assertThat(equal.getStatus().getObjectives()).filteredOn(o -> o.getMetric() == MetricName.latencyP99Ms)
                .singleElement().satisfies(o -> {
                    assertThat(o.getState()).as(o.getMessage()).isEqualTo(ObjectiveState.Met);
                    assertThat(o.getMessage()).contains("not slower than the baseline").contains("n=640 and 640");
                });
        JsonNode successful = verdict("/verdict?revision=bbb", "Bearer any", 200);
        assertThat(successful.get("result").asText()).isEqualTo("Successful");
        assertThat(successful.get("objectives")).anySatisfy(o -> {
            assertThat(o.get("metric").asText()).isEqualTo("accuracy");
            assertThat(o.get("compareTo").asText()).isEqualTo("baseline");
            assertThat(o.get("state").asText()).isEqualTo("Met");
            assertThat(o.get("n").asLong()).isEqualTo(640);
        });
        assertThat(verdictStatus("/gate", "Bearer any")).isEqualTo(200);
        assertThat(argo.measure(base(), NS, args("bbb"))).isEqualTo("Successful \"Successful\"");
        assertThat(argo.measure(base(), NS, args("newest"))).isEqualTo("Successful \"Successful\"");
        assertThat(verdict("/verdict?revision=aaa", "Bearer any", 200).get("result").asText())
                .as("only the judged revision gets a verdict").isEqualTo("Inconclusive");

        // The canary gets worse: 1,200 more labels at 50% against the stable one's 90%.
        feed(stable, 1200, 0.9);
        feed(canary, 1200, 0.5);
        ModelMonitor breached = await("the drop confirmed").atMost(Duration.ofSeconds(20)).until(this::monitor,
                m -> m.getStatus().getPhase() == Phase.Breached);
        assertThat(comparison(breached).getState()).isEqualTo(ObjectiveState.Breached);
        assertThat(comparison(breached).getUpper()).isLessThan(-0.1);
        assertThat(comparison(breached).getMessage()).contains("worse than the baseline by more than the margin");
        assertThat(verdict("/verdict", "Bearer any", 200).get("result").asText()).isEqualTo("Failed");
        assertThat(verdictStatus("/gate", "Bearer any")).isEqualTo(412);
        assertThat(verdictStatus("/gate?inconclusive=pass", "Bearer any")).isEqualTo(412);
        assertThat(verdictStatus("/gate", null)).as("no token").isEqualTo(401);
        assertThat(argo.measure(base(), NS, args("bbb"))).isEqualTo("Failed \"Failed\"");
        assertThat(argo.measure(base(), NS, Map.of("monitor", "scorer", "canary-hash", "bbb", "token", "")))
                .as("refused: Argo counts a measurement Error, not a verdict").startsWith("Error")
                .contains("non 2xx response code: 401");
    }

    private void deployTwoRevisions(int[] ports) {
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReturn(201,
                new TokenReviewBuilder().withNewStatus().withAuthenticated(true).withAudiences("model-monitor").withNewUser()
                        .withUsername("system:serviceaccount:argo-rollouts:argo-rollouts").endUser().endStatus().build())
                .always();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReturn(201,
                new SubjectAccessReviewBuilder().withNewStatus().withAllowed(true).endStatus().build()).always();
        Deployment deployment = Fixtures.modelDeployment(NS, "scorer", 2);
        deployment.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "2");
        Deployment created = client.resource(deployment).create();
        ModelMonitor mm = LoopbackPods.scorerMonitor(NS, ports[0], ports[1]);
        mm.getSpec().setObjectives(List.of(ObjectiveSpec.comparedToBaseline(MetricName.accuracy, 0.1),
                ObjectiveSpec.comparedToBaseline(MetricName.latencyP99Ms, 50)));
        mm.getSpec().getRollback().setEnabled(false);
        client.resource(mm).create();
        Fixtures.markRolledOut(client, await().atMost(Duration.ofSeconds(15)).until(
                () -> client.apps().deployments().inNamespace(NS).withName("scorer").get(),
                d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));
        replicaSet(created, "aaa", 1);
        replicaSet(created, "bbb", 2);
        LoopbackPods.pod(client, NS, "scorer-aaa-x1", "127.0.0.4", Map.of("pod-template-hash", "aaa"));
        LoopbackPods.pod(client, NS, "scorer-bbb-x1", "127.0.0.5", Map.of("pod-template-hash", "bbb"));
    }

    private void replicaSet(Deployment owner, String hash, int revision) {
        ReplicaSet rs = new ReplicaSetBuilder().withNewMetadata().withName("scorer-" + hash).withNamespace(NS)
                .addToLabels("app", "scorer").addToLabels("pod-template-hash", hash)
                .addToAnnotations("deployment.kubernetes.io/revision", Integer.toString(revision))
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("scorer")
                .withUid(owner.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "scorer")
                .addToMatchLabels("pod-template-hash", hash).endSelector()
                .withTemplate(owner.getSpec().getTemplate()).endSpec().build();
        client.resource(rs).create();
    }

    private Collector collector(String ip, int modelPort, int[] ports) {
        Collector c = LoopbackPods.collector(ip, modelPort, ports[0], ports[1]);
        running.add(c);
        return c;
    }

    /** {@code n} predictions through the collector (the stub always predicts "1"), labelled "1" at {@code accuracy}. */
    private static void feed(Collector c, int n, double accuracy) throws Exception {
        StringBuilder labels = new StringBuilder("[");
        long correct = 0;
        for (int i = 0; i < n; i++) {
            String id = LoopbackPods.predict(c);
            // Spread the wrong labels evenly: after i+1 labels, round((i+1) * accuracy) of them are right.
            boolean right = Math.round((i + 1) * accuracy) > correct;
            correct += right ? 1 : 0;
            labels.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"label\":\"")
                    .append(right ? "1" : "0").append("\"}");
        }
        String answer = LoopbackPods.HTTP.send(HttpRequest.newBuilder(URI.create("http://" + c.config().bindAddress() + ":"
                + c.dataPort() + "/modelmonitor/v1/feedback")).POST(HttpRequest.BodyPublishers.ofString(labels + "]")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(answer).contains("\"matched\":" + n);
    }

    private ModelMonitor monitor() {
        return client.resources(ModelMonitor.class).inNamespace(NS).withName("scorer").get();
    }

    private static ObjectiveStatus comparison(ModelMonitor m) {
        return m.getStatus() == null || m.getStatus().getObjectives() == null ? new ObjectiveStatus()
                : m.getStatus().getObjectives().stream().filter(o -> o.getMetric() == MetricName.accuracy).findFirst()
                        .orElse(new ObjectiveStatus());
    }

    private String base() {
        return "http://127.0.0.1:" + verdicts.port();
    }

    private static Map<String, String> args(String hash) {
        return Map.of("monitor", "scorer", "canary-hash", hash, "token", "a-service-account-token");
    }

    private HttpResponse<String> call(String suffix, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + verdicts.port()
                + "/v1/namespaces/" + NS + "/modelmonitors/scorer" + suffix));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return LoopbackPods.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode verdict(String suffix, String authorization, int status) throws Exception {
        HttpResponse<String> response = call(suffix, authorization);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private int verdictStatus(String suffix, String authorization) throws Exception {
        return call(suffix, authorization).statusCode();
    }
}

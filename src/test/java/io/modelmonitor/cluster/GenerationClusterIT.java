package io.modelmonitor.cluster;

import static io.modelmonitor.cluster.ClusterFixtures.containers;
import static io.modelmonitor.cluster.Kubectl.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.operator.target.argo.ArgoRollout;
import io.modelmonitor.sandbox.TrafficGenerator;
import io.modelmonitor.testsupport.Monitors;

/**
 * A language model behind the OpenAI API on the real control plane: an Argo Rollouts canary (the test plays Argo's
 * controller, as RolloutClusterIT does) whose pods the webhook gives a collector; people stream chat answers and
 * accept or reject them. The stable revision is judged Healthy; the canary, with a first token about 370 ms slower,
 * breaches both its bound and the comparison with the stable pods serving beside it, and a rollout tool asking the
 * verdict API about the canary (with a ServiceAccount token the API server checks) is told Failed, and why.
 */
@ExtendWith(ClusterDiagnostics.class)
class GenerationClusterIT {

    private static final String NS = "assistants";
    private static final String APP = "support-chat";
    private static final String STABLE = "6c9d7b8f5";
    private static final String CANARY = "84f5c6d7b";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static Kubectl kubectl;
    private static OperatorRelease operator;

    @BeforeAll
    static void install() throws Exception {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        kubectl = cluster.kubectl();
        ClusterFixtures.installCrd(kubectl, "argoproj.io_rollouts.yaml", "rollouts.argoproj.io");
        operator = OperatorRelease.install(cluster, "gen", "gen-system", Map.of("leaderElection.enabled", false,
                "replicaCount", 1));
    }

    @AfterAll
    static void uninstall() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void aCanaryWithASlowerFirstTokenIsFailedThroughTheVerdictApi() throws Exception {
        String token = UUID.randomUUID().toString();
        ClusterFixtures.injectedNamespace(kubectl, NS, "chat-feedback-token", token);
        kubectl.apply(rolloutYaml(80));
        kubectl.apply(monitorYaml());
        kubectl.apply(verdictReader());

        replicaSet(STABLE, 1, 80);
        ClusterFixtures.awaitOneReadyPod("the stable pod", () -> pods(STABLE));
        reportStatus(Map.of("currentPodHash", STABLE, "stableRS", STABLE, "replicas", 1, "updatedReplicas", 1,
                "readyReplicas", 1, "availableReplicas", 1, "phase", "Healthy"));
        assertThat(pods(STABLE)).singleElement().satisfies(p -> assertThat(containers(p))
                .containsExactly("model", "modelmonitor-collector"));

        try (TrafficGenerator people = new TrafficGenerator(client, NS, APP, token, 30).chat(true).start()) {
            await("the stable revision judged Healthy").atMost(Duration.ofSeconds(150)).untilAsserted(() -> {
                ModelMonitorStatus s = status();
                assertThat(s.getPhase()).isEqualTo(Phase.Healthy);
                assertThat(s.getMetrics().getGeneration().getTtftMs().getP95()).isLessThan(300.0);
                assertThat(s.getMetrics().getGeneration().getAcceptanceRate().getN()).isGreaterThanOrEqualTo(100);
            });
            assertThat(verdict(STABLE)).contains("\"result\":\"Successful\"");
            Kubectl.Result wide = kubectl.run("get", "mm", APP, "-n", NS, "-o", "wide");
            assertOk(wide);
            assertThat(wide.output()).contains("TTFT-P95(MS)", "ACCEPTED");

            kubectl.apply(rolloutYaml(450));
            replicaSet(CANARY, 2, 450);
            ClusterFixtures.awaitOneReadyPod("the canary pod", () -> pods(CANARY));
            reportStatus(Map.of("currentPodHash", CANARY, "stableRS", STABLE, "replicas", 2, "updatedReplicas", 1,
                    "readyReplicas", 2, "availableReplicas", 2, "phase", "Paused"));

            await("the canary's slower first token confirmed").atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
                ModelMonitorStatus s = status();
                assertThat(s.getJudgedTemplateHash()).isEqualTo(CANARY);
                assertThat(s.getObjectives()).anySatisfy(o -> {
                    assertThat(o.getMetric().name()).isEqualTo("ttftP95Ms");
                    assertThat(o.getCompareTo()).isNotNull();
                    assertThat(o.getState()).isEqualTo(ObjectiveState.Breached);
                    assertThat(o.getMessage()).contains("slower than the baseline by more than the margin");
                });
                assertThat(s.getPhase()).isEqualTo(Phase.Breached);
            });
            String failed = verdict(CANARY);
            assertThat(failed).contains("\"result\":\"Failed\"").as("says which objective, with the figures of both")
                    .containsPattern("\"reason\":\"ttftP95Ms [^\"]*lies above").contains("\"ttftP95Ms\":");
            assertThat(rollout().getStatus().getAbort()).as("the rollout tool decides, not the operator").isNotEqualTo(Boolean.TRUE);
            assertThat(people.failedCount()).isLessThan(people.sentCount() / 20);
        }
        assertThat(operator.calls()).as("calls by " + operator.user()).noneMatch(AuditLog.Call::forbidden);
    }

    /** The verdict API as a rollout tool's analysis calls it, about one revision, with its own token. */
    private static String verdict(String hash) throws Exception {
        Kubectl.Result token = kubectl.run("create", "token", "verdict-reader", "-n", NS, "--duration=10m",
                "--audience=model-monitor");
        assertOk(token);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://"
                + operator.pods().get(0).getStatus().getPodIP() + ":8082/v1/namespaces/" + NS + "/modelmonitors/" + APP
                + "/verdict?revision=" + hash)).header("Authorization", "Bearer " + token.output().trim())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The demo language model (OpenAI API on 8080), its first token {@code firstTokenMs} after the request. */
    private static PodTemplateSpec template(int firstTokenMs) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata().addToLabels("app", APP).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(10L)
                    .addNewContainer().withName("model").withImage(ClusterFixtures.IMAGE)
                        .withArgs("demo-llm", "8080", Integer.toString(firstTokenMs), "10", "0.0.0.0")
                        .addNewEnv().withName("JAVA_OPTS").withValue("-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1")
                        .endEnv()
                        .addNewPort().withName("http").withContainerPort(8080).endPort()
                        .withNewReadinessProbe().withNewHttpGet().withPath("/v1/models").withPort(new IntOrString("http"))
                        .endHttpGet().withPeriodSeconds(2).endReadinessProbe()
                    .endContainer()
                .endSpec().build();
    }

    private static String rolloutYaml(int firstTokenMs) {
        return """
                apiVersion: argoproj.io/v1alpha1
                kind: Rollout
                metadata: {name: %s, namespace: %s}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: %s}}
                  strategy:
                    canary:
                      steps: [{setWeight: 50}, {pause: {}}]
                  template: %s
                """.formatted(APP, NS, APP, Serialization.asJson(template(firstTokenMs)));
    }

    /** What Argo Rollouts creates for a revision: a ReplicaSet owned by the Rollout, its pods labelled with the hash. */
    private static void replicaSet(String hash, int revision, int firstTokenMs) {
        ArgoRollout owner = rollout();
        PodTemplateSpec template = template(firstTokenMs);
        template.getMetadata().getLabels().put("rollouts-pod-template-hash", hash);
        client.apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(APP + "-" + hash).withNamespace(NS)
                    .addToLabels("app", APP).addToLabels("rollouts-pod-template-hash", hash)
                    .addToAnnotations("rollout.argoproj.io/revision", Integer.toString(revision))
                    .addNewOwnerReference().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout")
                        .withName(APP).withUid(owner.getMetadata().getUid()).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withReplicas(1)
                    .withNewSelector().addToMatchLabels("app", APP).addToMatchLabels("rollouts-pod-template-hash", hash)
                    .endSelector()
                    .withTemplate(template)
                .endSpec().build()).create();
    }

    private static void reportStatus(Map<String, Object> fields) {
        ArgoRollout r = rollout();
        Map<String, Object> status = new LinkedHashMap<>(fields);
        status.put("observedGeneration", Long.toString(r.getMetadata().getGeneration()));
        client.resources(ArgoRollout.class).inNamespace(NS).withName(APP).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
    }

    private static List<Pod> pods(String hash) {
        return client.pods().inNamespace(NS).withLabel("rollouts-pod-template-hash", hash).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static String verdictReader() {
        return """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: verdict-reader, namespace: %1$s}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: verdict-reader, namespace: %1$s}
                rules: [{apiGroups: [modelmonitor.io], resources: [modelmonitors], verbs: [get]}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: verdict-reader, namespace: %1$s}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: verdict-reader}
                subjects: [{kind: ServiceAccount, name: verdict-reader, namespace: %1$s}]
                """.formatted(NS);
    }

    /** Rollbacks off: Argo Rollouts is in charge and asks the verdict API, as under its AnalysisTemplate. */
    private static String monitorYaml() {
        return """
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  target: {kind: Rollout, name: %1$s, container: model, port: 8080}
                  model: {task: generation, protocol: openai, segment: {header: X-Segment}}
                  groundTruth: {tokenSecretRef: {name: chat-feedback-token, key: token}}
                  collector: {injection: webhook}
                  evaluation: {interval: 2s, window: 1m, warmup: 5s, minSamples: 100, confidence: 0.95, consecutiveBreaches: 2}
                  objectives:
                    - {metric: ttftP95Ms, max: 300}
                    - {metric: ttftP95Ms, compareTo: baseline, margin: 100}
                    - {metric: acceptanceRate, min: 0.6}
                  rollback: {enabled: false}
                """.formatted(APP, NS);
    }

    private static ArgoRollout rollout() {
        return client.resources(ArgoRollout.class).inNamespace(NS).withName(APP).get();
    }

    private static ModelMonitorStatus status() {
        return Monitors.status(client, NS, APP);
    }
}

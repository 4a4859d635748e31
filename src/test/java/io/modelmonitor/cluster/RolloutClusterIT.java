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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.RollbackMethod;
import io.modelmonitor.operator.target.argo.ArgoRollout;
import io.modelmonitor.sandbox.TrafficGenerator;
import io.modelmonitor.testsupport.Monitors;

/**
 * An Argo Rollouts {@code Rollout} as the target, on the real API server with our minimal Rollout CRD. Argo's
 * controller is not run: {@link ArgoStandIn} plays its part (the ReplicaSets of each revision, the status it reports,
 * its response to an abort), and the real ReplicaSet controller, scheduler and webhook make the pods. The monitor
 * injects by webhook and judges the stable revision, then a canary paused at a step with half the traffic: a worse
 * classifier is aborted through the Rollout's status (as {@code kubectl argo rollouts abort}) with the template left
 * as Git has it; a language model whose first token is slower is failed through the verdict API, which the rollout
 * tool asks when it is in charge.
 */
@ExtendWith(ClusterDiagnostics.class)
class RolloutClusterIT {

    private static final String NS = "rollouts";
    private static final String APP = "churn-model";
    private static final String STABLE = "5d8c7b9f4";
    private static final String CANARY = "7f6b4d8c9";
    private static final String LLM_NS = "assistants";
    private static final String LLM_APP = "support-chat";
    private static final String LLM_STABLE = "6c9d7b8f5";
    private static final String LLM_CANARY = "84f5c6d7b";
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
        operator = OperatorRelease.install(cluster, "ro", "ro-system", Map.of("leaderElection.enabled", false,
                "replicaCount", 1));
    }

    @AfterAll
    static void uninstall() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void aCanaryThatBreachesIsAbortedThroughTheRolloutItself() throws Exception {
        String token = UUID.randomUUID().toString();
        ClusterFixtures.injectedNamespace(kubectl, NS, "churn-feedback-token", token);
        ArgoStandIn argo = new ArgoStandIn(client, NS, APP);
        kubectl.apply(argo.rolloutYaml(model(0.95)));
        kubectl.apply(monitorYaml());

        // Argo Rollouts' first revision: its ReplicaSet, then the status it reports once the pod is ready.
        argo.replicaSet(STABLE, 1, model(0.95));
        argo.awaitReadyPod(STABLE);
        argo.reportStatus(Map.of("currentPodHash", STABLE, "stableRS", STABLE, "replicas", 1, "updatedReplicas", 1,
                "readyReplicas", 1, "availableReplicas", 1, "phase", "Healthy"));
        assertThat(argo.pods(STABLE)).singleElement().satisfies(p -> assertThat(containers(p))
                .containsExactly("model", "modelmonitor-collector"));

        try (TrafficGenerator traffic = new TrafficGenerator(client, NS, APP, token, 60).start()) {
            await("the stable revision judged Healthy").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(status().getPhase()).isEqualTo(Phase.Healthy);
                assertThat(status().getLastKnownGoodTemplateHash()).isEqualTo(STABLE);
            });

            // A worse model from Git; Argo starts the canary (one pod beside the stable one) and pauses at its step.
            kubectl.apply(argo.rolloutYaml(model(0.60)));
            argo.replicaSet(CANARY, 2, model(0.60));
            argo.awaitReadyPod(CANARY);
            argo.reportStatus(Map.of("currentPodHash", CANARY, "stableRS", STABLE, "replicas", 2, "updatedReplicas", 1,
                    "readyReplicas", 2, "availableReplicas", 2, "phase", "Paused"));

            await("the canary's breach confirmed and its update aborted").atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
                assertThat(argo.rollout().getStatus().getAbort()).isTrue();
                ModelMonitorStatus s = status();
                assertThat(s.getLastRollback()).isNotNull();
                assertThat(s.getPhase()).isEqualTo(Phase.RollingBack);
            });
            ModelMonitorStatus aborting = status();
            assertThat(aborting.getLastRollback().getMethod()).isEqualTo(RollbackMethod.abort);
            assertThat(aborting.getLastRollback().getFromTemplateHash()).isEqualTo(CANARY);
            assertThat(aborting.getLastRollback().getToTemplateHash()).isEqualTo(STABLE);
            assertThat(aborting.getLastRollback().getFromRevision()).isEqualTo(2L);
            assertThat(aborting.getLastRollback().getToRevision()).isEqualTo(1L);
            assertThat(argo.rollout().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                    .as("the template stays as Git has it: Argo Rollouts goes back, not the operator").contains("0.60");

            // Argo Rollouts acts on the abort: the canary scaled down, the stable revision serves alone.
            client.apps().replicaSets().inNamespace(NS).withName(APP + "-" + CANARY).scale(0);
            await("the canary pod gone").atMost(Duration.ofSeconds(60)).until(() -> argo.pods(CANARY).isEmpty());
            argo.reportStatus(Map.of("currentPodHash", CANARY, "stableRS", STABLE, "replicas", 1, "updatedReplicas", 0,
                    "readyReplicas", 1, "availableReplicas", 1, "phase", "Degraded", "abort", true,
                    "abortedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
            await("rolled back, then the stable revision judged again").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                ModelMonitorStatus s = status();
                assertThat(Monitors.condition(s, "RolledBack").getStatus()).isEqualTo("True");
                assertThat(Monitors.condition(s, "RolledBack").getMessage()).contains("aborted its update");
                assertThat(s.getPhase()).isEqualTo(Phase.Healthy);
                assertThat(s.getJudgedTemplateHash()).isEqualTo(STABLE);
            });
        }

        assertOk(kubectl.run("delete", "mm", APP, "-n", NS, "--wait=true", "--timeout=60s"));
        ArgoRollout after = argo.rollout();
        assertThat(containers(after.getSpec().getTemplate().getSpec())).as("never edited").containsExactly("model");
        assertThat(after.getMetadata().getAnnotations() == null ? Map.<String, String>of() : after.getMetadata().getAnnotations())
                .as("no intent left behind").isNotNull().satisfies(a -> assertThat(a.keySet())
                        .noneMatch(k -> k.startsWith("modelmonitor.io/")));

        List<AuditLog.Call> calls = operator.calls();
        assertThat(calls).as("calls by " + operator.user()).noneMatch(AuditLog.Call::forbidden);
        assertThat(calls).extracting(AuditLog.Call::permission).contains("argoproj.io/rollouts watch",
                "argoproj.io/rollouts/status patch", "apps/replicasets list");
    }

    @Test
    void aLanguageModelsCanaryWithASlowerFirstTokenFailsThroughTheVerdictApi() throws Exception {
        String token = UUID.randomUUID().toString();
        ClusterFixtures.injectedNamespace(kubectl, LLM_NS, "chat-feedback-token", token);
        ArgoStandIn argo = new ArgoStandIn(client, LLM_NS, LLM_APP);
        kubectl.apply(argo.rolloutYaml(languageModel(80)));
        kubectl.apply(languageModelMonitorYaml());
        ClusterFixtures.verdictReader(kubectl, LLM_NS);

        argo.replicaSet(LLM_STABLE, 1, languageModel(80));
        argo.awaitReadyPod(LLM_STABLE);
        argo.reportStatus(Map.of("currentPodHash", LLM_STABLE, "stableRS", LLM_STABLE, "replicas", 1, "updatedReplicas", 1,
                "readyReplicas", 1, "availableReplicas", 1, "phase", "Healthy"));
        assertThat(argo.pods(LLM_STABLE)).singleElement().satisfies(p -> assertThat(containers(p))
                .containsExactly("model", "modelmonitor-collector"));

        try (TrafficGenerator people = new TrafficGenerator(client, LLM_NS, LLM_APP, token, 60).chat(true).start()) {
            await("the stable revision judged Healthy").atMost(Duration.ofSeconds(150)).untilAsserted(() -> {
                ModelMonitorStatus s = Monitors.status(client, LLM_NS, LLM_APP);
                assertThat(s.getPhase()).isEqualTo(Phase.Healthy);
                assertThat(s.getMetrics().getGeneration().getTtftMs().getP95()).isLessThan(300.0);
                assertThat(s.getMetrics().getGeneration().getAcceptanceRate().getN()).isGreaterThanOrEqualTo(60);
            });
            assertThat(verdict(LLM_STABLE)).contains("\"result\":\"Successful\"");
            Kubectl.Result wide = kubectl.run("get", "mm", LLM_APP, "-n", LLM_NS, "-o", "wide");
            assertOk(wide);
            assertThat(wide.output()).contains("TTFT-P95(MS)", "ACCEPTED");

            kubectl.apply(argo.rolloutYaml(languageModel(450)));
            argo.replicaSet(LLM_CANARY, 2, languageModel(450));
            argo.awaitReadyPod(LLM_CANARY);
            argo.reportStatus(Map.of("currentPodHash", LLM_CANARY, "stableRS", LLM_STABLE, "replicas", 2, "updatedReplicas", 1,
                    "readyReplicas", 2, "availableReplicas", 2, "phase", "Paused"));

            await("the canary's slower first token confirmed").atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
                ModelMonitorStatus s = Monitors.status(client, LLM_NS, LLM_APP);
                assertThat(s.getJudgedTemplateHash()).isEqualTo(LLM_CANARY);
                assertThat(s.getObjectives()).anySatisfy(o -> {
                    assertThat(o.getMetric().name()).isEqualTo("ttftP95Ms");
                    assertThat(o.getCompareTo()).isNotNull();
                    assertThat(o.getState()).isEqualTo(ObjectiveState.Breached);
                    assertThat(o.getMessage()).contains("slower than the baseline by more than the margin");
                });
                assertThat(s.getPhase()).isEqualTo(Phase.Breached);
            });
            String failed = verdict(LLM_CANARY);
            assertThat(failed).contains("\"result\":\"Failed\"").as("says which objective, with the figures of both")
                    .containsPattern("\"reason\":\"ttftP95Ms [^\"]*lies above").contains("\"ttftP95Ms\":");
            assertThat(argo.rollout().getStatus().getAbort()).as("the rollout tool decides, not the operator").isNotEqualTo(Boolean.TRUE);
            assertThat(people.failedCount()).isLessThan(people.sentCount() / 20);
        }
        assertThat(operator.calls()).as("calls by " + operator.user()).noneMatch(AuditLog.Call::forbidden);
    }

    /** The verdict API as a rollout tool's analysis calls it, about one revision, with its own token. */
    private static String verdict(String hash) throws Exception {
        String token = ClusterFixtures.verdictToken(kubectl, LLM_NS, "verdict-reader");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://"
                + operator.pods().get(0).getStatus().getPodIP() + ":8082/v1/namespaces/" + LLM_NS + "/modelmonitors/" + LLM_APP
                + "/verdict?revision=" + hash)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The demo fraud model's pod template, right with probability {@code accuracy}. */
    private static PodTemplateSpec model(double accuracy) {
        return ClusterFixtures.demoModel(NS, APP, 1, accuracy).getSpec().getTemplate();
    }

    private static String monitorYaml() {
        return """
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  target: {kind: Rollout, name: %1$s, container: model, port: 8080}
                  model: {task: binary-classification, protocol: kserve-v1, positiveLabel: "1"}
                  groundTruth: {tokenSecretRef: {name: churn-feedback-token, key: token}}
                  collector: {injection: webhook}
                  evaluation: {interval: 2s, window: 1m, warmup: 5s, minSamples: 100, confidence: 0.95, consecutiveBreaches: 2}
                  objectives:
                    - {metric: accuracy, min: 0.9}
                  rollback: {enabled: true, to: lastKnownGood, cooldown: 10m}
                """.formatted(APP, NS);
    }

    /** The demo language model (OpenAI API on 8080), its first token {@code firstTokenMs} after the request. */
    private static PodTemplateSpec languageModel(int firstTokenMs) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata().addToLabels("app", LLM_APP).endMetadata()
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

    /** Rollbacks off: Argo Rollouts is in charge and asks the verdict API, as under its AnalysisTemplate. */
    private static String languageModelMonitorYaml() {
        return """
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  target: {kind: Rollout, name: %1$s, container: model, port: 8080}
                  model: {task: generation, protocol: openai, segment: {header: X-Segment}}
                  groundTruth: {tokenSecretRef: {name: chat-feedback-token, key: token}}
                  collector: {injection: webhook}
                  evaluation: {interval: 1s, window: 1m, warmup: 3s, minSamples: 60, confidence: 0.95, consecutiveBreaches: 2}
                  objectives:
                    - {metric: ttftP95Ms, max: 300}
                    - {metric: ttftP95Ms, compareTo: baseline, margin: 100}
                    - {metric: acceptanceRate, min: 0.6}
                  rollback: {enabled: false}
                """.formatted(LLM_APP, LLM_NS);
    }

    private static ModelMonitorStatus status() {
        return Monitors.status(client, NS, APP);
    }
}

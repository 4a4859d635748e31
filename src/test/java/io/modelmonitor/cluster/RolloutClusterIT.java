package io.modelmonitor.cluster;

import static io.modelmonitor.cluster.ClusterFixtures.containers;
import static io.modelmonitor.cluster.Kubectl.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.RollbackMethod;
import io.modelmonitor.operator.target.argo.ArgoRollout;
import io.modelmonitor.sandbox.TrafficGenerator;
import io.modelmonitor.testsupport.Monitors;

/**
 * An Argo Rollouts {@code Rollout} as the target, on the real API server with our minimal Rollout CRD. Argo's
 * controller is not run: the test plays its part (the ReplicaSets of each revision, the status it reports, its
 * response to an abort), and the real ReplicaSet controller, scheduler and webhook make the pods. The monitor injects
 * by webhook, judges the stable revision Healthy, then a canary paused at a step with half the traffic; on the
 * confirmed breach it aborts the update through the Rollout's status (as {@code kubectl argo rollouts abort}) and
 * leaves the template as Git has it.
 */
@ExtendWith(ClusterDiagnostics.class)
class RolloutClusterIT {

    private static final String NS = "rollouts";
    private static final String APP = "churn-model";
    private static final String STABLE = "5d8c7b9f4";
    private static final String CANARY = "7f6b4d8c9";
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
        kubectl.apply(rolloutYaml(0.95));
        kubectl.apply(monitorYaml());

        // Argo Rollouts' first revision: its ReplicaSet, then the status it reports once the pod is ready.
        replicaSet(STABLE, 1, 0.95);
        awaitReadyPod(STABLE);
        reportStatus(Map.of("currentPodHash", STABLE, "stableRS", STABLE, "replicas", 1, "updatedReplicas", 1,
                "readyReplicas", 1, "availableReplicas", 1, "phase", "Healthy"));
        assertThat(pods(STABLE)).singleElement().satisfies(p -> assertThat(containers(p))
                .containsExactly("model", "modelmonitor-collector"));

        try (TrafficGenerator traffic = new TrafficGenerator(client, NS, APP, token, 60).start()) {
            await("the stable revision judged Healthy").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(status().getPhase()).isEqualTo(Phase.Healthy);
                assertThat(status().getLastKnownGoodTemplateHash()).isEqualTo(STABLE);
            });

            // A worse model from Git; Argo starts the canary (one pod beside the stable one) and pauses at its step.
            kubectl.apply(rolloutYaml(0.60));
            replicaSet(CANARY, 2, 0.60);
            awaitReadyPod(CANARY);
            reportStatus(Map.of("currentPodHash", CANARY, "stableRS", STABLE, "replicas", 2, "updatedReplicas", 1,
                    "readyReplicas", 2, "availableReplicas", 2, "phase", "Paused"));

            await("the canary's breach confirmed and its update aborted").atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
                assertThat(rollout().getStatus().getAbort()).isTrue();
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
            assertThat(rollout().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                    .as("the template stays as Git has it: Argo Rollouts goes back, not the operator").contains("0.60");

            // Argo Rollouts acts on the abort: the canary scaled down, the stable revision serves alone.
            client.apps().replicaSets().inNamespace(NS).withName(APP + "-" + CANARY).scale(0);
            await("the canary pod gone").atMost(Duration.ofSeconds(60)).until(() -> pods(CANARY).isEmpty());
            reportStatus(Map.of("currentPodHash", CANARY, "stableRS", STABLE, "replicas", 1, "updatedReplicas", 0,
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
        ArgoRollout after = rollout();
        assertThat(containers(after.getSpec().getTemplate().getSpec())).as("never edited").containsExactly("model");
        assertThat(after.getMetadata().getAnnotations() == null ? Map.<String, String>of() : after.getMetadata().getAnnotations())
                .as("no intent left behind").isNotNull().satisfies(a -> assertThat(a.keySet())
                        .noneMatch(k -> k.startsWith("modelmonitor.io/")));

        List<AuditLog.Call> calls = operator.calls();
        assertThat(calls).as("calls by " + operator.user()).noneMatch(AuditLog.Call::forbidden);
        assertThat(calls).extracting(AuditLog.Call::permission).contains("argoproj.io/rollouts watch",
                "argoproj.io/rollouts/status patch", "apps/replicasets list");
    }

    private static String rolloutYaml(double accuracy) {
        Deployment model = ClusterFixtures.demoModel(NS, APP, 1, accuracy);
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
                """.formatted(APP, NS, APP, Serialization.asJson(model.getSpec().getTemplate()));
    }

    /** What Argo Rollouts creates for a revision: a ReplicaSet owned by the Rollout, its pods labelled with the hash. */
    private static void replicaSet(String hash, int revision, double accuracy) {
        ArgoRollout owner = rollout();
        PodTemplateSpec template = ClusterFixtures.demoModel(NS, APP, 1, accuracy).getSpec().getTemplate();
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

    /** The status Argo Rollouts reports, for the generation it has seen (the Rollout's current one). */
    private static void reportStatus(Map<String, Object> fields) {
        ArgoRollout r = rollout();
        Map<String, Object> status = new LinkedHashMap<>(fields);
        status.put("observedGeneration", Long.toString(r.getMetadata().getGeneration()));
        client.resources(ArgoRollout.class).inNamespace(NS).withName(APP).subresource("status")
                .patch(PatchContext.of(
                        PatchType.JSON_MERGE),
                        Serialization.asJson(Map.of("status", status)));
    }

    private static void awaitReadyPod(String hash) {
        ClusterFixtures.awaitOneReadyPod("the pod of revision " + hash, () -> pods(hash));
    }

    private static List<Pod> pods(String hash) {
        return client.pods().inNamespace(NS).withLabel("rollouts-pod-template-hash", hash).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
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

    private static ArgoRollout rollout() {
        return client.resources(ArgoRollout.class).inNamespace(NS).withName(APP).get();
    }

    private static ModelMonitorStatus status() {
        return Monitors.status(client, NS, APP);
    }
}

package io.modelmonitor.cluster;

import static io.modelmonitor.cluster.Kubectl.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.sandbox.TrafficGenerator;
import io.modelmonitor.testsupport.Monitors;

/**
 * A StatefulSet as the target, on the real StatefulSet controller (one replica, to keep the suite short: the
 * controller replaces pods one at a time anyway): the collector injected into its template and rolled out, the model judged Healthy on traffic and labels, a worse revision applied with kubectl,
 * the breach confirmed and the revision restored from its ControllerRevision (as {@code kubectl rollout undo
 * statefulset} does), recovered; deleting the monitor gives back the team's template; every call allowed.
 */
@ExtendWith(ClusterDiagnostics.class)
class StatefulSetClusterIT {

    private static final String NS = "stateful";
    private static final String APP = "fraud-detector";
    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static Kubectl kubectl;
    private static OperatorRelease operator;

    @BeforeAll
    static void install() {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        kubectl = cluster.kubectl();
        operator = OperatorRelease.install(cluster, "sts", "sts-system", Map.of("leaderElection.enabled", false,
                "replicaCount", 1));
    }

    @AfterAll
    static void uninstall() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void aStatefulSetIsInjectedJudgedRolledBackAndGivenBack() throws Exception {
        String token = UUID.randomUUID().toString();
        kubectl.apply("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: %1$s}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: fraud-feedback-token, namespace: %1$s}
                stringData: {token: "%2$s"}
                """.formatted(NS, token));
        kubectl.apply(Serialization.asYaml(ClusterFixtures.demoModelStatefulSet(NS, APP, 1, 0.95)));
        assertOk(kubectl.run("rollout", "status", "statefulset/" + APP, "-n", NS, "--timeout=120s"));
        PodTemplateSpec userTemplate = set().getSpec().getTemplate();

        kubectl.apply(monitorYaml());
        await("the collector injected and rolled out").atMost(Duration.ofSeconds(150)).untilAsserted(() -> {
            StatefulSet s = set();
            assertThat(s.getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName())
                    .containsExactly("model", "modelmonitor-collector");
            assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(1);
            assertThat(s.getStatus().getReadyReplicas()).isEqualTo(1);
            assertThat(s.getStatus().getCurrentRevision()).isEqualTo(s.getStatus().getUpdateRevision());
            assertThat(status().getCollectors()).as("collectors in status").isNotNull()
                    .satisfies(c -> assertThat(c.getReady()).isEqualTo(1));
        });

        try (TrafficGenerator traffic = new TrafficGenerator(client, NS, APP, token, 60).start()) {
            await("judged Healthy").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(status().getPhase()).isEqualTo(Phase.Healthy);
                assertThat(status().getLastKnownGoodTemplateHash()).isEqualTo(set().getStatus().getUpdateRevision());
            });
            long goodRevision = status().getTargetRevision();
            String goodHash = status().getLastKnownGoodTemplateHash();

            kubectl.apply(Serialization.asYaml(ClusterFixtures.demoModelStatefulSet(NS, APP, 1, 0.60)));
            await("the breach confirmed and the revision restored").atMost(Duration.ofSeconds(240)).untilAsserted(() -> {
                ModelMonitorStatus s = status();
                assertThat(s.getLastRollback()).isNotNull();
                assertThat(s.getPhase()).isIn(Phase.RolledBack, Phase.Healthy);
            });
            ModelMonitorStatus rolledBack = status();
            assertThat(rolledBack.getLastRollback().getFromRevision()).isEqualTo(goodRevision + 1);
            assertThat(rolledBack.getLastRollback().getToRevision()).isEqualTo(goodRevision);
            assertThat(rolledBack.getLastRollback().getToTemplateHash()).isEqualTo(goodHash);
            assertThat(rolledBack.getLastRollback().getObjective().name()).isEqualTo("accuracy");
            assertThat(set().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("0.95");
            await("recovered on the restored revision, every pod replaced").atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
                assertThat(status().getPhase()).isEqualTo(Phase.Healthy);
                assertThat(set().getStatus().getCurrentRevision()).isEqualTo(goodHash);
            });
        }

        assertOk(kubectl.run("delete", "mm", APP, "-n", NS, "--wait=true", "--timeout=60s"));
        assertThat(Serialization.asJson(set().getSpec().getTemplate())).as("the team's v1 template, collector gone")
                .isEqualTo(Serialization.asJson(userTemplate));
        assertThat(set().getMetadata().getAnnotations().keySet()).noneMatch(k -> k.startsWith("modelmonitor.io/"));

        List<AuditLog.Call> calls = operator.calls();
        assertThat(calls).as("calls by " + operator.user()).noneMatch(AuditLog.Call::forbidden);
        assertThat(calls).extracting(AuditLog.Call::permission).contains("apps/statefulsets patch",
                "apps/statefulsets watch", "apps/controllerrevisions list");
    }

    private static String monitorYaml() {
        return """
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  target: {kind: StatefulSet, name: %1$s, container: model, port: 8080}
                  collector: {injection: template}
                  model: {task: binary-classification, protocol: kserve-v1, positiveLabel: "1"}
                  groundTruth: {tokenSecretRef: {name: fraud-feedback-token, key: token}}
                  evaluation: {interval: 2s, window: 1m, warmup: 5s, minSamples: 100, confidence: 0.95, consecutiveBreaches: 2}
                  objectives:
                    - {metric: accuracy, min: 0.9}
                  rollback: {enabled: true, to: lastKnownGood, cooldown: 10m}
                """.formatted(APP, NS);
    }

    private static StatefulSet set() {
        return client.apps().statefulSets().inNamespace(NS).withName(APP).get();
    }

    private static ModelMonitorStatus status() {
        return Monitors.status(client, NS, APP);
    }
}

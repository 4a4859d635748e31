package io.modelmonitor.cluster;

import static io.modelmonitor.cluster.ClusterFixtures.containers;
import static io.modelmonitor.cluster.Kubectl.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.RollbackMethod;
import io.modelmonitor.operator.target.kserve.KServeInferenceService;
import io.modelmonitor.sandbox.TrafficGenerator;
import io.modelmonitor.testsupport.Monitors;

/**
 * A KServe {@code InferenceService} in raw deployment mode as the target, on the real API server with our minimal
 * InferenceService CRD. KServe's controller is not run: the test plays its part (a Deployment per predictor variant,
 * labelled as KServe labels them, and the status it reports), and the real Deployment controller, scheduler and
 * webhook make the pods. The monitor judges the predictor Healthy, then a canary taking half the traffic; on the
 * confirmed breach it sets that canary's {@code trafficPercent} to 0 in the InferenceService, writes nothing else on
 * it, and reports the rollback done once KServe has applied it.
 */
@ExtendWith(ClusterDiagnostics.class)
class InferenceServiceClusterIT {

    private static final String NS = "kserve-models";
    private static final String ISVC = "churn";
    private static final Map<String, String> PREDICTOR_PODS = Map.of("serving.kserve.io/inferenceservice", ISVC,
            "component", "predictor");
    private static final String CANARY_AT_50 = """
              canary:
                - predictor: {name: v2, model: {modelFormat: {name: sklearn}, storageUri: "gs://models/churn/2"}}
                  trafficPercent: 50
            """;
    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static Kubectl kubectl;
    private static OperatorRelease operator;

    @BeforeAll
    static void install() throws Exception {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        kubectl = cluster.kubectl();
        ClusterFixtures.installCrd(kubectl, "serving.kserve.io_inferenceservices.yaml", "inferenceservices.serving.kserve.io");
        operator = OperatorRelease.install(cluster, "ks", "ks-system", Map.of("leaderElection.enabled", false,
                "replicaCount", 1));
    }

    @AfterAll
    static void uninstall() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void aCanaryThatBreachesIsSentNoTrafficThroughTheInferenceServiceItself() throws Exception {
        String token = UUID.randomUUID().toString();
        ClusterFixtures.injectedNamespace(kubectl, NS, "churn-feedback-token", token);
        kubectl.apply(isvcYaml(""));
        kubectl.apply(monitorYaml());

        // KServe's predictor Deployment; the real Deployment controller makes its pod, the webhook its collector.
        predictorDeployment("churn-predictor", 0.95, 1);
        String stable = awaitReadyPod("churn-predictor").getMetadata().getLabels().get("pod-template-hash");
        reportStatus(List.of());
        assertThat(pods("churn-predictor")).singleElement().satisfies(p -> assertThat(containers(p))
                .containsExactly("kserve-container", "modelmonitor-collector"));

        try (TrafficGenerator traffic = new TrafficGenerator(client, NS, PREDICTOR_PODS, token, 60, 1.0).start()) {
            await("the predictor judged Healthy").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(status().getPhase()).isEqualTo(Phase.Healthy);
                assertThat(status().getLastKnownGoodTemplateHash()).isEqualTo(stable);
            });

            // The order of the operator's two writes, by the API server's own count: a resourceVersion is etcd's
            // revision, which grows across every object of one etcd (opaque to clients, exact for this test).
            AtomicLong rollbackStored = new AtomicLong();
            AtomicLong trafficWithdrawn = new AtomicLong();
            Watch monitorWatch = client.resources(ModelMonitor.class).inNamespace(NS)
                    .withName(ISVC).watch(firstWrite(m -> m.getStatus() != null && m.getStatus().getLastRollback() != null,
                            rollbackStored));
            Watch isvcWatch = client.resources(KServeInferenceService.class).inNamespace(NS).withName(ISVC)
                    .watch(firstWrite(i -> i.getSpec().getCanary() != null && !i.getSpec().getCanary().isEmpty()
                            && Integer.valueOf(0).equals(i.getSpec().getCanary().get(0).getTrafficPercent()), trafficWithdrawn));

            // A worse model as a canary with half the traffic (KServe splits it by replicas: one pod each).
            kubectl.apply(isvcYaml(CANARY_AT_50));
            predictorDeployment("churn-v2-predictor", 0.60, 1);
            String canary = awaitReadyPod("churn-v2-predictor").getMetadata().getLabels().get("pod-template-hash");
            reportStatus(List.of(Map.of("name", "v2", "ready", true, "trafficPercent", 50)));

            await("the canary's breach confirmed and its traffic withdrawn").atMost(Duration.ofSeconds(180))
                    .untilAsserted(() -> {
                        assertThat(isvc().getSpec().getCanary().get(0).getTrafficPercent()).isZero();
                        assertThat(status().getLastRollback()).isNotNull();
                        assertThat(status().getPhase()).isEqualTo(Phase.RollingBack);
                    });
            await("both writes seen").atMost(Duration.ofSeconds(10))
                    .until(() -> rollbackStored.get() > 0 && trafficWithdrawn.get() > 0);
            monitorWatch.close();
            isvcWatch.close();
            assertThat(rollbackStored.get()).as("the rollback stored in the monitor's status before the canary's traffic "
                    + "is withdrawn: KServe takes no annotation for the intent, so an operator stopping between the two "
                    + "finds it there").isLessThan(trafficWithdrawn.get());
            ModelMonitorStatus rolling = status();
            assertThat(rolling.getLastRollback().getMethod()).isEqualTo(RollbackMethod.shiftTraffic);
            assertThat(rolling.getLastRollback().getFromTemplateHash()).isEqualTo(canary);
            assertThat(rolling.getLastRollback().getToTemplateHash()).isEqualTo(stable);
            assertThat(rolling.getLastRollback().getFromRevision()).isEqualTo(2L);
            assertThat(rolling.getLastRollback().getToRevision()).isEqualTo(1L);
            assertThat(kubectl.run("get", "isvc", ISVC, "-n", NS, "-o", "json").output())
                    .as("the canary's model stays as Git has it").contains("gs://models/churn/2");

            // KServe applies it: the canary scaled to nothing, reported at 0 %.
            client.apps().deployments().inNamespace(NS).withName("churn-v2-predictor").scale(0);
            await("the canary pod gone").atMost(Duration.ofSeconds(60)).until(() -> pods("churn-v2-predictor").isEmpty());
            reportStatus(List.of(Map.of("name", "v2", "ready", false, "trafficPercent", 0)));
            await("rolled back, then the predictor judged again").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                ModelMonitorStatus s = status();
                assertThat(Monitors.condition(s, "RolledBack").getStatus()).isEqualTo("True");
                assertThat(Monitors.condition(s, "RolledBack").getMessage()).contains("sends canary v2 no traffic");
                assertThat(s.getPhase()).isEqualTo(Phase.Healthy);
                assertThat(s.getJudgedTemplateHash()).isEqualTo(stable);
            });

            assertThat(isvc().getMetadata().getManagedFields())
                    .filteredOn(f -> !f.getManager().startsWith("kubectl") && (f.getSubresource() == null
                            || f.getSubresource().isEmpty()))
                    .extracting(f -> Serialization.asJson(f.getFieldsV1()))
                    .as("the operator's one write: spec.canary, an atomic list, owned whole")
                    .containsExactly("{\"f:spec\":{\"f:canary\":{}}}");

            // A GitOps sync puts the canary's traffic back, as the repository still says: reported, not fought over.
            kubectl.apply(isvcYaml(CANARY_AT_50));
            await("the revert reported").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(Monitors.condition(status(), "RolledBack")).satisfies(c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("RollbackReverted");
                    }));
            assertThat(Monitors.events(client, NS)).extracting(e -> e.getReason()).contains("RollbackReverted");
        }

        assertOk(kubectl.run("delete", "mm", ISVC, "-n", NS, "--wait=true", "--timeout=60s"));
        KServeInferenceService after = isvc();
        assertThat(after.getMetadata().getAnnotations().keySet()).as("nothing written on it: KServe copies its "
                + "annotations onto the predictor's pods").noneMatch(k -> k.startsWith("modelmonitor.io/"));
        assertThat(containers(client.apps().deployments().inNamespace(NS).withName("churn-predictor").get().getSpec()
                .getTemplate().getSpec())).as("KServe's Deployment never edited").containsExactly("kserve-container");

        List<AuditLog.Call> calls = operator.calls();
        assertThat(calls).as("calls by " + operator.user()).noneMatch(AuditLog.Call::forbidden);
        assertThat(calls).extracting(AuditLog.Call::permission).contains("serving.kserve.io/inferenceservices watch",
                "serving.kserve.io/inferenceservices patch", "apps/deployments get");
    }

    private static String isvcYaml(String canary) {
        return """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata:
                  name: %s
                  namespace: %s
                  annotations: {serving.kserve.io/deploymentMode: RawDeployment}
                spec:
                  predictor:
                    model: {modelFormat: {name: sklearn}, storageUri: "gs://models/churn/1"}
                %s""".formatted(ISVC, NS, canary);
    }

    /** What KServe makes for a variant: a Deployment owned by the InferenceService, its pods labelled as KServe's. */
    private static void predictorDeployment(String name, double accuracy, int replicas) {
        KServeInferenceService owner = isvc();
        PodTemplateSpec template = ClusterFixtures.demoModel(NS, name, replicas, accuracy).getSpec().getTemplate();
        template.getSpec().getContainers().get(0).setName("kserve-container");
        template.getMetadata().setLabels(new LinkedHashMap<>(Map.of("app", "isvc." + name)));
        template.getMetadata().getLabels().putAll(PREDICTOR_PODS);
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).addToLabels(PREDICTOR_PODS)
                    .addNewOwnerReference().withApiVersion("serving.kserve.io/v1beta1").withKind("InferenceService")
                        .withName(ISVC).withUid(owner.getMetadata().getUid()).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withReplicas(replicas)
                    .withNewSelector().addToMatchLabels("app", "isvc." + name).endSelector()
                    .withTemplate(template)
                .endSpec().build()).create();
    }

    /** The status KServe reports, for the generation it has seen (the InferenceService's current one). */
    private static void reportStatus(List<Map<String, Object>> canaries) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("observedGeneration", isvc().getMetadata().getGeneration());
        status.put("conditions", List.of(Map.of("type", "Ready", "status", "True")));
        status.put("canaryStatuses", canaries);
        client.resources(KServeInferenceService.class).inNamespace(NS).withName(ISVC).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
    }

    private static Pod awaitReadyPod(String deployment) {
        return ClusterFixtures.awaitOneReadyPod("the pod of " + deployment, () -> pods(deployment));
    }

    private static List<Pod> pods(String deployment) {
        return client.pods().inNamespace(NS).withLabel("app", "isvc." + deployment).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static String monitorYaml() {
        return """
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  target: {kind: InferenceService, name: %1$s, container: kserve-container, port: 8080}
                  model: {task: binary-classification, protocol: kserve-v1, positiveLabel: "1"}
                  groundTruth: {tokenSecretRef: {name: churn-feedback-token, key: token}}
                  collector: {injection: webhook}
                  evaluation: {interval: 2s, window: 1m, warmup: 5s, minSamples: 100, confidence: 0.95, consecutiveBreaches: 2}
                  objectives:
                    - {metric: accuracy, min: 0.9}
                  rollback: {enabled: true, to: lastKnownGood, cooldown: 10m}
                """.formatted(ISVC, NS);
    }

    /** Notes the resourceVersion of the first write after which {@code done} holds. */
    private static <T extends HasMetadata> Watcher<T> firstWrite(Predicate<T> done,
            AtomicLong at) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, T object) {
                if (action == Action.MODIFIED && done.test(object)) {
                    at.compareAndSet(0, Long.parseLong(object.getMetadata().getResourceVersion()));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        };
    }

    private static KServeInferenceService isvc() {
        return client.resources(KServeInferenceService.class).inNamespace(NS).withName(ISVC).get();
    }

    private static ModelMonitorStatus status() {
        return Monitors.status(client, NS, ISVC);
    }
}

package io.modelmonitor.cluster;

import static io.modelmonitor.cluster.Kubectl.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.operator.ArgoAnalysis;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.operator.WebhookReceiver;
import io.modelmonitor.sandbox.TrafficGenerator;
import io.modelmonitor.testsupport.Fixtures;
import io.modelmonitor.testsupport.Monitors;

/**
 * The whole loop on the real Deployment controller, as a platform team lives it: the chart installed by Helm, a
 * model applied with kubectl, a ModelMonitor applied with kubectl; the collector injected and rolled out pod by pod,
 * traffic and delayed labels, Healthy; a worse revision applied with kubectl; the breach confirmed, the rollback
 * (the real controller renumbers the restored revision, as {@code kubectl rollout undo} does), recovery, alerts;
 * a revision whose model process exits at start rolled back without a label (availability, readinessTimeout);
 * a rollout tool reading the verdict API with a ServiceAccount token the real API server checks (401 without one,
 * 403 without get on the monitor; the Argo Rollouts example measured by Argo's rules reads Successful, then Failed
 * for the revision rolled back); deleting the monitor gives back the Deployment and the Service exactly as they
 * were; and every call the operator
 * made was allowed by the chart's ClusterRole, as the API server's own authorizer decided.
 */
@ExtendWith(ClusterDiagnostics.class)
class ModelLoopClusterIT {

    private static final String NS = "shop";
    private static final String APP = "fraud-detector";
    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static Kubectl kubectl;
    private static OperatorRelease operator;
    private static WebhookReceiver receiver;
    private static ArgoAnalysis argo;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void installOperator() throws Exception {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        kubectl = cluster.kubectl();
        operator = OperatorRelease.install(cluster, "loop", "loop-system", OperatorRelease.quickFailover());
        receiver = new WebhookReceiver(PodNetwork.GATEWAY);
        argo = ArgoAnalysis.fromExample();
    }

    @AfterAll
    static void uninstall() {
        if (receiver != null) {
            receiver.close();
        }
        if (operator != null) {
            operator.close();
        }
    }

    /** What every operator replica printed (the elected one decides; the others wait). */
    private static String operatorLog() {
        return client.pods().inNamespace("loop-system").list().getItems().stream()
                .map(p -> NodeAgent.log("loop-system", p.getMetadata().getName(), "operator"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private static JsonNode json(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    @Test
    void breachRollbackRecoveryAndAFaithfulCleanUpOnTheRealDeploymentController() throws Exception {
        String token = UUID.randomUUID().toString();
        kubectl.apply(namespaceAndSecrets(token));
        kubectl.apply(Serialization.asYaml(ClusterFixtures.demoModel(NS, APP, 2, 0.95)) + "---\n"
                + Serialization.asYaml(Fixtures.modelService(NS, APP)));
        assertOk(kubectl.run("rollout", "status", "deployment/" + APP, "-n", NS, "--timeout=120s"));
        PodTemplateSpec userTemplate = deployment().getSpec().getTemplate();
        ServiceSpec userService = client.services().inNamespace(NS).withName(APP).get().getSpec();

        kubectl.apply(monitorYaml());
        await("the collector injected and rolled out").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            Deployment d = deployment();
            assertThat(d.getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName())
                    .containsExactly("model", "modelmonitor-collector");
            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(2);
            assertThat(d.getStatus().getReadyReplicas()).isEqualTo(2);
            assertThat(d.getStatus().getReplicas()).isEqualTo(2);
        });
        await("the Service routed through the collector").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(client.services().inNamespace(NS).withName(APP).get().getSpec().getPorts().get(0).getTargetPort())
                        .isEqualTo(new IntOrString("mm-data")));

        try (TrafficGenerator traffic = new TrafficGenerator(client, NS, APP, token, 40).start()) {
            Kubectl.Result ready = kubectl.run("wait", "--for=condition=Ready", "mm/" + APP, "-n", NS, "--timeout=120s");
            assertOk(ready);
            await("v1 judged Healthy").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(status().getPhase()).isEqualTo(Phase.Healthy);
                assertThat(status().getLastKnownGoodRevision()).isEqualTo(2L);
            });
            assertTheVerdictApiAuthenticatesThroughTheApiServer("Successful");
            Kubectl.Result table = kubectl.run("get", "mm", "-n", NS);
            assertThat(table.output()).containsPattern("NAME\\s+TARGET\\s+PHASE\\s+ACCURACY\\s+P99\\(MS\\)\\s+ERRORS\\s+AGE")
                    .containsPattern(APP + "\\s+" + APP + "\\s+Healthy\\s+0\\.9");

            // v2, worse, applied the way it was created: kubectl apply of the team's manifest.
            kubectl.apply(Serialization.asYaml(ClusterFixtures.demoModel(NS, APP, 2, 0.60)));
            await("the breach confirmed and rolled back").atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
                ModelMonitorStatus s = status();
                assertThat(s.getLastRollback()).isNotNull();
                assertThat(s.getPhase()).isIn(Phase.RolledBack, Phase.Healthy);
            });
            ModelMonitorStatus rolledBack = status();
            assertThat(rolledBack.getLastRollback().getFromRevision()).isEqualTo(3L);
            assertThat(rolledBack.getLastRollback().getToRevision()).isEqualTo(2L);
            assertThat(rolledBack.getLastRollback().getObjective().name()).isEqualTo("accuracy");
            Deployment restored = deployment();
            assertThat(restored.getMetadata().getAnnotations()).as("renumbered by the real controller, as rollout undo")
                    .containsEntry("deployment.kubernetes.io/revision", "4");
            assertThat(restored.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("0.95");
            List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(NS).withLabel("app", APP).list().getItems();
            assertThat(sets).filteredOn(rs -> rolledBack.getLastRollback().getToTemplateHash()
                    .equals(rs.getMetadata().getLabels().get("pod-template-hash"))).singleElement()
                    .satisfies(rs -> assertThat(rs.getMetadata().getAnnotations())
                            .containsEntry("deployment.kubernetes.io/revision", "4"));

            // The revision rolled back is Failed for a rollout tool asking about it by its hash.
            assertThat(argo.measure(verdictBase(), NS, Map.of("monitor", APP, "canary-hash",
                    rolledBack.getLastRollback().getFromTemplateHash(), "token", token("verdict-reader"))))
                    .isEqualTo("Failed \"Failed\"");
            await("recovered on the restored revision").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(status().getPhase()).isEqualTo(Phase.Healthy);
                assertThat(events()).extracting(Event::getReason).contains("Recovered");
            });
            assertThat(events()).extracting(Event::getReason).contains("SidecarInjected", "ServiceRouted",
                    "ObjectiveBreached", "RollbackTriggered", "RollbackSucceeded");
            await("alerts delivered").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(receiver.events("breach")).isNotEmpty();
                assertThat(receiver.events("rollback")).isNotEmpty();
                assertThat(receiver.events("rollbackSucceeded")).isNotEmpty();
                assertThat(receiver.events("recovery")).isNotEmpty();
            });
            // Each decision once, as one JSON record with its fields (the chart's default logs.format: json), for a
            // log pipeline to keep the history longer than the API server keeps Events.
            List<JsonNode> decisions = operatorLog().lines().filter(l -> l.startsWith("{")).map(ModelLoopClusterIT::json)
                    .filter(j -> "io.modelmonitor.decisions".equals(j.path("loggerName").asText())
                            && APP.equals(j.at("/mdc/monitor").asText()))
                    .toList();
            assertThat(decisions).extracting(j -> j.at("/mdc/reason").asText()).containsSubsequence("ObjectiveBreached",
                    "RollbackTriggered", "RollbackSucceeded", "Recovered");
            assertThat(decisions).filteredOn(j -> j.at("/mdc/reason").asText().equals("ObjectiveBreached")).singleElement()
                    .satisfies(j -> {
                        assertThat(j.at("/mdc/namespace").asText()).isEqualTo(NS);
                        assertThat(j.at("/mdc/objective").asText()).isEqualTo("accuracy");
                        assertThat(j.at("/mdc/severity").asText()).isEqualTo("critical");
                        assertThat(j.at("/mdc/revision").asText()).isEqualTo("3");
                        assertThat(j.path("message").asText()).contains("accuracy", "for 2 evaluations in a row");
                    });

            // v3 never becomes ready: its model process really exits at start, again and again (CrashLoopBackOff
            // on the node). No label is needed: the built-in availability objective breaches after readinessTimeout.
            kubectl.run("patch", "mm", APP, "-n", NS, "--type=merge", "-p", "{\"spec\":{\"rollback\":{\"cooldown\":\"1s\"}}}");
            Deployment crashing = ClusterFixtures.demoModel(NS, APP, 2, 0.95);
            crashing.getSpec().getTemplate().getSpec().getContainers().get(0)
                    .setArgs(List.of("demo-model", "8080", "not-a-number", "2", "0.0.0.0"));
            long applied = System.nanoTime();
            kubectl.apply(Serialization.asYaml(crashing));
            await("the revision that never becomes ready rolled back").atMost(Duration.ofSeconds(150)).untilAsserted(() -> {
                ModelMonitorStatus s = status();
                assertThat(s.getLastRollback().getObjective().name()).isEqualTo("availability");
                assertThat(s.getPhase()).isIn(Phase.RolledBack, Phase.Healthy);
            });
            assertThat(Duration.ofNanos(System.nanoTime() - applied)).as("readinessTimeout 40s, interval 2s, the rollout")
                    .isLessThan(Duration.ofSeconds(100));
            assertThat(status().getLastRollback().getReason()).contains("revision 5 is not available");
            assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("0.95");
            assertThat(events()).extracting(Event::getReason).contains("RevisionNotReady");
            await("alerted").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.events("breach"))
                    .anySatisfy(e -> assertThat(e.get("objective").asText()).isEqualTo("availability")));

            // A GitOps tool syncs from a repository that still holds v2: the breached template is back. With rollbacks
            // off (alert-only, as under GitOps), the monitor says so and judges it again.
            kubectl.run("patch", "mm", APP, "-n", NS, "--type=merge", "-p", "{\"spec\":{\"rollback\":{\"enabled\":false}}}");
            kubectl.apply(Serialization.asYaml(ClusterFixtures.demoModel(NS, APP, 2, 0.60)));
            await("the re-applied breached revision reported").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(Monitors.condition(status(), "RolledBack")).satisfies(c -> {
                    assertThat(c.getReason()).isEqualTo("RollbackReverted");
                    assertThat(c.getMessage()).contains("runs template " + rolledBack.getLastRollback().getFromTemplateHash()
                            + " again").contains("GitOps");
                });
                assertThat(events()).extracting(Event::getReason).contains("RollbackReverted");
            });

            assertThat(traffic.sentCount()).isGreaterThan(1000);
            assertThat(traffic.failedCount()).as("requests failed across three rollouts, of " + traffic.sentCount())
                    .isLessThan(traffic.sentCount() / 20);
        }

        Kubectl.Result deleted = kubectl.run("delete", "mm", APP, "-n", NS, "--wait=true", "--timeout=60s");
        assertOk(deleted);
        Deployment after = deployment();
        assertThat(after.getSpec().getTemplate().getSpec().getContainers()).as("the team's v2 from Git, collector gone")
                .singleElement().satisfies(c -> assertThat(c.getArgs()).contains("0.60"));
        assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations()).isEqualTo(
                userTemplate.getMetadata().getAnnotations());
        assertThat(after.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(
                userTemplate.getMetadata().getLabels());
        assertThat(Serialization.asJson(client.services().inNamespace(NS).withName(APP).get().getSpec()))
                .isEqualTo(Serialization.asJson(userService));
        assertThat(after.getMetadata().getAnnotations().keySet()).noneMatch(k -> k.startsWith("modelmonitor.io/"));

        assertEveryCallAllowedAndNothingMore();
    }

    /**
     * The verdict API on the operator's pod, as a rollout tool in the cluster calls it: a ServiceAccount token checked
     * by the real API server (TokenReview), the right to get the monitor by its authorizer (SubjectAccessReview).
     */
    private static void assertTheVerdictApiAuthenticatesThroughTheApiServer(String expected) throws Exception {
        ClusterFixtures.verdictReader(kubectl, NS);
        kubectl.apply("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: stranger, namespace: %1$s}
                """.formatted(NS));
        String url = verdictBase() + "/v1/namespaces/" + NS + "/modelmonitors/" + APP + "/verdict";
        assertThat(get(url, null).statusCode()).as("no token").isEqualTo(401);
        assertThat(get(url, "Bearer not-a-token").statusCode()).as("a token the API server rejects").isEqualTo(401);
        HttpResponse<String> forTheApi = get(url, "Bearer " + apiToken("verdict-reader"));
        assertThat(forTheApi.statusCode()).as("a token for the whole Kubernetes API (issue 27)").isEqualTo(401);
        assertThat(forTheApi.body()).contains("audience model-monitor");
        HttpResponse<String> stranger = get(url, "Bearer " + token("stranger"));
        assertThat(stranger.statusCode()).as("authenticated, not allowed to get the monitor").isEqualTo(403);
        assertThat(stranger.body()).contains("system:serviceaccount:" + NS + ":stranger may not get modelmonitors/" + APP);
        assertThat(get(verdictBase() + "/v1/namespaces/" + NS + "/modelmonitors/someone-else/verdict",
                "Bearer " + token("verdict-reader")).statusCode()).as("allowed on every monitor of the namespace, "
                        + "none there: 404 only after authorization").isEqualTo(404);
        HttpResponse<String> allowed = get(url, "Bearer " + token("verdict-reader"));
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.body()).contains("\"result\":\"" + expected + "\"");
        assertThat(argo.measure(verdictBase(), NS, Map.of("monitor", APP, "canary-hash", "newest", "token",
                token("verdict-reader")))).isEqualTo(expected + " \"" + expected + "\"");
    }

    private static String verdictBase() {
        return "http://" + operator.pods().get(0).getStatus().getPodIP() + ":8082";
    }

    private static String token(String serviceAccount) {
        return ClusterFixtures.verdictToken(kubectl, NS, serviceAccount);
    }

    /** A token for the Kubernetes API itself: what the verdict API must refuse. */
    private static String apiToken(String serviceAccount) {
        Kubectl.Result r = kubectl.run("create", "token", serviceAccount, "-n", NS, "--duration=10m");
        assertOk(r);
        return r.output().trim();
    }

    private static HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The real authorizer allowed everything the operator did, and would refuse what it never needs. */
    private static void assertEveryCallAllowedAndNothingMore() {
        List<AuditLog.Call> calls = operator.calls();
        assertThat(calls).as("calls by " + operator.user()).noneMatch(AuditLog.Call::forbidden);
        assertThat(calls).extracting(AuditLog.Call::permission).contains("apps/deployments patch",
                "apps/deployments watch", "apps/replicasets list", "core/pods list", "core/services patch",
                "core/secrets get", "core/secrets create", "core/events create", "modelmonitor.io/modelmonitors/status patch",
                "modelmonitor.io/modelmonitors patch", "coordination.k8s.io/leases patch",
                "authentication.k8s.io/tokenreviews create", "authorization.k8s.io/subjectaccessreviews create");
        // Injection, two rollbacks' intent, template and cleared intent, the removal: a handful, not one per poll.
        assertThat(calls).filteredOn(c -> c.permission().equals("apps/deployments patch")).as("Deployment patches")
                .hasSizeLessThanOrEqualTo(11);
        assertThat(operator.can("delete", "deployments", NS)).isFalse();
        assertThat(operator.can("list", "secrets", NS)).isFalse();
        assertThat(operator.can("create", "pods", NS)).isFalse();
        assertThat(operator.can("patch", "deployments", NS)).isTrue();
    }

    private static String namespaceAndSecrets(String token) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata: {name: %1$s}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: fraud-feedback-token, namespace: %1$s}
                stringData: {token: "%2$s"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: oncall-webhook, namespace: %1$s}
                stringData: {url: "%3$s"}
                """.formatted(NS, token, receiver.url());
    }

    private static String monitorYaml() {
        return """
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  target: {name: %1$s, container: model, port: 8080, service: %1$s}
                  collector: {injection: template}
                  model: {task: binary-classification, protocol: kserve-v1, positiveLabel: "1"}
                  groundTruth: {tokenSecretRef: {name: fraud-feedback-token, key: token}}
                  evaluation: {interval: 2s, window: 1m, warmup: 10s, minSamples: 150, confidence: 0.95, consecutiveBreaches: 2,
                               readinessTimeout: 40s}
                  objectives:
                    - {metric: accuracy, min: 0.9}
                    - {metric: latencyP99Ms, max: 250}
                    - {metric: errorRate, max: 0.05}
                  rollback: {enabled: true, to: lastKnownGood, cooldown: 10m}
                  alerts:
                    - {name: oncall, type: webhook, urlSecretRef: {name: oncall-webhook, key: url}}
                """.formatted(APP, NS);
    }

    private static Deployment deployment() {
        return client.apps().deployments().inNamespace(NS).withName(APP).get();
    }

    private static ModelMonitorStatus status() {
        return Monitors.status(client, NS, APP);
    }

    private static List<Event> events() {
        return Monitors.events(client, NS);
    }
}

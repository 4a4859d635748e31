package io.modelmonitor.cluster;

import static io.modelmonitor.cluster.ClusterFixtures.containers;
import static io.modelmonitor.cluster.Kubectl.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.testsupport.Monitors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Injection by the mutating admission webhook on the real API server, which calls it over TLS with the CA the
 * operator issued and put into the chart's MutatingWebhookConfiguration: the Deployment is never edited (its
 * generation never moves because of the monitor); pods that existed before the monitor are counted as running
 * without a collector until {@code kubectl rollout restart}; the manifest re-applied unchanged, as a GitOps tool
 * does, starts no rollout (same template, revision, ReplicaSets and pods); with the operator down, pods are still created (failurePolicy Ignore), without a
 * collector, and counted; deleting the monitor leaves the Deployment as it was and new pods plain.
 */
@ExtendWith(ClusterDiagnostics.class)
class WebhookClusterIT {

    private static final String NS = "gitops";
    private static final String APP = "scorer";
    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static Kubectl kubectl;
    private static OperatorRelease operator;

    @BeforeAll
    static void install() {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        kubectl = cluster.kubectl();
        operator = OperatorRelease.install(cluster, "hook", "hook-system",
                Map.of("leaderElection.enabled", false, "replicaCount", 1));
    }

    /**
     * Issue 27: anyone who reaches the webhook's port can send a review. One that names a pod of the monitored
     * Deployment, sent straight to the operator's pod, gets the patch the API server would get, and changes nothing:
     * the monitor's key Secret, deleted first, is not made again (the configuration's sideEffects: None is true).
     */
    private static void assertAForgedReviewHasNoSideEffect(Pod model) throws Exception {
        String key = CollectorSidecar.idKeySecret(APP);
        Secret kept = client.secrets().inNamespace(NS).withName(key).get();
        assertThat(kept).as("made by the reconciler").isNotNull();
        client.secrets().inNamespace(NS).withName(key).withTimeout(30, TimeUnit.SECONDS).delete();
        try {
            Pod forged = Serialization.clone(model);
            forged.getSpec().setContainers(forged.getSpec().getContainers().stream()
                    .filter(c -> c.getName().equals("model")).toList());
            forged.setStatus(null);
            AdmissionRequest request =
                    new AdmissionRequest();
            request.setUid("forged-1");
            request.setOperation("CREATE");
            request.setNamespace(NS);
            request.setKind(new GroupVersionKind("", "Pod", "v1"));
            request.setObject(forged);
            AdmissionReview review =
                    new AdmissionReview();
            review.setApiVersion("admission.k8s.io/v1");
            review.setKind("AdmissionReview");
            review.setRequest(request);
            SSLContext trustAll = SSLContext.getInstance("TLS");
            // The caller is not the API server and reaches the pod by its IP: it checks nothing (an extended trust
            // manager, or the JDK would still match the certificate's names against the IP).
            trustAll.init(null, new TrustManager[] {new TrustingAnything()}, null);
            String url = "https://" + operator.pods().get(0).getStatus().getPodIP() + ":9443/mutate-pods";
            HttpResponse<String> answer = HttpClient.newBuilder().sslContext(trustAll).build()
                    .send(HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Serialization.asJson(review))).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"patchType\":\"JSONPatch\"");
            Thread.sleep(2000);
            assertThat(client.secrets().inNamespace(NS).withName(key).get()).as("no Secret made by a review").isNull();
        } finally {
            kept.getMetadata().setResourceVersion(null);
            kept.getMetadata().setUid(null);
            kept.getMetadata().setCreationTimestamp(null);
            kept.getMetadata().setManagedFields(null);
            client.resource(kept).create();
        }
    }

    /** Trusts any server, whatever its names: what an attacker's client does. */
    private static final class TrustingAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String type) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String type) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String type, Socket s) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String type, Socket s) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String type, SSLEngine e) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String type, SSLEngine e) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    @AfterAll
    static void uninstall() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void podsGetTheCollectorAtCreationAndTheDeploymentIsNeverEdited() throws Exception {
        String manifest = Serialization.asYaml(ClusterFixtures.demoModel(NS, APP, 2, 0.95));
        ClusterFixtures.injectedNamespace(kubectl, NS, "scorer-feedback-token", "not-a-real-one");
        kubectl.apply(manifest);
        assertOk(kubectl.run("rollout", "status", "deployment/" + APP, "-n", NS, "--timeout=120s"));
        assertThat(pods()).hasSize(2).allSatisfy(p -> assertThat(containers(p)).containsExactly("model"));

        kubectl.apply(monitorYaml());
        await("the two pods that predate the monitor counted").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ModelMonitorStatus s = status();
            assertThat(s.getCollectors()).isNotNull();
            assertThat(s.getCollectors().getWithoutCollector()).isEqualTo(2);
            assertThat(Monitors.condition(s, "CollectorsReady")).satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("PodsWithoutCollector");
                assertThat(c.getMessage()).contains("2 of 2 pods of Deployment scorer run without the collector")
                        .contains("kubectl rollout restart deployment/scorer");
            });
        });
        assertThat(events()).extracting(Event::getReason).contains("PodsWithoutCollector").doesNotContain("SidecarInjected");
        Deployment untouched = deployment();
        assertThat(untouched.getMetadata().getGeneration()).as("no edit, no rollout").isEqualTo(1L);
        assertThat(untouched.getMetadata().getAnnotations().keySet()).noneMatch(k -> k.startsWith("modelmonitor.io/"));
        assertThat(containers(untouched.getSpec().getTemplate().getSpec())).containsExactly("model");

        // The team restarts the model: the API server sends each new pod to the webhook.
        assertOk(kubectl.run("rollout", "restart", "deployment/" + APP, "-n", NS));
        assertOk(kubectl.run("rollout", "status", "deployment/" + APP, "-n", NS, "--timeout=180s"));
        await("every pod with a collector, read by the operator").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(pods()).hasSize(2).allSatisfy(p -> assertThat(containers(p))
                    .containsExactly("model", "modelmonitor-collector"));
            ModelMonitorStatus s = status();
            assertThat(s.getCollectors().getWithoutCollector()).isZero();
            assertThat(s.getCollectors().getReporting()).isEqualTo(2);
            assertThat(Monitors.condition(s, "CollectorsReady").getStatus()).isEqualTo("True");
        });
        assertThat(pods()).allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry("modelmonitor.io/monitored", APP));
        assertThat(containers(deployment().getSpec().getTemplate().getSpec())).as("still the team's template")
                .containsExactly("model");
        Deployment restarted = deployment();
        List<String> podNames = pods().stream().map(p -> p.getMetadata().getName()).sorted().toList();

        assertAForgedReviewHasNoSideEffect(pods().get(0));

        // Argo CD or Flux applies the manifest from Git again, unchanged: nothing to sync, no rollout.
        kubectl.apply(manifest);
        assertOk(kubectl.runWithInput(manifest, "apply", "--server-side", "--field-manager=argocd-controller",
                "--force-conflicts", "-f", "-"));
        Thread.sleep(3000);
        Deployment reapplied = deployment();
        assertThat(Serialization.asJson(reapplied.getSpec().getTemplate())).as("the pod template, exactly")
                .isEqualTo(Serialization.asJson(restarted.getSpec().getTemplate()));
        assertThat(reapplied.getMetadata().getAnnotations()).as("no new revision")
                .containsEntry("deployment.kubernetes.io/revision", "2");
        assertThat(client.apps().replicaSets().inNamespace(NS).withLabel("app", APP).list().getItems())
                .as("the initial ReplicaSet and the restart's, no third").hasSize(2);
        assertThat(pods().stream().map(p -> p.getMetadata().getName()).sorted().toList()).as("the same pods, none replaced")
                .isEqualTo(podNames);

        // The monitor's spec changes what its collectors run: the running ones are outdated until restarted.
        assertOk(kubectl.run("patch", "mm", APP, "-n", NS, "--type=merge", "-p",
                "{\"spec\":{\"collector\":{\"resources\":{\"limits\":{\"memory\":\"200Mi\"}}}}}"));
        await("the collectors of the older spec counted").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(status().getCollectors().getOutdated()).isEqualTo(2);
            assertThat(Monitors.condition(status(), "CollectorsReady")).satisfies(c -> {
                assertThat(c.getReason()).isEqualTo("CollectorsOutdated");
                assertThat(c.getMessage()).startsWith("2 of 2 pods").contains("kubectl rollout restart deployment/" + APP);
            });
        });
        assertThat(events()).extracting(Event::getReason).contains("CollectorsOutdated");

        // A second monitor, in template mode, for the same Deployment: the first keeps it, nothing is edited.
        Deployment beforeSecond = deployment();
        kubectl.apply(monitorYaml().replace("name: " + APP + ", namespace", "name: second, namespace")
                .replace("collector: {injection: webhook}", "collector: {injection: template}"));
        await("the younger monitor told who has the target").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Monitors.condition(Monitors.status(client, NS, "second"), "Ready")).satisfies(c -> {
                    assertThat(c.getReason()).isEqualTo("TargetClaimed");
                    assertThat(c.getMessage()).contains("monitored by ModelMonitor " + APP);
                }));
        assertOk(kubectl.run("delete", "mm", "second", "-n", NS, "--wait=true", "--timeout=60s"));
        assertThat(deployment().getMetadata().getGeneration()).as("not edited by the second monitor, nor given back")
                .isEqualTo(beforeSecond.getMetadata().getGeneration());
        assertThat(containers(deployment().getSpec().getTemplate().getSpec())).containsExactly("model");

        // The operator down: pods are still created, without a collector, and counted once it is back.
        String operatorDeployment = operator.fullname();
        assertOk(kubectl.run("scale", "deployment/" + operatorDeployment, "-n", operator.namespace(), "--replicas=0"));
        // Gone, terminating ones too: a pod shutting down still answers through the Service's endpoints.
        await("the operator gone").atMost(Duration.ofSeconds(90)).until(() ->
                client.pods().inNamespace(operator.namespace()).list().getItems().isEmpty());
        long asked = System.nanoTime();
        assertOk(kubectl.run("scale", "deployment/" + APP, "-n", NS, "--replicas=3"));
        await("a third pod created without the webhook").atMost(Duration.ofSeconds(60)).until(() -> pods().size() == 3);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("failurePolicy Ignore: created, not refused")
                .isLessThan(Duration.ofSeconds(60));
        assertThat(pods()).filteredOn(p -> containers(p).size() == 1).hasSize(1);
        assertOk(kubectl.run("scale", "deployment/" + operatorDeployment, "-n", operator.namespace(), "--replicas=1"));
        await("the plain pod counted").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(status().getCollectors().getWithoutCollector()).isEqualTo(1);
            assertThat(Monitors.condition(status(), "CollectorsReady").getMessage()).startsWith("1 of 3 pods")
                    .contains("1 of them created after this monitor: the webhook did not see them")
                    .contains("modelmonitor.io/injection=enabled");
        });

        // The monitor deleted: the Deployment as the team left it; new pods plain.
        Deployment before = deployment();
        assertOk(kubectl.run("delete", "mm", APP, "-n", NS, "--wait=true", "--timeout=60s"));
        Deployment after = deployment();
        assertThat(after.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
        assertThat(Serialization.asJson(after.getSpec())).isEqualTo(Serialization.asJson(before.getSpec()));
        assertOk(kubectl.run("rollout", "restart", "deployment/" + APP, "-n", NS));
        assertOk(kubectl.run("rollout", "status", "deployment/" + APP, "-n", NS, "--timeout=180s"));
        await("new pods plain").atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(pods()).hasSize(3)
                .allSatisfy(p -> assertThat(containers(p)).containsExactly("model")));

        List<AuditLog.Call> calls = operator.calls();
        assertThat(calls).as("calls by " + operator.user()).noneMatch(AuditLog.Call::forbidden);
        assertThat(calls).extracting(AuditLog.Call::permission).contains("core/secrets create",
                "admissionregistration.k8s.io/mutatingwebhookconfigurations patch", "modelmonitor.io/modelmonitors list")
                .doesNotContain("apps/deployments patch");
        assertThat(canI("patch", "mutatingwebhookconfigurations/" + operator.fullname() + "-pods")).isEqualTo("yes");
        assertThat(canI("patch", "mutatingwebhookconfigurations/someone-elses")).as("only its own, by name").isEqualTo("no");
    }

    /** The real authorizer's answer for the operator (kubectl's last line: it warns first about cluster scope). */
    private static String canI(String verb, String resource) {
        String out = kubectl.run("auth", "can-i", verb, resource, "--as=" + operator.user()).output().trim();
        return out.substring(out.lastIndexOf('\n') + 1).trim();
    }

    private static String monitorYaml() {
        return """
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  target: {name: %1$s, container: model, port: 8080}
                  model: {task: binary-classification, protocol: kserve-v1, positiveLabel: "1"}
                  groundTruth: {tokenSecretRef: {name: scorer-feedback-token, key: token}}
                  collector: {injection: webhook}
                  evaluation: {interval: 2s, window: 1m}
                  objectives: [{metric: accuracy, min: 0.9}]
                """.formatted(APP, NS);
    }

    private static List<Pod> pods() {
        return client.pods().inNamespace(NS).withLabel("app", APP).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
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

package io.modelmonitor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** What the cluster tests deploy: namespaces and the demo model as a user's Deployment. */
final class ClusterFixtures {

    /** The project's one image; the test node runs it as Dockerfile.jvm does. */
    static final String IMAGE = "ghcr.io/modelmonitor/model-monitor:0.1.0";

    private ClusterFixtures() {
    }

    /** The names of a pod's containers, in order. */
    static List<String> containers(Pod pod) {
        return containers(pod.getSpec());
    }

    static List<String> containers(PodSpec spec) {
        return spec.getContainers().stream().map(c -> c.getName()).toList();
    }

    static void namespace(KubernetesClient client, String name) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).serverSideApply();
    }

    /**
     * Another project's CRD, ours in {@code src/test/resources/crds/}, installed and established: before the operator
     * starts, which watches such a kind only where it is served.
     */
    static void installCrd(Kubectl kubectl, String file, String name) throws Exception {
        Kubectl.assertOk(kubectl.runWithInput(Files.readString(Path.of("src/test/resources/crds", file)), "apply", "-f", "-"));
        Kubectl.assertOk(kubectl.run("wait", "--for=condition=Established", "crd/" + name, "--timeout=30s"));
    }

    /** A namespace the webhook sees (labelled for injection), with the feedback token Secret a monitor names. */
    static void injectedNamespace(Kubectl kubectl, String namespace, String tokenSecret, String token) throws Exception {
        kubectl.apply("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: %1$s, labels: {modelmonitor.io/injection: enabled}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: %2$s, namespace: %1$s}
                stringData: {token: "%3$s"}
                """.formatted(namespace, tokenSecret, token));
    }

    /**
     * A rollout tool's identity for the verdict API: ServiceAccount {@code verdict-reader} with {@code get} on the
     * namespace's monitors, and nothing else.
     */
    static void verdictReader(Kubectl kubectl, String namespace) throws Exception {
        kubectl.apply("""
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
                """.formatted(namespace));
    }

    /**
     * {@code kubectl create token --audience model-monitor}: a short-lived token the API server signs for the verdict
     * API alone, as a projected token with that audience is.
     */
    static String verdictToken(Kubectl kubectl, String namespace, String serviceAccount) {
        Kubectl.Result r = kubectl.run("create", "token", serviceAccount, "-n", namespace, "--duration=10m",
                "--audience=model-monitor");
        Kubectl.assertOk(r);
        return r.output().trim();
    }

    /** Waits until the one pod these give (not terminating) is Ready, and returns it. */
    static Pod awaitOneReadyPod(String what, Supplier<List<Pod>> pods) {
        await(what + " ready").atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                assertThat(pods.get()).singleElement().satisfies(p -> assertThat(p.getStatus().getConditions())
                        .anySatisfy(c -> {
                            assertThat(c.getType()).isEqualTo("Ready");
                            assertThat(c.getStatus()).isEqualTo("True");
                        })));
        return pods.get().get(0);
    }

    /**
     * The demo fraud model (KServe v1 on port 8080, right with probability {@code accuracy}) as a platform team would
     * deploy it: a readiness probe on the model endpoint, a log-shipping sidecar's worth of other settings left out.
     */
    static Deployment demoModel(String namespace, String name, int replicas, double accuracy) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).addToLabels("app", name).endMetadata()
                .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector().addToMatchLabels("app", name).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().addToLabels("app", name).addToAnnotations("team", "fraud").endMetadata()
                        .withNewSpec()
                            .withTerminationGracePeriodSeconds(10L)
                            .addNewContainer()
                                .withName("model").withImage(IMAGE)
                                .withArgs("demo-model", "8080", String.format(Locale.ROOT, "%.2f", accuracy), "2", "0.0.0.0")
                                .addNewEnv().withName("JAVA_OPTS").withValue("-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1")
                                .endEnv()
                                .addNewPort().withName("http").withContainerPort(8080).endPort()
                                .withNewReadinessProbe().withNewHttpGet().withPath("/v1/models/fraud-detector")
                                    .withPort(new IntOrString("http")).endHttpGet().withPeriodSeconds(2).endReadinessProbe()
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The same model as a StatefulSet (its pods started together, replaced one at a time in a rollout). */
    static StatefulSet demoModelStatefulSet(String namespace, String name, int replicas,
            double accuracy) {
        Deployment d = demoModel(namespace, name, replicas, accuracy);
        return new StatefulSetBuilder()
                .withMetadata(d.getMetadata())
                .withNewSpec()
                    .withReplicas(replicas).withServiceName(name).withPodManagementPolicy("Parallel")
                    .withSelector(d.getSpec().getSelector()).withTemplate(d.getSpec().getTemplate())
                .endSpec()
                .build();
    }
}

package io.modelmonitor.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.sandbox.LocalApiServer;

/**
 * {@code helm install}, {@code upgrade} and {@code uninstall} of the chart, by real Helm (helm-java), against the
 * sandbox's local API: what a user runs on a cluster, with the results read back from the store.
 */
class HelmInstallTest {

    private static final String NS = "model-monitor";
    private static final String RELEASE = "model-monitor";

    static LocalApiServer api;
    static KubernetesClient store;
    static Path kubeconfig;

    @BeforeAll
    static void start() throws Exception {
        api = LocalApiServer.start(0);
        store = api.client();
        // Not helm's --create-namespace: Helm validates that Namespace against an OpenAPI document the local API lacks.
        store.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        kubeconfig = api.writeKubeconfig(Path.of("target", "helm-install", "kubeconfig"), "default");
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void installUpgradeAndUninstallTheChart() {
        Release installed = new Helm(HelmChartTest.CHART).install().withKubeConfig(kubeconfig).withName(RELEASE)
                .withNamespace(NS).disableOpenApiValidation().call();
        assertThat(installed.getStatus()).isEqualTo("deployed");
        assertThat(installed.getRevision()).isEqualTo("1");
        assertThat(installed.getOutput()).as("NOTES").contains("kubectl get lease model-monitor-leader -n model-monitor");

        var crd = store.apiextensions().v1().customResourceDefinitions().withName("modelmonitors.modelmonitor.io").get();
        assertThat(crd).as("the CRD from the chart's crds/").isNotNull();
        Deployment operator = store.apps().deployments().inNamespace(NS).withName(RELEASE).get();
        assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
        assertThat(env(operator)).containsEntry("MODELMONITOR_COLLECTOR_CPU_REQUEST", "50m");
        assertThat(store.rbac().clusterRoles().withName(RELEASE).get()).isNotNull();
        assertThat(store.rbac().roles().inNamespace(NS).withName(RELEASE + "-leader-election").get()).isNotNull();
        assertThat(store.serviceAccounts().inNamespace(NS).withName(RELEASE).get()).isNotNull();
        assertThat(releaseSecrets()).singleElement().satisfies(s -> assertThat(s.getMetadata().getLabels())
                .containsEntry("owner", "helm").containsEntry("status", "deployed").containsEntry("version", "1"));
        assertThat(Helm.list().withKubeConfig(kubeconfig).withNamespace(NS).call()).extracting(Release::getName)
                .containsExactly(RELEASE);

        Release upgraded = new Helm(HelmChartTest.CHART).upgrade().withKubeConfig(kubeconfig).withName(RELEASE)
                .withNamespace(NS).disableOpenApiValidation().set("replicaCount", 3).set("collector.cpuRequest", "100m")
                .call();
        assertThat(upgraded.getStatus()).isEqualTo("deployed");
        assertThat(upgraded.getRevision()).isEqualTo("2");
        Deployment after = store.apps().deployments().inNamespace(NS).withName(RELEASE).get();
        assertThat(after.getSpec().getReplicas()).isEqualTo(3);
        // The patch Helm sends changes one env entry; the container keeps everything else.
        assertThat(env(after)).containsEntry("MODELMONITOR_COLLECTOR_CPU_REQUEST", "100m")
                .containsEntry("MODELMONITOR_COLLECTOR_MEMORY_LIMIT", "160Mi")
                .hasSameSizeAs(env(operator));
        assertThat(after.getSpec().getTemplate().getSpec().getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getImage()).isEqualTo(operator.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        });
        assertThat(releaseSecrets()).extracting(s -> s.getMetadata().getLabels().get("status"))
                .containsExactlyInAnyOrder("superseded", "deployed");

        String uninstalled = Helm.uninstall(RELEASE).withKubeConfig(kubeconfig).withNamespace(NS).call();
        assertThat(uninstalled).contains("uninstalled");
        assertThat(store.apps().deployments().inNamespace(NS).withName(RELEASE).get()).isNull();
        assertThat(store.rbac().clusterRoles().withName(RELEASE).get()).isNull();
        assertThat(store.rbac().roles().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(releaseSecrets()).as("no release history left").isEmpty();
        assertThat(store.apiextensions().v1().customResourceDefinitions().withName("modelmonitors.modelmonitor.io").get())
                .as("Helm never deletes CRDs from crds/ (monitors would go with them)").isNotNull();
    }

    private static List<Secret> releaseSecrets() {
        return store.secrets().inNamespace(NS).withLabel("owner", "helm").list().getItems();
    }

    private static Map<String, String> env(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }
}

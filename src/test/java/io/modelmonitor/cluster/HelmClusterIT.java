package io.modelmonitor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.install.HelmChartTest;

/**
 * Installing the operator as users do, on the real control plane: {@code helm install --wait} with the API server's
 * own OpenAPI validation (no {@code disableOpenApiValidation}), the chart's two replicas running as pods under the
 * chart's ServiceAccount and electing a leader over a real Lease, {@code helm upgrade} rolling them one at a time,
 * {@code helm uninstall} leaving nothing but the CRD.
 */
@ExtendWith(ClusterDiagnostics.class)
class HelmClusterIT {

    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static Path kubeconfig;

    @BeforeAll
    static void cluster() {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        kubeconfig = cluster.kubeconfig(ControlPlane.Identity.ADMIN);
    }

    @Test
    void helmInstallsUpgradesAndUninstallsARunningOperator() {
        String ns = "helm-it";
        String release = "helm-it";
        String fullname = release + "-model-monitor"; // the chart's name for its objects, the Lease and the account
        Release installed = new Helm(HelmChartTest.CHART).install().withKubeConfig(kubeconfig).withName(release)
                .withNamespace(ns).createNamespace().waitReady().withTimeout(240).call();
        try {
            installUpgradeAndUninstall(ns, release, fullname, installed);
        } finally {
            // Whatever failed, no operator of this test keeps reconciling the next tests' monitors.
            if (client.apps().deployments().inNamespace(ns).withName(fullname).get() != null) {
                Helm.uninstall(release).withKubeConfig(kubeconfig).withNamespace(ns).call();
            }
        }
    }

    private static void installUpgradeAndUninstall(String ns, String release, String fullname, Release installed) {
        assertThat(installed.getStatus()).isEqualTo("deployed");
        assertThat(installed.getRevision()).isEqualTo("1");
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("modelmonitors.modelmonitor.io").get()
                .getStatus().getConditions()).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Established");
                    assertThat(c.getStatus()).isEqualTo("True");
                });

        // helm --wait counts a Deployment ready at replicas - maxUnavailable (1 of 2 here): wait for the standby too.
        await("both replicas ready: the standby too").atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                client.apps().deployments().inNamespace(ns).withName(fullname).get().getStatus().getReadyReplicas())
                .isEqualTo(2));
        List<Pod> pods = operatorPods(ns, release);
        assertThat(pods).hasSize(2).allSatisfy(p -> {
            assertThat(p.getSpec().getServiceAccountName()).isEqualTo(fullname);
            assertThat(p.getStatus().getContainerStatuses()).singleElement()
                    .satisfies(s -> assertThat(s.getReady()).isTrue());
        });
        String leader = await("a leader elected over the Lease").atMost(Duration.ofSeconds(60))
                .until(() -> holder(ns, fullname + "-leader"), h -> h != null && !h.isEmpty());
        assertThat(pods).extracting(p -> p.getMetadata().getName()).contains(leader);
        assertThat(AuditLog.calls(cluster.auditLog(), AuditLog.serviceAccount(ns, fullname)))
                .as("the operator works as the chart's ServiceAccount").isNotEmpty()
                .noneMatch(AuditLog.Call::forbidden);

        Release upgraded = new Helm(HelmChartTest.CHART).upgrade().withKubeConfig(kubeconfig).withName(release)
                .withNamespace(ns).set("replicaCount", 3).set("collector.cpuRequest", "100m").waitReady()
                .withTimeout(240).call();
        assertThat(upgraded.getRevision()).isEqualTo("2");
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            Deployment after = client.apps().deployments().inNamespace(ns).withName(fullname).get();
            assertThat(after.getStatus().getUpdatedReplicas()).isEqualTo(3);
            assertThat(after.getStatus().getReadyReplicas()).isEqualTo(3);
            assertThat(env(after)).containsEntry("MODELMONITOR_COLLECTOR_CPU_REQUEST", "100m");
        });
        await("a leader after the rolling upgrade").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(operatorPods(ns, release)).extracting(p -> p.getMetadata().getName())
                        .contains(holder(ns, fullname + "-leader")));

        String uninstalled = Helm.uninstall(release).withKubeConfig(kubeconfig).withNamespace(ns).call();
        assertThat(uninstalled).contains("uninstalled");
        assertThat(client.apps().deployments().inNamespace(ns).withName(fullname).get()).isNull();
        assertThat(client.rbac().clusterRoles().withName(fullname).get()).isNull();
        assertThat(client.serviceAccounts().inNamespace(ns).withName(fullname).get()).isNull();
        assertThat(client.secrets().inNamespace(ns).withLabel("owner", "helm").list().getItems()).as("no release history")
                .isEmpty();
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("modelmonitors.modelmonitor.io").get())
                .as("Helm never deletes CRDs from crds/ (monitors would go with them)").isNotNull();
        await("the garbage collector removes the operator's pods").atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(operatorPods(ns, release)).isEmpty());
    }

    private static List<Pod> operatorPods(String ns, String release) {
        return client.pods().inNamespace(ns).withLabel("app.kubernetes.io/instance", release).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static String holder(String ns, String name) {
        Lease lease = client.leases().inNamespace(ns).withName(name).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static Map<String, String> env(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }
}

package io.modelmonitor.cluster;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.install.HelmChartTest;

/**
 * The operator as the cluster tests run it: the chart, installed by real Helm ({@code --wait}, with OpenAPI
 * validation), its replicas running as pods under the chart's ServiceAccount. {@link #close()} uninstalls it.
 */
final class OperatorRelease implements AutoCloseable {

    private final ControlPlane cluster;
    private final String release;
    private final String namespace;

    private OperatorRelease(ControlPlane cluster, String release, String namespace) {
        this.cluster = cluster;
        this.release = release;
        this.namespace = namespace;
    }

    /** {@code helm install <release> helm/model-monitor -n <namespace> --create-namespace --wait --set ...}. */
    static OperatorRelease install(ControlPlane cluster, String release, String namespace, Map<String, Object> values) {
        InstallCommand install = new Helm(HelmChartTest.CHART).install().withKubeConfig(
                cluster.kubeconfig(ControlPlane.Identity.ADMIN)).withName(release).withNamespace(namespace)
                .createNamespace().waitReady().withTimeout(240);
        values.forEach(install::set);
        install.call();
        OperatorRelease installed = new OperatorRelease(cluster, release, namespace);
        if (!Boolean.FALSE.equals(values.get("leaderElection.enabled"))) {
            await("a leader for " + release).atMost(Duration.ofSeconds(60)).until(installed::leader,
                    h -> h != null && !h.isEmpty());
        }
        return installed;
    }

    /** Short Lease terms, so that a failover fits in a test (the chart's defaults are 15 s, 10 s, 2 s). */
    static Map<String, Object> quickFailover() {
        return Map.of("leaderElection.leaseDuration", "6s", "leaderElection.renewDeadline", "4s",
                "leaderElection.retryPeriod", "1s");
    }

    /** The chart's name for the Deployment, its ServiceAccount and the Lease prefix. */
    String fullname() {
        return release.contains("model-monitor") ? release : release + "-model-monitor";
    }

    String namespace() {
        return namespace;
    }

    /** The user the operator's calls are authorized as. */
    String user() {
        return AuditLog.serviceAccount(namespace, fullname());
    }

    String leaseName() {
        return fullname() + "-leader";
    }

    /** The Lease holder: the pod that reconciles. */
    String leader() {
        Lease lease = cluster.admin().leases().inNamespace(namespace).withName(leaseName()).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** The operator's pods that are not terminating. */
    List<Pod> pods() {
        return cluster.admin().pods().inNamespace(namespace).withLabel("app.kubernetes.io/instance", release).list()
                .getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    /** Every call the operator made, with the real authorizer's decision. */
    List<AuditLog.Call> calls() {
        return AuditLog.calls(cluster.auditLog(), user());
    }

    /** What {@code kubectl auth can-i --as=<the operator>} answers: the real authorizer on a hypothetical call. */
    boolean can(String verb, String resource, String inNamespace) {
        Kubectl.Result r = cluster.kubectl().run("auth", "can-i", verb, resource, "--as=" + user(), "-n", inNamespace);
        return r.output().trim().startsWith("yes");
    }

    KubernetesClient admin() {
        return cluster.admin();
    }

    @Override
    public void close() {
        Helm.uninstall(release).withKubeConfig(cluster.kubeconfig(ControlPlane.Identity.ADMIN)).withNamespace(namespace)
                .call();
        await("the operator's pods are gone").atMost(Duration.ofSeconds(90)).until(() -> pods().isEmpty()
                && cluster.admin().pods().inNamespace(namespace).list().getItems().isEmpty());
    }
}

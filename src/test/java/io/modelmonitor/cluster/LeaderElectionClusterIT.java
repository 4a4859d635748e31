package io.modelmonitor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;

/**
 * The chart's two operator replicas on a real Lease, run as pods by the test node: only the holder reconciles and
 * the standby is ready; a leader killed outright (SIGKILL) is replaced once its Lease expires and comes back as the
 * standby; a leader whose Lease is taken exits with status 1 and is restarted by its kubelet; a leader deleted
 * normally gives the Lease up at once.
 */
@ExtendWith(ClusterDiagnostics.class)
class LeaderElectionClusterIT {

    private static final String NS = "ranking";
    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static OperatorRelease operator;

    @BeforeAll
    static void install() {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        operator = OperatorRelease.install(cluster, "elected", "elected-system", OperatorRelease.quickFailover());
        ClusterFixtures.namespace(client, NS);
    }

    @AfterAll
    static void uninstall() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void onlyTheHolderActsAndTheLeaseChangesHandsSafely() {
        String first = operator.leader();
        String standby = other(first);
        await("the standby is ready too: the Deployment shows 2/2").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(operator.pods()).hasSize(2).allSatisfy(p -> assertThat(ready(p)).isTrue()));

        monitorAModel("scorer");
        assertThat(reporters("scorer")).containsOnly(first);
        assertThat(log(standby)).as("the standby stays silent").doesNotContain(NS + "/scorer:");
        assertThat(log(first)).contains(NS + "/scorer: injected collector");

        // A crash: SIGKILL, no chance to release. The standby waits out the Lease (6 s here), then leads.
        assertThat(cluster.node().crash(operator.namespace(), first, "operator")).isTrue();
        await("the standby takes the expired Lease").atMost(Duration.ofSeconds(40))
                .untilAsserted(() -> assertThat(operator.leader()).isEqualTo(standby));
        await("the crashed container is restarted and stands by").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Pod restarted = pod(first);
            assertThat(container(restarted).getRestartCount()).isEqualTo(1);
            assertThat(container(restarted).getLastState().getTerminated().getExitCode()).isEqualTo(137);
            assertThat(ready(restarted)).isTrue();
        });
        monitorAModel("ranker");
        assertThat(reporters("ranker")).containsOnly(standby);

        // A leader that cannot renew (another holder took the Lease, as after a partition) stops acting and exits
        // with an error; its kubelet restarts it, as a standby.
        String second = standby;
        // A merge patch without a resourceVersion: the leader renews every second, an edit would race it (409).
        client.leases().inNamespace(operator.namespace()).withName(operator.leaseName()).patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"holderIdentity\":\"intruder\",\"leaseDurationSeconds\":3600,"
                        + "\"renewTime\":\"" + ZonedDateTime.now(ZoneOffset.UTC).format(
                                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")) + "\"}}");
        await("the deposed leader exits 1 and is restarted").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ContainerStatus status = container(pod(second));
            assertThat(status.getRestartCount()).isEqualTo(1);
            assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(1);
        });
        assertThat(log(second)).contains("lost the leader Lease");

        // A normal stop (an upgrade, a drain) hands the Lease over at once instead of letting it expire.
        client.leases().inNamespace(operator.namespace()).withName(operator.leaseName()).delete();
        String holder = await().atMost(Duration.ofSeconds(60)).until(operator::leader, h -> h != null && !h.isEmpty()
                && !h.equals("intruder"));
        Kubectl.Result deleted = cluster.kubectl().run("delete", "pod", holder, "-n", operator.namespace(), "--wait=false");
        assertThat(deleted.ok()).as(deleted.toString()).isTrue();
        await("another replica leads").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(operator.leader()).isNotNull().isNotEmpty().isNotEqualTo(holder));
        assertThat(log(holder)).as("gave the Lease up rather than let it expire")
                .contains("released Lease " + operator.leaseName() + " as " + holder);

        assertThat(operator.calls()).as("calls by " + operator.user()).isNotEmpty().noneMatch(AuditLog.Call::forbidden);
    }

    /** A model and its monitor; returns once the collector is injected. */
    private static void monitorAModel(String name) {
        client.resource(ClusterFixtures.demoModel(NS, name, 1, 0.95)).create();
        ModelMonitor mm = Serialization.unmarshal("""
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  target: {name: %1$s, container: model}
                  collector: {injection: template}
                  model: {task: binary-classification}
                  objectives: [{metric: accuracy, min: 0.9}]
                """.formatted(name, NS), ModelMonitor.class);
        client.resource(mm).create();
        await(name + " injected").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(client.apps().deployments().inNamespace(NS).withName(name).get().getSpec().getTemplate()
                        .getSpec().getContainers()).extracting(c -> c.getName()).contains("modelmonitor-collector"));
        await("Events about " + name).atMost(Duration.ofSeconds(30)).until(() -> !reporters(name).isEmpty());
    }

    /** Which operator replicas wrote Events about the monitor: each names itself in reportingInstance. */
    private static List<String> reporters(String monitor) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> monitor.equals(e.getInvolvedObject().getName()) && "ModelMonitor".equals(e.getInvolvedObject().getKind()))
                .map(Event::getReportingInstance).distinct().toList();
    }

    private static String other(String pod) {
        return operator.pods().stream().map(p -> p.getMetadata().getName()).filter(n -> !n.equals(pod)).findFirst()
                .orElseThrow();
    }

    private static Pod pod(String name) {
        return client.pods().inNamespace(operator.namespace()).withName(name).get();
    }

    private static ContainerStatus container(Pod pod) {
        return pod.getStatus().getContainerStatuses().get(0);
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String log(String pod) {
        return NodeAgent.log(operator.namespace(), pod, "operator");
    }
}

package io.modelmonitor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The test cluster itself, before anything of ours runs on it: the real Deployment and ReplicaSet controllers make
 * pods, the node agent binds and runs them in namespaces of their own, reports readiness from their probes, rolls
 * them one at a time as maxSurge/maxUnavailable say, and shows what a broken container looks like.
 */
@ExtendWith(ClusterDiagnostics.class)
class NodeAgentClusterIT {

    private static final String NS = "node-agent";
    private static ControlPlane cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void cluster() {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        ClusterFixtures.namespace(client, NS);
    }

    @Test
    void aDeploymentRollsOutPodByPodAsTheRealControllerSays() throws Exception {
        client.resource(ClusterFixtures.demoModel(NS, "scorer", 2, 0.95)).create();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(deployment("scorer").getStatus())
                .satisfies(s -> {
                    assertThat(s.getAvailableReplicas()).isEqualTo(2);
                    assertThat(s.getUpdatedReplicas()).isEqualTo(2);
                }));
        List<Pod> pods = pods("scorer");
        assertThat(pods).hasSize(2).allSatisfy(p -> {
            assertThat(p.getSpec().getNodeName()).isEqualTo(ControlPlane.NODE_NAME);
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(p.getStatus().getPodIP()).startsWith("10.213.0.");
            assertThat(p.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getKind()).isEqualTo("ReplicaSet"));
        });
        assertThat(pods).extracting(p -> p.getStatus().getPodIP()).doesNotHaveDuplicates();
        // Each container is a process of the image's user (185) in its pod's own network namespace.
        long pid = Long.parseLong(pods.get(0).getStatus().getContainerStatuses().get(0).getContainerID()
                .replace("mm://", ""));
        assertThat(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))).anySatisfy(line ->
                assertThat(line).matches("Uid:\\s+185\\s+185\\s+185\\s+185"));
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")))
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc", "self", "ns", "net")));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                + pods.get(0).getStatus().getPodIP() + ":8080/v1/models/fraud-detector:predict"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[{\"truth\":1}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).contains("\"predictions\":[");

        // A new template: with maxSurge 1 and maxUnavailable 0 (the defaults for 2 replicas) the controller adds one
        // new pod, waits until it is ready, then removes an old one.
        AtomicInteger mostPods = new AtomicInteger();
        AtomicInteger fewestAvailable = new AtomicInteger(Integer.MAX_VALUE);
        client.apps().deployments().inNamespace(NS).withName("scorer").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().set(2, "0.50");
            return d;
        });
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Deployment d = deployment("scorer");
            mostPods.accumulateAndGet((int) pods("scorer").stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null).count(), Math::max);
            fewestAvailable.accumulateAndGet(d.getStatus().getAvailableReplicas() == null ? 0
                    : d.getStatus().getAvailableReplicas(), Math::min);
            assertThat(d.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(2);
            assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(2);
            assertThat(d.getStatus().getReplicas()).isEqualTo(2);
            assertThat(pods("scorer")).as("the old pods terminated and are gone").hasSize(2).allSatisfy(p ->
                    assertThat(p.getSpec().getContainers().get(0).getArgs()).contains("0.50"));
        });
        assertThat(mostPods.get()).as("one surge pod at a time, besides those terminating").isEqualTo(3);
        assertThat(fewestAvailable.get()).as("never below the replicas (maxUnavailable 0)").isEqualTo(2);
        // The second new pod was created only once the first was ready. Both stamps are whole seconds, so the pods
        // are told apart by readiness, not by creation (two pods made in one second tie there): the pod ready first
        // is the first (on a tie, the one made earlier); a controller that waited created the other at or after it.
        List<Pod> updated = pods("scorer").stream().sorted(Comparator.comparing(NodeAgentClusterIT::readySince)
                .thenComparing(p -> Instant.parse(p.getMetadata().getCreationTimestamp()))).toList();
        assertThat(Instant.parse(updated.get(1).getMetadata().getCreationTimestamp()))
                .as("the second new pod waited for the first to be ready").isAfterOrEqualTo(readySince(updated.get(0)));
    }

    private static Instant readySince(Pod pod) {
        return Instant.parse(pod.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())).findFirst()
                .orElseThrow().getLastTransitionTime());
    }

    @Test
    void aContainerThatKeepsExitingIsInCrashLoopBackOff() {
        var broken = ClusterFixtures.demoModel(NS, "crasher", 1, 0.9);
        broken.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().set(1, "not-a-port");
        client.resource(broken).create();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(pods("crasher")).singleElement()
                .satisfies(p -> {
                    assertThat(p.getStatus().getContainerStatuses()).isNotEmpty();
                    ContainerStatus status = p.getStatus().getContainerStatuses().get(0);
                    assertThat(status.getRestartCount()).isGreaterThanOrEqualTo(1);
                    assertThat(status.getState().getWaiting()).isNotNull();
                    assertThat(status.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
                    assertThat(status.getLastState().getTerminated().getExitCode()).isNotZero();
                    assertThat(status.getReady()).isFalse();
                }));
        assertThat(deployment("crasher").getStatus().getAvailableReplicas()).isNull();
    }

    @Test
    void anImageTheNodeDoesNotHaveCannotBePulled() {
        var elsewhere = ClusterFixtures.demoModel(NS, "elsewhere", 1, 0.9);
        elsewhere.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("registry.example.com/ml/fraud:1.4.2");
        client.resource(elsewhere).create();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(pods("elsewhere")).singleElement()
                .satisfies(p -> {
                    assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
                    assertThat(p.getStatus().getContainerStatuses()).isNotEmpty();
                    assertThat(p.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
                            .isIn("ErrImagePull", "ImagePullBackOff");
                }));
    }

    private static Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private static List<Pod> pods(String app) {
        return client.pods().inNamespace(NS).withLabel("app", app).list().getItems();
    }
}

package io.modelmonitor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.testsupport.Fixtures;
import io.modelmonitor.testsupport.Monitors;

/**
 * The chart with {@code watchNamespaces}: Roles in the watched namespace instead of a ClusterRole, and the real
 * authorizer holding the operator to them. A monitor there is set up and, deleted, gives the Deployment and the
 * Service back exactly as they were; a monitor in another namespace is never touched; and no call the operator makes
 * is cluster-wide or refused.
 */
@ExtendWith(ClusterDiagnostics.class)
class NamespacedClusterIT {

    private static final String WATCHED = "team-a";
    private static final String OTHER = "team-b";
    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static OperatorRelease operator;

    @BeforeAll
    static void install() {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        // The chart's Roles go into the watched namespace, which must exist first (Helm does not create it).
        ClusterFixtures.namespace(client, WATCHED);
        ClusterFixtures.namespace(client, OTHER);
        operator = OperatorRelease.install(cluster, "scoped", "scoped-system",
                Map.of("watchNamespaces[0]", WATCHED, "replicaCount", 1));
    }

    @AfterAll
    static void uninstall() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void aNamespacedOperatorWorksWithinItsRolesAndGivesBackExactlyWhatItChanged() {
        for (String ns : List.of(WATCHED, OTHER)) {
            client.resource(ClusterFixtures.demoModel(ns, "scorer", 1, 0.95)).create();
            client.resource(Fixtures.modelService(ns, "scorer")).create();
        }
        await("the model rolled out").atMost(Duration.ofSeconds(90)).until(() ->
                Integer.valueOf(1).equals(deployment(WATCHED).getStatus().getReadyReplicas()));
        Deployment before = deployment(WATCHED);
        var serviceBefore = client.services().inNamespace(WATCHED).withName("scorer").get().getSpec();

        for (String ns : List.of(WATCHED, OTHER)) {
            client.resource(monitor(ns)).create();
        }
        await("set up in the watched namespace").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(deployment(WATCHED).getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName())
                    .contains("modelmonitor-collector");
            assertThat(client.services().inNamespace(WATCHED).withName("scorer").get().getSpec().getPorts().get(0)
                    .getTargetPort()).isEqualTo(new IntOrString("mm-data"));
            assertThat(status(WATCHED).getLastEvaluationTime()).isNotNull();
        });
        assertThat(client.resources(ModelMonitor.class).inNamespace(OTHER).withName("scorer").get().getStatus())
                .as("a monitor outside watchNamespaces is not the operator's").isNull();
        assertThat(deployment(OTHER).getSpec().getTemplate().getSpec().getContainers()).hasSize(1);

        client.resources(ModelMonitor.class).inNamespace(WATCHED).withName("scorer").delete();
        await("the monitor's finalizer ran").atMost(Duration.ofSeconds(60)).until(() ->
                client.resources(ModelMonitor.class).inNamespace(WATCHED).withName("scorer").get() == null);
        Deployment after = deployment(WATCHED);
        assertThat(Serialization.asJson(after.getSpec())).as("the Deployment's spec, exactly")
                .isEqualTo(Serialization.asJson(before.getSpec()));
        assertThat(after.getMetadata().getAnnotations().keySet()).noneMatch(k -> k.startsWith("modelmonitor.io/"));
        assertThat(Serialization.asJson(client.services().inNamespace(WATCHED).withName("scorer").get().getSpec()))
                .as("the Service's spec, exactly").isEqualTo(Serialization.asJson(serviceBefore));

        List<AuditLog.Call> calls = operator.calls();
        assertThat(calls).as("calls by " + operator.user()).isNotEmpty().noneMatch(AuditLog.Call::forbidden);
        // API discovery (are the Rollout and InferenceService kinds served?) is no resource at all: every authenticated
        // user may read it.
        assertThat(calls).filteredOn(c -> c.resource() == null || c.resource().isEmpty())
                .allSatisfy(c -> assertThat(c.verb() + " " + c.uri())
                        .matches("get /apis/(argoproj\\.io/v1alpha1|serving\\.kserve\\.io/v1beta1)"));
        assertThat(calls).filteredOn(c -> !c.apiGroup().equals("authorization.k8s.io")
                && !(c.apiGroup().equals("admissionregistration.k8s.io") && c.name().equals(operator.fullname() + "-pods"))
                && c.resource() != null && !c.resource().isEmpty())
                .as("no cluster-wide call (a self review of its own rights, its own webhook's caBundle and discovery aside)")
                .allSatisfy(c -> assertThat(c.namespace()).isIn(Set.of(WATCHED, operator.namespace())));
        assertThat(operator.can("list", "deployments", OTHER)).isFalse();
        assertThat(operator.can("patch", "deployments", OTHER)).isFalse();
        assertThat(operator.can("patch", "deployments", WATCHED)).isTrue();
    }

    private static ModelMonitor monitor(String ns) {
        return Serialization.unmarshal("""
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: scorer, namespace: %s}
                spec:
                  target: {name: scorer, container: model, service: scorer}
                  collector: {injection: template}
                  model: {task: binary-classification}
                  evaluation: {interval: 2s, window: 1m}
                  objectives: [{metric: accuracy, min: 0.9}]
                """.formatted(ns), ModelMonitor.class);
    }

    private static Deployment deployment(String ns) {
        return client.apps().deployments().inNamespace(ns).withName("scorer").get();
    }

    private static ModelMonitorStatus status(String ns) {
        return Monitors.status(client, ns, "scorer");
    }
}

package io.modelmonitor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.modelmonitor.install.HelmChartTest;
import io.modelmonitor.install.RbacTest;
import io.modelmonitor.operator.OperatorTestAccess;
import io.modelmonitor.sandbox.LocalApiServer;
import io.modelmonitor.sandbox.RequestJournal;

/**
 * Packaged operator processes (the prod profile, as in the chart's Deployment) against one local API: only the
 * Lease holder reconciles, the standby is ready but silent; when the leader dies without a word (SIGKILL) the
 * standby takes the Lease and reconciles from then on; a leader that loses its Lease exits; one stopped normally
 * gives the Lease up. Both watch one namespace, as the chart configures them with
 * {@code watchNamespaces}, and every call they make must be allowed by the namespaced Roles the chart renders.
 */
class LeaderElectionIT {

    private static final String LEASE_NAMESPACE = "model-monitor";
    private static final String LEASE = "model-monitor-leader";
    private static final String NS = "ml";
    private static final String TEST_CLIENT = "leader-election-it";

    /** Held so that the setting sticks: java.util.logging keeps loggers weakly. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    private static LocalApiServer api;
    private static KubernetesClient client;
    private final HttpClient http = HttpClient.newHttpClient();
    private Replica first;
    private Replica second;
    private Replica third;

    /** One operator process: its identity (the pod name in a cluster), its log and its HTTP port. */
    record Replica(String name, Process process, Path log) {

        String output() throws IOException {
            return Files.exists(log) ? Files.readString(log) : "";
        }

        int httpPort() {
            Matcher m = Pattern.compile("Listening on: http://127\\.0\\.0\\.1:(\\d+)").matcher(uncheckedOutput());
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }

        private String uncheckedOutput() {
            try {
                return output();
            } catch (IOException e) {
                return "";
            }
        }
    }

    @BeforeAll
    static void startApi() throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING); // every request would be logged at INFO
        api = LocalApiServer.start(0);
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(api.client().getConfiguration())
                .withUserAgent(TEST_CLIENT).build()).build();
        try (InputStream in = Files.newInputStream(Path.of("crds", "modelmonitors.modelmonitor.io-v1.yml"))) {
            client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
        }
        for (String ns : List.of(LEASE_NAMESPACE, NS)) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }
    }

    @AfterAll
    static void stopApi() {
        if (api != null) {
            client.close();
            api.close();
        }
    }

    @AfterEach
    void stopReplicas() throws InterruptedException {
        for (Replica r : new Replica[] {first, second, third}) {
            if (r != null && r.process().isAlive()) {
                r.process().destroy();
                r.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void onlyTheLeaseHolderReconcilesAndTheLeaseChangesHandsSafely() throws Exception {
        first = start("operator-a");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(holder()).as(first.output()).isEqualTo("operator-a"));
        second = start("operator-b");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(second.output()).contains("New leader with identity: operator-a");
            assertThat(ready(second)).as("a standby is ready: a 2-replica Deployment shows 2/2").isEqualTo(200);
        });
        assertThat(ready(first)).isEqualTo(200);

        client.resource(OperatorTestAccess.modelDeployment(NS, "scorer", 1)).create();
        client.resource(OperatorTestAccess.monitor(NS, "scorer", "scorer")).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> OperatorTestAccess.injected(client, NS, "scorer"));
        Thread.sleep(3_000); // time for a reconciling standby, if there were one, to act as well
        assertThat(eventsAbout("scorer")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getReportingInstance()).as(e.getReason()).isEqualTo("operator-a"));
        assertThat(second.output()).as("the standby stays silent").doesNotContain(NS + "/scorer:")
                .doesNotContain("injected");
        assertThat(first.output()).contains(NS + "/scorer:");

        first.process().destroyForcibly(); // a crash: the Lease is not released, it has to expire
        first.process().waitFor(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(holder()).isEqualTo("operator-b"));

        client.resource(OperatorTestAccess.modelDeployment(NS, "ranker", 1)).create();
        client.resource(OperatorTestAccess.monitor(NS, "ranker", "ranker")).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> OperatorTestAccess.injected(client, NS, "ranker"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(eventsAbout("ranker")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getReportingInstance()).isEqualTo("operator-b")));
        assertThat(second.output()).contains(NS + "/ranker:");

        // A leader that can no longer renew (another holder took the Lease, as after a network partition) stops
        // acting and exits with an error, to come back as a standby.
        client.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE).edit(l -> {
            l.getSpec().setHolderIdentity("intruder");
            l.getSpec().setLeaseDurationSeconds(3600);
            l.getSpec().setRenewTime(java.time.ZonedDateTime.now());
            return l;
        });
        assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).as("exits when the Lease is lost").isTrue();
        assertThat(second.process().exitValue()).isEqualTo(1);
        assertThat(second.output()).contains("lost the leader Lease");

        // A normal stop (SIGTERM: a rolling upgrade, a drain) hands the Lease over instead of letting it expire.
        client.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE).delete();
        third = start("operator-c");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(holder()).isEqualTo("operator-c"));
        third.process().destroy();
        assertThat(third.process().waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        assertThat(holder()).as(third.output()).isNullOrEmpty();
        assertThat(third.output()).contains("released Lease " + LEASE + " as operator-c");

        assertEveryCallAllowedByTheNamespacedChart();
    }

    /**
     * Every call the two replicas made is allowed by the chart rendered for the namespace they watch: a Role in
     * {@code ml} (no ClusterRole at all) and the leader-election Role, with its resourceNames.
     */
    private static void assertEveryCallAllowedByTheNamespacedChart() {
        List<Role> roles = HelmChartTest.render(new Helm(HelmChartTest.CHART).template().withName("model-monitor")
                .withNamespace(LEASE_NAMESPACE).set("watchNamespaces[0]", NS).call()).stream()
                .filter(Role.class::isInstance).map(Role.class::cast).toList();
        List<RequestJournal.Request> calls = api.recentRequests().stream()
                .filter(r -> !TEST_CLIENT.equals(r.userAgent()))
                // every authenticated user may review its own rights (system:basic-user)
                .filter(r -> !r.path().startsWith("/apis/authorization.k8s.io/")).toList();
        assertThat(calls).as("the replicas' calls").anyMatch(r -> r.path().contains("/leases/"))
                .anyMatch(r -> r.path().contains("/deployments"));
        assertThat(calls).allSatisfy(call -> {
            String[] permission = RbacTest.permission(call.method(), call.path()).split("\\|");
            Matcher where = Pattern.compile("/namespaces/([^/?]+)/[^/?]+(?:/([^/?]+))?").matcher(call.path());
            assertThat(where.find()).as("a cluster-wide call: %s", call).isTrue();
            assertThat(roles).as(call.toString()).anySatisfy(role -> {
                assertThat(role.getMetadata().getNamespace()).isEqualTo(where.group(1));
                assertThat(role.getRules()).anySatisfy(rule -> {
                    assertThat(rule.getApiGroups()).contains(permission[0]);
                    assertThat(rule.getResources()).contains(permission[1]);
                    assertThat(rule.getVerbs()).contains(permission[2]);
                    if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
                        assertThat(rule.getResourceNames()).contains(where.group(2));
                    }
                });
            });
        });
    }

    private Replica start(String name) throws IOException {
        Path log = Path.of("target", "leader-election-" + name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(javaBinary(),
                "-Dkubernetes.master=" + api.storeUrl(),
                "-Dkubernetes.auth.tryKubeConfig=false", "-Dkubernetes.auth.tryServiceAccount=false",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=0",
                "-Dmodelmonitor.leader-election.lease-namespace=" + LEASE_NAMESPACE,
                "-Dmodelmonitor.leader-election.identity=" + name,
                // short terms, so that the failover fits in a test
                "-Dmodelmonitor.leader-election.lease-duration=4s", "-Dmodelmonitor.leader-election.renew-deadline=3s",
                "-Dmodelmonitor.leader-election.retry-period=1s",
                "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("POD_NAME", name);
        // As the chart configures watchNamespaces: [ml]
        builder.environment().put("QUARKUS_OPERATOR_SDK_CONTROLLERS_MODELMONITOR_NAMESPACES", NS);
        return new Replica(name, builder.start(), log);
    }

    private static String holder() {
        Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private int ready(Replica replica) throws Exception {
        int port = replica.httpPort();
        if (port < 0) {
            return -1;
        }
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<Event> eventsAbout(String name) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}

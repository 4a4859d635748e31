package io.modelmonitor.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.collector.Collector;
import io.modelmonitor.operator.status.StatusConditions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The operator reading real collectors on loopback behind two pods (127.0.0.2 and 127.0.0.3, like pod IPs, with
 * the same admin port), through the default pod-IP endpoint lookup.
 */
@QuarkusTest
@WithKubernetesTestServer
class EvaluationLoopTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/q/metrics")
    URI operatorMetrics;

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    @Test
    void statusShowsTheMergedWindowAndARestartedCollectorIsNotCountedTwice() throws Exception {
        String ns = "eval";
        LoopbackPods.StubModel model = LoopbackPods.stubModel();
        running.add(model);
        int modelPort = model.port();
        int[] ports = LoopbackPods.freePorts();
        int dataPort = ports[0];
        int adminPort = ports[1];
        Collector a = start("127.0.0.2", modelPort, dataPort, adminPort);
        Collector b = start("127.0.0.3", modelPort, dataPort, adminPort);

        LoopbackPods.deployScorer(client, ns, dataPort, adminPort);

        // 150 requests through each replica; 80% of the labels agree with the prediction ("1"); all labels are sent
        // to replica b, which forwards a's to a.
        List<String> ids = LoopbackPods.predictPairs(a, b, 150);
        String fed = LoopbackPods.feedback("127.0.0.3", dataPort, ids);
        assertThat(fed).contains("\"matched\":300");

        ModelMonitor breached = await().atMost(Duration.ofSeconds(20)).until(() -> monitor(ns),
                m -> m.getStatus().getPhase() == Phase.Breached);
        var metrics = breached.getStatus().getMetrics();
        assertThat(metrics.getRequests()).isEqualTo(300);
        assertThat(metrics.getLabels()).isEqualTo(300);
        assertThat(metrics.getAccuracy().getValue()).isEqualTo(0.8);
        assertThat(metrics.getAccuracy().getN()).isEqualTo(300);
        assertThat(metrics.getAccuracy().getUpper()).isLessThan(0.9);
        assertThat(metrics.getLatencyMs().getP99()).isPositive().isLessThan(250.0);
        assertThat(breached.getStatus().getObjectives()).extracting(o -> o.getMetric(), o -> o.getState())
                .containsExactly(Tuple.tuple(MetricName.accuracy, ObjectiveState.Breached),
                        Tuple.tuple(MetricName.latencyP99Ms, ObjectiveState.Met));
        assertThat(breached.getStatus().getObjectives().get(0).getConsecutiveBreaches()).isGreaterThanOrEqualTo(2);
        assertThat(StatusConditions.find(breached.getStatus().getConditions(), StatusConditions.DEGRADED).orElseThrow()
                .getStatus()).isEqualTo("True");
        assertThat(breached.getStatus().getTargetRevision()).isEqualTo(1L);
        String exported = HTTP.send(HttpRequest.newBuilder(operatorMetrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        // Labels sorted by name: the objective's severity, and the monitor's team (propagated in the test profile).
        assertThat(exported).contains("modelmonitor_objective_value{bound=\"min\",metric=\"accuracy\",monitor=\"scorer\","
                + "namespace=\"eval\",severity=\"critical\",team=\"\"} 0.8")
                .contains("modelmonitor_objective_state{bound=\"min\",metric=\"accuracy\",monitor=\"scorer\","
                        + "namespace=\"eval\",severity=\"critical\",team=\"\"} 2.0")
                .containsPattern("modelmonitor_evaluations_total\\{monitor=\"scorer\",namespace=\"eval\"} [1-9]");

        // Collector a restarts mid-window: its counters start again from zero under a new instance.
        a.close();
        running.remove(a);
        Collector restarted = start("127.0.0.2", modelPort, dataPort, adminPort);
        for (int i = 0; i < 20; i++) {
            LoopbackPods.predict(restarted);
        }
        ModelMonitor after = await().atMost(Duration.ofSeconds(20)).until(() -> monitor(ns),
                m -> m.getStatus().getMetrics().getRequests() == 320);
        assertThat(after.getStatus().getMetrics().getLabels()).isEqualTo(300);
        assertThat(after.getStatus().getMetrics().getAccuracy().getValue()).isCloseTo(0.8, within(1e-9));
        // and it stays there: nothing double-counted, nothing negative, over further evaluations
        Thread.sleep(2500);
        assertThat(monitor(ns).getStatus().getMetrics().getRequests()).isEqualTo(320);

        // The same objective as a dry run (enforce: false): still judged and shown Breached, but it decides nothing.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> client.resources(ModelMonitor.class)
                .inNamespace(ns).withName("scorer").edit(m -> {
                    m.getSpec().getObjectives().get(0).setEnforce(false);
                    return m;
                }) != null);
        ModelMonitor dryRun = await().atMost(Duration.ofSeconds(20)).until(() -> monitor(ns),
                m -> m.getStatus().getPhase() == Phase.Healthy);
        assertThat(dryRun.getStatus().getObjectives().get(0)).satisfies(o -> {
            assertThat(o.getMetric()).isEqualTo(MetricName.accuracy);
            assertThat(o.getState()).isEqualTo(ObjectiveState.Breached);
            assertThat(o.getDryRun()).isTrue();
        });
        assertThat(dryRun.getStatus().getObjectives().get(1).getDryRun()).as("enforced: not marked").isNull();
        assertThat(StatusConditions.find(dryRun.getStatus().getConditions(), StatusConditions.DEGRADED).orElseThrow()
                .getStatus()).isEqualTo("False");
    }

    private ModelMonitor monitor(String ns) {
        return client.resources(ModelMonitor.class).inNamespace(ns).withName("scorer").get();
    }

    private Collector start(String ip, int modelPort, int dataPort, int adminPort) {
        Collector c = LoopbackPods.collector(ip, modelPort, dataPort, adminPort);
        running.add(c);
        return c;
    }
}

package io.modelmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.BudgetSpec;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.Severity;
import io.modelmonitor.collector.Collector;
import io.modelmonitor.install.HelmChartTest;
import io.modelmonitor.operator.LoopbackPods;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The ecosystem's path for alerts: the operator's objective series, scraped by a real Prometheus that evaluates the
 * chart's own PrometheusRule, routed by a real Alertmanager by severity and team to two local receivers. A breach
 * pages for the critical objective and tickets for the warning one; the recovery resolves both.
 */
@QuarkusTest
@WithKubernetesTestServer
class AlertmanagerRoutingTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/q/metrics")
    URL operatorMetrics;

    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
        for (Process p : processes) {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBreachPagesOrTicketsBySeverityThroughAlertmanagerAndTheRecoveryResolvesIt() throws Exception {
        String ns = "routes";
        LoopbackPods.StubModel model = LoopbackPods.stubModel();
        running.add(model);
        int[] ports = LoopbackPods.freePorts();
        Collector a = LoopbackPods.collector("127.0.0.2", model.port(), ports[0], ports[1]);
        Collector b = LoopbackPods.collector("127.0.0.3", model.port(), ports[0], ports[1]);
        running.add(a);
        running.add(b);
        Receivers receivers = new Receivers();
        running.add(receivers);
        Path dir = Files.createTempDirectory("alertmanager");
        int alertmanager = startAlertmanager(dir, receivers.port());
        startPrometheus(dir, alertmanager);

        // The stub model answers "1" and 80% of the labels say "1": accuracy and precision 0.8.
        LoopbackPods.deployScorer(client, ns, ports[0], ports[1]);
        edit(ns, m -> {
            m.getMetadata().setLabels(Map.of("team", "fraud"));
            ObjectiveSpec accuracy = ObjectiveSpec.min(MetricName.accuracy, 0.9);
            accuracy.setSeverity(Severity.critical);
            accuracy.setRunbookUrl("https://runbooks.example.com/fraud/accuracy");
            accuracy.setBudget(new BudgetSpec(0.99, 28));
            ObjectiveSpec precision = ObjectiveSpec.min(MetricName.precision, 0.95);
            precision.setSeverity(Severity.warning);
            m.getSpec().setObjectives(List.of(accuracy, precision));
        });
        LoopbackPods.feedback("127.0.0.2", ports[0], LoopbackPods.predictPairs(a, b, 150));
        await().atMost(Duration.ofSeconds(20)).until(() -> client.resources(ModelMonitor.class).inNamespace(ns)
                .withName("scorer").get().getStatus().getPhase(), p -> p == Phase.Breached || p == Phase.RollingBack
                        || p == Phase.RolledBack);

        JsonNode page = await().atMost(Duration.ofSeconds(60)).until(() -> receivers.find("pager", "firing"),
                java.util.Objects::nonNull);
        JsonNode paged = page.get("alerts").get(0);
        assertThat(paged.get("labels").get("alertname").asText()).isEqualTo("ModelObjectiveBreached");
        assertThat(paged.get("labels").get("metric").asText()).isEqualTo("accuracy");
        assertThat(paged.get("labels").get("severity").asText()).isEqualTo("critical");
        assertThat(paged.get("labels").get("team").asText()).as("the monitor's own label, propagated").isEqualTo("fraud");
        assertThat(paged.get("labels").get("monitor").asText()).isEqualTo("scorer");
        // The evidence, from the operator's series through the rule's annotations: the value 0.8 and its interval.
        assertThat(paged.get("annotations").get("description").asText())
                .startsWith("accuracy of ModelMonitor routes/scorer is 0.8, its interval [0.7")
                .contains("wholly beyond its min bound");
        assertThat(paged.get("annotations").get("runbook_url").asText()).isEqualTo("https://runbooks.example.com/model-monitor");

        // Every evaluation Breached: the accuracy objective's budget burns at 100 times the allowed rate, a page.
        JsonNode burn = await().atMost(Duration.ofSeconds(60)).until(() -> receivers.received("pager").stream()
                .filter(n -> n.get("alerts").get(0).get("labels").get("alertname").asText().equals("ModelErrorBudgetBurn"))
                .findFirst().orElse(null), java.util.Objects::nonNull);
        assertThat(burn.get("alerts").get(0).get("labels").get("severity").asText()).isEqualTo("critical");
        assertThat(burn.get("alerts").get(0).get("annotations").get("description").asText())
                .contains("of the budget left; burn rate over the last hour 100.0");
        var budget = client.resources(ModelMonitor.class).inNamespace(ns).withName("scorer").get().getStatus()
                .getObjectives().get(0).getBudget();
        assertThat(budget.getAlert()).isEqualTo("Page");
        assertThat(budget.getRemaining()).isNegative();
        assertThat(budget.getHistory()).isNotBlank();

        JsonNode ticket = await().atMost(Duration.ofSeconds(30)).until(() -> receivers.find("ticket", "firing"),
                java.util.Objects::nonNull);
        assertThat(ticket.get("alerts")).allSatisfy(alert -> {
            assertThat(alert.get("labels").get("metric").asText()).isEqualTo("precision");
            assertThat(alert.get("labels").get("severity").asText()).isEqualTo("warning");
        });
        assertThat(receivers.received("pager")).as("the warning objective never pages")
                .allSatisfy(n -> n.get("alerts").forEach(alert ->
                        assertThat(alert.get("labels").get("metric").asText()).isEqualTo("accuracy")));

        // Recovery: bounds the model meets. The operator's series fall to 0, Prometheus resolves, Alertmanager says so.
        edit(ns, m -> m.getSpec().setObjectives(List.of(ObjectiveSpec.min(MetricName.accuracy, 0.5),
                withSeverity(ObjectiveSpec.min(MetricName.precision, 0.5), Severity.warning))));
        JsonNode resolved = await().atMost(Duration.ofSeconds(90)).until(() -> receivers.find("pager", "resolved"),
                java.util.Objects::nonNull);
        assertThat(resolved.get("alerts").get(0).get("labels").get("metric").asText()).isEqualTo("accuracy");
        assertThat(await().atMost(Duration.ofSeconds(30)).until(() -> receivers.find("ticket", "resolved"),
                java.util.Objects::nonNull).get("alerts").get(0).get("labels").get("metric").asText()).isEqualTo("precision");
    }

    private static ObjectiveSpec withSeverity(ObjectiveSpec objective, Severity severity) {
        objective.setSeverity(severity);
        return objective;
    }

    /** The operator writes status every second: an edit may meet a newer resourceVersion (409) and is retried. */
    private void edit(String ns, java.util.function.Consumer<ModelMonitor> change) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> client.resources(ModelMonitor.class)
                .inNamespace(ns).withName("scorer").edit(m -> {
                    change.accept(m);
                    return m;
                }) != null);
    }

    /** Critical alerts of team fraud page; everything else makes a ticket. */
    private int startAlertmanager(Path dir, int receivers) throws Exception {
        int port = freePort();
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: ticket
                  group_by: [alertname, namespace, monitor, metric]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                  routes:
                    - receiver: pager
                      matchers: ['severity="critical"', 'team="fraud"']
                receivers:
                  - name: pager
                    webhook_configs: [{url: "http://127.0.0.1:%1$d/pager", send_resolved: true}]
                  - name: ticket
                    webhook_configs: [{url: "http://127.0.0.1:%1$d/ticket", send_resolved: true}]
                """.formatted(receivers));
        processes.add(new ProcessBuilder(alertmanagerBinary(), "--config.file=" + config,
                "--storage.path=" + dir.resolve("am-data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start());
        ready("http://127.0.0.1:" + port + "/-/ready");
        return port;
    }

    /** Prometheus scraping this operator's /q/metrics every second and evaluating the chart's rules. */
    private void startPrometheus(Path dir, int alertmanager) throws Exception {
        String chart = new Helm(HelmChartTest.CHART).template().withName("model-monitor").withNamespace("ops")
                .set("alerting.prometheusRule.enabled", true).set("alerting.prometheusRule.operatorJob", "model-monitor")
                .set("alerting.prometheusRule.runbookUrl", "https://runbooks.example.com/model-monitor").call();
        GenericKubernetesResource rule = HelmChartTest.render(chart).stream()
                .filter(o -> o.getKind().equals("PrometheusRule")).map(GenericKubernetesResource.class::cast)
                .findFirst().orElseThrow();
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, Serialization.asYaml(rule.getAdditionalProperties().get("spec")));
        int port = freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ["%s"]
                alerting:
                  alertmanagers:
                    - static_configs: [{targets: ["127.0.0.1:%d"]}]
                scrape_configs:
                  - job_name: model-monitor
                    metrics_path: %s
                    static_configs: [{targets: ["%s:%d"]}]
                """.formatted(rules, alertmanager, operatorMetrics.getPath(), operatorMetrics.getHost(),
                operatorMetrics.getPort()));
        processes.add(new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start());
        ready("http://127.0.0.1:" + port + "/-/ready");
        // The rule file the chart ships loaded without error: both alerts are known to Prometheus.
        String loaded = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/rules")).build(), HttpResponse.BodyHandlers.ofString()).body(),
                body -> body.contains("ModelObjectiveBreached"));
        assertThat(loaded).contains("ModelMonitorOperatorAbsent").doesNotContain("\"health\":\"err\"");
    }

    /** Debian installs Alertmanager as prometheus-alertmanager; upstream's release as alertmanager. */
    private static String alertmanagerBinary() {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, "prometheus-alertmanager"))) {
                return Path.of(dir, "prometheus-alertmanager").toString();
            }
        }
        return "alertmanager";
    }

    private static void ready(String url) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(
                URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Two webhook receivers, /pager and /ticket, keeping every notification Alertmanager sends them. */
    private static final class Receivers implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, List<JsonNode>> notifications = Map.of("pager", new CopyOnWriteArrayList<>(),
                "ticket", new CopyOnWriteArrayList<>());

        Receivers() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
            for (String name : notifications.keySet()) {
                server.createContext("/" + name, exchange -> {
                    notifications.get(name).add(JSON.readTree(new String(exchange.getRequestBody().readAllBytes(),
                            StandardCharsets.UTF_8)));
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
            }
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        List<JsonNode> received(String receiver) {
            return notifications.get(receiver);
        }

        /** The first notification to the receiver with this status (firing or resolved), or null. */
        JsonNode find(String receiver, String status) {
            return notifications.get(receiver).stream().filter(n -> status.equals(n.get("status").asText()))
                    .findFirst().orElse(null);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}

package io.modelmonitor.operator.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.MetricsSourceSpec;
import io.modelmonitor.api.v1alpha1.MetricsSourceType;
import io.modelmonitor.api.v1alpha1.MetricsStatus;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.collector.Collector;
import io.modelmonitor.collector.CollectorConfig;
import io.modelmonitor.evaluation.Judgement;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.evaluation.ObjectiveJudge;
import io.modelmonitor.metrics.GenerationCounts;
import io.modelmonitor.metrics.GenerationMetrics;
import io.modelmonitor.metrics.GenerationSnapshot;
import io.modelmonitor.metrics.InputCounts;
import io.modelmonitor.metrics.LatencyHistogram;
import io.modelmonitor.metrics.WindowMetrics;
import io.modelmonitor.operator.LoopbackPods;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.sandbox.DemoLlmServer;
import io.modelmonitor.testsupport.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A real Prometheus server (Debian's prometheus binary, started here on a free loopback port, scraping every
 * second) scrapes two real collectors; the same monitor is judged first from the collectors, then from
 * Prometheus, and the status must agree; a language model's figures likewise.
 */
@QuarkusTest
@WithKubernetesTestServer
class PrometheusSourceTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Inject
    KubernetesClient client;

    private final List<AutoCloseable> running = new ArrayList<>();
    private Process prometheus;
    private Path dataDir;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void prometheusGivesTheSameStatusAsTheCollectorsAndNoDataIsNeverABreach() throws Exception {
        String ns = "prom";
        LoopbackPods.StubModel model = LoopbackPods.stubModel();
        running.add(model);
        int modelPort = model.port();
        int[] ports = LoopbackPods.freePorts();
        Collector a = start("127.0.0.2", modelPort, ports[0], ports[1]);
        Collector b = start("127.0.0.3", modelPort, ports[0], ports[1]);
        String url = startPrometheus(ports[1]);
        // The Prometheus path counts from each series' value at the window's start: warm both collectors up so every
        // series the measured traffic touches exists, and has been scraped, before the monitor's window starts.
        List<String> warmUp = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            warmUp.add(LoopbackPods.predict(a));
            warmUp.add(LoopbackPods.predict(b));
        }
        LoopbackPods.feedback("127.0.0.2", ports[0], warmUp);
        // Prometheus' first scrapes come some time after it reports ready: wait until it holds the warm-up counts.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(
                url + "/api/v1/query?query=" + URLEncoder.encode("sum(modelmonitor_labels_total{job=\"collectors\"})",
                        StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body()
                .contains("\"20\""));

        LoopbackPods.deployScorer(client, ns, ports[0], ports[1]);

        List<String> ids = LoopbackPods.predictPairs(a, b, 150);
        LoopbackPods.feedback("127.0.0.2", ports[0], ids);
        MetricsStatus direct = await().atMost(Duration.ofSeconds(20)).until(() -> monitor(ns).getStatus().getMetrics(),
                m -> m != null && m.getLabels() != null && m.getLabels() == 300 && m.getRequests() == 300);
        Thread.sleep(3000); // Prometheus scrapes every second: let it see the final counts

        // The operator writes status every second: an edit may meet a newer resourceVersion (409) and is retried.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> client.resources(ModelMonitor.class)
                .inNamespace(ns).withName("scorer").edit(m -> {
                    MetricsSourceSpec source = new MetricsSourceSpec();
                    source.setType(MetricsSourceType.prometheus);
                    source.setPrometheus(new MetricsSourceSpec.PrometheusSourceSpec());
                    source.getPrometheus().setUrl(url);
                    m.getSpec().setMetricsSource(source);
                    return m;
                }) != null);
        ModelMonitor fromPrometheus = await().atMost(Duration.ofSeconds(20)).until(() -> monitor(ns),
                m -> StatusConditions.find(m.getStatus().getConditions(), StatusConditions.METRICS_AVAILABLE)
                        .map(c -> c.getMessage().contains("prometheus") && "True".equals(c.getStatus())).orElse(false)
                        && m.getStatus().getMetrics().getLabels() != null && m.getStatus().getMetrics().getLabels() > 0);
        MetricsStatus viaPrometheus = fromPrometheus.getStatus().getMetrics();
        // Counts agree (to within a scrape of the window edges) ...
        assertThat((double) viaPrometheus.getRequests()).isCloseTo(direct.getRequests(), within(direct.getRequests() * 0.05));
        assertThat((double) viaPrometheus.getLabels()).isCloseTo(direct.getLabels(), within(direct.getLabels() * 0.05));
        assertThat(viaPrometheus.getAccuracy().getValue()).isCloseTo(direct.getAccuracy().getValue(), within(0.02));
        // ... and latency percentiles to within the histogram's resolution (one bucket).
        double p99 = direct.getLatencyMs().getP99();
        int bucket = LatencyHistogram.bucketOf(p99);
        double width = LatencyHistogram.BOUNDS_MS[bucket] - (bucket == 0 ? 0 : LatencyHistogram.BOUNDS_MS[bucket - 1]);
        assertThat(viaPrometheus.getLatencyMs().getP99()).isCloseTo(p99, within(width));
        assertThat(fromPrometheus.getStatus().getCollectors().getReporting()).isEqualTo(2);
        assertThat(fromPrometheus.getStatus().getObjectives().get(0).getState())
                .isEqualTo(ObjectiveState.Breached);

        // A collector restarts inside the window (its counters start again from zero): what it counted before the
        // restart still counts, and so does what it counts after.
        long before = viaPrometheus.getRequests();
        b.close();
        running.remove(b);
        Collector restarted = start("127.0.0.3", modelPort, ports[0], ports[1]);
        for (int i = 0; i < 20; i++) {
            LoopbackPods.predict(restarted);
        }
        MetricsStatus afterRestart = await().atMost(Duration.ofSeconds(20)).until(() -> monitor(ns).getStatus().getMetrics(),
                m -> m != null && m.getRequests() != null && m.getRequests() >= before + 20);
        assertThat(afterRestart.getRequests()).isBetween(before + 20, before + 22);

        // Prometheus gone: InsufficientData with a clear condition, never a breach.
        prometheus.destroy();
        prometheus.waitFor(20, TimeUnit.SECONDS);
        ModelMonitor blind = await().atMost(Duration.ofSeconds(30)).until(() -> monitor(ns),
                m -> StatusConditions.find(m.getStatus().getConditions(), StatusConditions.METRICS_AVAILABLE)
                        .map(c -> "False".equals(c.getStatus())).orElse(false));
        assertThat(StatusConditions.find(blind.getStatus().getConditions(), StatusConditions.METRICS_AVAILABLE).orElseThrow()
                .getReason()).isEqualTo(Reason.METRICS_SOURCE_UNAVAILABLE.wire());
        assertThat(blind.getStatus().getObjectives()).allSatisfy(o ->
                assertThat(o.getState()).isEqualTo(ObjectiveState.InsufficientData));
        assertThat(blind.getStatus().getPhase()).isNotEqualTo(Phase.RollingBack);
    }

    @Inject
    PrometheusReader reader;

    /**
     * The model's inputs through Prometheus: the counts of each feature come through the same counters the
     * collector serves, and what counters cannot carry (distributions) is said, not guessed.
     */
    @Test
    void inputCountsComeThroughPrometheusAndTheMissingDistributionsAreSaid() throws Exception {
        LoopbackPods.StubModel model = LoopbackPods.stubModel();
        running.add(model);
        int[] ports = LoopbackPods.freePorts();
        Map<String, String> env = new HashMap<>(Map.of("MM_UPSTREAM_URL", "http://127.0.0.1:" + model.port(),
                "MM_BIND_ADDRESS", "127.0.0.2", "MM_POD_IP", "127.0.0.2", "MM_PORT", Integer.toString(ports[0]),
                "MM_ADMIN_PORT", Integer.toString(ports[1]),
                "MM_FEATURES", "[{\"name\":\"amount\",\"type\":\"numerical\"},{\"name\":\"country\",\"type\":\"categorical\"}]"));
        Collector c = Collector.start(CollectorConfig.fromEnv(env));
        running.add(c);
        long start = System.currentTimeMillis();
        String url = startPrometheus(ports[1]);
        for (int i = 0; i < 50; i++) {
            send(ports[0], "{\"instances\": [{\"amount\": " + i + ", \"country\": null}]}");
        }
        for (int i = 0; i < 10; i++) {
            send(ports[0], "not json");
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(
                url + "/api/v1/query?query=" + URLEncoder.encode("sum(modelmonitor_input_requests_total{job=\"collectors\"})",
                        StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body().contains("\"60\""));

        ModelMonitor monitor = Fixtures.monitor("prom", "scorer", "scorer");
        MetricsSourceSpec source = new MetricsSourceSpec();
        source.setType(MetricsSourceType.prometheus);
        source.setPrometheus(new MetricsSourceSpec.PrometheusSourceSpec());
        source.getPrometheus().setUrl(url);
        monitor.getSpec().setMetricsSource(source);
        // The revision's pods by name, as the operator selects them: the decoy job's "scorer-canary-..." is not one.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(
                url + "/api/v1/query?query=" + URLEncoder.encode("sum(modelmonitor_input_requests_total{job=\"decoy\"})",
                        StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body().contains("\"60\""));
        PrometheusReader.Result read = reader.read(monitor, "scorer-7d9f8c6b5-[a-z0-9]{5}", start - 1000,
                System.currentTimeMillis());
        InputCounts inputs = read.counts().inputs();
        assertThat(inputs.requests()).isEqualTo(60);
        assertThat(inputs.schemaViolations()).isEqualTo(10);
        assertThat(inputs.rows()).isEqualTo(50);
        assertThat(inputs.features().get("amount").values()).isEqualTo(50);
        assertThat(inputs.features().get("country").missing()).isEqualTo(50);
        assertThat(inputs.countersOnly()).isTrue();

        WindowMetrics m = WindowMetrics.compute(read.counts(), new WindowMetrics.Settings(true, true, "1", 0.95, 10), 60,
                null, null, null);
        Judgement missing = ObjectiveJudge.judge(new Objective(MetricName.missingRate, null, 0.05), m, 10, 0.95);
        assertThat(missing.state()).isEqualTo(ObjectiveState.Breached);
        assertThat(missing.reason()).startsWith("feature country:");
        Judgement drift = ObjectiveJudge.judge(new Objective(MetricName.featureDrift, null, 0.1), m, 10, 0.95);
        assertThat(drift.state()).isEqualTo(ObjectiveState.InsufficientData);
        assertThat(drift.reason()).contains("Prometheus holds counters only");
    }

    @Test
    void aLanguageModelsFiguresComeThroughPrometheusAsFromTheCollector() throws Exception {
        DemoLlmServer llm = DemoLlmServer.start("127.0.0.1", 0, new DemoLlmServer.Behaviour("v1", 30, 2, 6, 0.3));
        running.add(llm);
        int[] ports = LoopbackPods.freePorts();
        Collector c = Collector.start(CollectorConfig.fromEnv(Map.of("MM_UPSTREAM_URL", "http://127.0.0.1:" + llm.port(),
                "MM_BIND_ADDRESS", "127.0.0.2", "MM_POD_IP", "127.0.0.2", "MM_PORT", Integer.toString(ports[0]),
                "MM_ADMIN_PORT", Integer.toString(ports[1]), "MM_PROTOCOL", "openai", "MM_TASK", "generation",
                "MM_SEGMENT_HEADER", "X-Language", "MM_ID_KEY", "a-key-for-the-ids-of-this-monitor-0123")));
        running.add(c);
        long start = System.currentTimeMillis();
        String url = startPrometheus(ports[1]);
        StringBuilder feedback = new StringBuilder("[");
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.2:" + ports[0]
                    + "/v1/chat/completions")).header("X-Language", i % 2 == 0 ? "en" : "fr")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"content\":\"hi\"}],\"max_tokens\":4,"
                            + "\"stream\":" + (i % 4 != 3) + "}")).build(), HttpResponse.BodyHandlers.ofString());
            String id = answer.headers().firstValue("X-Prediction-Id").orElseThrow();
            feedback.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",")
                    .append(i % 3 == 0 ? "\"score\":0.5" : "\"accepted\":" + (i % 5 != 0)).append('}');
        }
        HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.2:" + ports[0] + "/modelmonitor/v1/feedback"))
                .POST(HttpRequest.BodyPublishers.ofString(feedback.append(']').toString())).build(),
                HttpResponse.BodyHandlers.discarding());
        GenerationSnapshot direct = c.snapshot(null).generation();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(
                url + "/api/v1/query?query=" + URLEncoder.encode("sum(modelmonitor_answer_feedback_total{job=\"collectors\"})",
                        StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body().contains("\"40\""));

        ModelMonitor monitor = Fixtures.monitor("prom", "scorer", "scorer");
        MetricsSourceSpec source = new MetricsSourceSpec();
        source.setType(MetricsSourceType.prometheus);
        source.setPrometheus(new MetricsSourceSpec.PrometheusSourceSpec());
        source.getPrometheus().setUrl(url);
        monitor.getSpec().setMetricsSource(source);
        GenerationCounts read = reader.read(monitor, "scorer-7d9f8c6b5-[a-z0-9]{5}", start - 1000, System.currentTimeMillis())
                .counts().generation();
        GenerationCounts expected = GenerationCounts.delta(null, direct);
        assertThat(read.requests()).isEqualTo(40).isEqualTo(expected.requests());
        assertThat(read.streamed()).isEqualTo(30);
        assertThat(read.ttft()).isEqualTo(expected.ttft());
        assertThat(read.interToken()).isEqualTo(expected.interToken());
        assertThat(read.outputRate()).isEqualTo(expected.outputRate());
        assertThat(read.completionTokens()).isEqualTo(expected.completionTokens()).isPositive();
        assertThat(read.finishReasons()).isEqualTo(expected.finishReasons());
        assertThat(read.acceptance().keySet()).containsExactlyInAnyOrder("en", "fr");
        for (String segment : List.of("en", "fr")) {
            GenerationCounts.Acceptance p = read.acceptance().get(segment);
            GenerationCounts.Acceptance d = expected.acceptance().get(segment);
            assertThat(List.of(p.accepted(), p.rejected(), p.scored())).isEqualTo(List.of(d.accepted(), d.rejected(), d.scored()));
            assertThat(p.scoreSum()).isCloseTo(d.scoreSum(), within(1e-9));
        }
        GenerationMetrics fromPrometheus = GenerationMetrics.compute(read, 0.95, 5, null);
        GenerationMetrics fromCollector = GenerationMetrics.compute(expected, 0.95, 5, null);
        assertThat(fromPrometheus.ttftP95Ms()).isEqualTo(fromCollector.ttftP95Ms());
        assertThat(fromPrometheus.acceptanceRate()).isEqualTo(fromCollector.acceptanceRate());
        assertThat(fromPrometheus.meanScore().value()).isCloseTo(0.5, within(1e-9));
    }

    private static void send(int port, String body) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.2:" + port + "/v1/models/scorer:predict"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private String startPrometheus(int adminPort) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        dataDir = Files.createTempDirectory("prometheus");
        Path config = dataDir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: collectors
                    static_configs:
                      - targets: ["127.0.0.2:%1$d"]
                        labels: {namespace: prom, pod: scorer-7d9f8c6b5-abcde}
                      - targets: ["127.0.0.3:%1$d"]
                        labels: {namespace: prom, pod: scorer-7d9f8c6b5-fghij}
                  # Another Deployment whose name starts with the target's ("scorer-canary"): its series, here a second
                  # scrape of the first collector, must not count (a name prefix selector took them).
                  - job_name: decoy
                    static_configs:
                      - targets: ["127.0.0.2:%1$d"]
                        labels: {namespace: prom, pod: scorer-canary-5f6d7c8b9-klmno}
                """.formatted(adminPort));
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dataDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("prometheus.log").toFile()).start();
        String url = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(
                URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        return url;
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

package io.modelmonitor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.FeatureStatus;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.metrics.ProfileCommand;
import io.modelmonitor.sandbox.TrafficGenerator;
import io.modelmonitor.testsupport.Fixtures;
import io.modelmonitor.testsupport.Monitors;

/**
 * Before any label: a monitor on the real control plane with a reference profile written by the image's profile
 * command and applied with kubectl, a model fed through a feature pipeline that breaks (amounts in cents, the
 * region of one market arriving empty), and the monitor catching it from the inputs alone: featureDrift and
 * missingRate Breached with the features named in status, conditions and Events, not one label sent. The operator
 * reads the ConfigMap with the chart's rules, as the API server's authorizer decides.
 */
@ExtendWith(ClusterDiagnostics.class)
class InputsClusterIT {

    private static final String NS = "payments";
    private static final String APP = "scorer";
    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static Kubectl kubectl;
    private static OperatorRelease operator;

    @BeforeAll
    static void installOperator() throws Exception {
        cluster = ControlPlane.shared();
        client = cluster.admin();
        kubectl = cluster.kubectl();
        operator = OperatorRelease.install(cluster, "inputs", "inputs-system", OperatorRelease.quickFailover());
    }

    @AfterAll
    static void uninstall() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void aBrokenFeaturePipelineIsCaughtFromTheInputsAloneWithTheFeatureNamed() throws Exception {
        kubectl.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + NS + "}\n");
        kubectl.apply(Serialization.asYaml(ClusterFixtures.demoModel(NS, APP, 1, 0.95)) + "---\n"
                + Serialization.asYaml(Fixtures.modelService(NS, APP)));
        kubectl.apply(referenceProfile());
        kubectl.apply(monitorYaml());

        try (TrafficGenerator traffic = new TrafficGenerator(client, NS, APP, null, 80, 0.0).start()) {
            await("judged Healthy on what the model was trained on").atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
                assertThat(status().getPhase()).isEqualTo(Phase.Healthy);
                assertThat(objective("featureDrift").getState()).isEqualTo(ObjectiveState.Met);
            });

            traffic.brokenInputs(true);
            await("the broken pipeline breached, from the inputs alone").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                ModelMonitorStatus s = status();
                assertThat(s.getPhase()).isEqualTo(Phase.Breached);
                assertThat(objective("featureDrift").getState()).isEqualTo(ObjectiveState.Breached);
                assertThat(objective("featureDrift").getMessage()).startsWith("feature amount:");
                assertThat(objective("missingRate").getState()).isEqualTo(ObjectiveState.Breached);
                assertThat(objective("missingRate").getMessage()).startsWith("feature region:");
                assertThat(objective("outOfRangeRate").getState()).isEqualTo(ObjectiveState.Breached);
            });
            ModelMonitorStatus s = status();
            List<FeatureStatus> features = s.getMetrics().getFeatures();
            assertThat(features.get(0).getName()).as("the strongest drift first").isEqualTo("amount");
            assertThat(features.get(0).getDrift().getLower()).isGreaterThan(0.1);
            assertThat(features).filteredOn(f -> f.getName().equals("region")).singleElement()
                    .satisfies(f -> assertThat(f.getMissingRate().getValue()).isGreaterThan(0.1));
            assertThat(Monitors.condition(s, "Degraded").getMessage()).contains("feature");
            assertThat(Monitors.condition(s, "ReferenceReady")).satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getMessage()).isEqualTo("reference ConfigMap scorer-reference: 2 features from 4000 rows");
            });
            assertThat(Monitors.events(client, NS)).filteredOn(e -> "ObjectiveBreached".equals(e.getReason()))
                    .extracting(Event::getMessage).anyMatch(m -> m.contains("feature amount")
                            || m.contains("feature region"));
            assertThat(traffic.labeledCount()).as("not one label").isZero();
            assertThat(traffic.sentCount()).isGreaterThan(500);
        }
        assertThat(operator.calls()).as("calls by " + operator.user()).noneMatch(AuditLog.Call::forbidden);
        assertThat(operator.calls()).extracting(AuditLog.Call::permission).contains("core/configmaps get");
        assertThat(operator.can("list", "configmaps", NS)).as("by name only").isFalse();
    }

    /** The training data's profile, as a team makes it: the image's profile command on a CSV, applied with kubectl. */
    private static String referenceProfile() throws Exception {
        Random random = new Random(5);
        StringBuilder csv = new StringBuilder("amount,region,label\n");
        for (int i = 0; i < 4_000; i++) {
            csv.append(String.format(Locale.ROOT, "%.2f", 10 + random.nextDouble() * 990)).append(',')
                    .append(random.nextDouble() < 0.6 ? "eu" : "us").append(',').append(random.nextInt(2)).append('\n');
        }
        Path file = Files.createTempFile("train", ".csv");
        Files.writeString(file, csv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ProfileCommand.run(new String[] {"--csv", file.toString(), "--features", "amount:numerical,region:categorical",
                "--name", "scorer-reference", "--namespace", NS}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    System.err);
        } finally {
            Files.delete(file);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String monitorYaml() {
        return """
                apiVersion: modelmonitor.io/v1alpha1
                kind: ModelMonitor
                metadata: {name: %1$s, namespace: %2$s}
                spec:
                  target: {name: %1$s, container: model, port: 8080, service: %1$s}
                  collector: {injection: template}
                  model:
                    task: binary-classification
                    protocol: kserve-v1
                    features:
                      - {name: amount, type: numerical}
                      - {name: region, type: categorical}
                  reference: {configMap: scorer-reference}
                  evaluation: {interval: 2s, window: 1m, warmup: 4s, minSamples: 150, confidence: 0.95, consecutiveBreaches: 2}
                  objectives:
                    - {metric: featureDrift, max: 0.1, enforce: true}
                    - {metric: missingRate, max: 0.05}
                    - {metric: outOfRangeRate, max: 0.05}
                    - {metric: errorRate, max: 0.05}
                  rollback: {enabled: false}
                """.formatted(APP, NS);
    }

    private static ModelMonitorStatus status() {
        return Monitors.status(client, NS, APP);
    }

    private static ObjectiveStatus objective(String metric) {
        return status().getObjectives().stream().filter(o -> o.getMetric().name().equals(metric)).findFirst()
                .orElseThrow();
    }
}

package io.modelmonitor.cluster;

import static io.modelmonitor.cluster.Kubectl.assertOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.modelmonitor.operator.validation.SpecValidator;

/**
 * A user's first kubectl session on a real cluster, with the real kubectl and no {@code --validate=false}:
 * {@code kubectl apply -f crds/ -f deploy/}, the examples, {@code explain}, the printer columns, {@code wait},
 * {@code describe}; every rule of the CRD's schema and every CEL rule refusing its bad spec at admission with the
 * API server's message; what only the operator can check reaching phase Invalid; and a namespace deleted with its
 * monitors in it.
 */
@ExtendWith(ClusterDiagnostics.class)
class KubectlClusterIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CRD = Path.of("crds", "modelmonitors.modelmonitor.io-v1.yml");
    private static Kubectl kubectl;

    @BeforeAll
    static void installWithKubectl() {
        kubectl = ControlPlane.shared().kubectl();
        Kubectl.Result applied = kubectl.run("apply", "-f", "crds/", "-f", "deploy/");
        assertOk(applied);
        assertThat(applied.output()).containsPattern("customresourcedefinition.apiextensions.k8s.io/modelmonitors"
                + ".modelmonitor.io (created|configured|unchanged)").contains("deployment.apps/model-monitor created");
        assertOk(kubectl.run("wait", "--for=condition=Established", "crd/modelmonitors.modelmonitor.io", "--timeout=60s"));
        assertOk(kubectl.run("rollout", "status", "deployment/model-monitor", "-n", "model-monitor", "--timeout=180s"));
        assertOk(kubectl.run("create", "namespace", "admission"));
    }

    @AfterAll
    static void uninstallWithKubectl() {
        if (kubectl != null) {
            kubectl.run("delete", "namespace", "admission", "--wait=true", "--timeout=120s");
            kubectl.run("delete", "-f", "deploy/", "--wait=true", "--timeout=120s");
        }
    }

    @Test
    void theExamplesApplyExplainListWaitAndDescribe() {
        // The operator writes its webhook's CA at start; a pod created before that is admitted without a collector.
        await("the webhook's caBundle").atMost(Duration.ofSeconds(60)).until(() -> !kubectl.run("get",
                "mutatingwebhookconfiguration", "model-monitor-pods", "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}")
                .output().isBlank());
        Kubectl.Result examples = kubectl.run("apply", "-f", "deploy/examples/");
        assertOk(examples);
        assertThat(examples.output()).contains("namespace/ml created", "modelmonitor.modelmonitor.io/fraud-detector created",
                "modelmonitor.modelmonitor.io/iris-classifier created", "deployment.apps/fraud-detector created");

        Kubectl.Result explain = kubectl.run("explain", "modelmonitor");
        assertOk(explain);
        assertThat(explain.output()).contains("Monitors a machine-learning model").doesNotContain("<empty>");
        Kubectl.Result warmup = kubectl.run("explain", "modelmonitor.spec.evaluation.warmup");
        assertOk(warmup);
        assertThat(warmup.output()).contains("cold start");

        Kubectl.Result list = kubectl.run("get", "mm", "-n", "ml");
        assertOk(list);
        assertThat(list.output().lines().findFirst().orElse(""))
                .matches("NAME\\s+TARGET\\s+PHASE\\s+ACCURACY\\s+P99\\(MS\\)\\s+ERRORS\\s+AGE\\s*");
        assertThat(list.output()).containsPattern("fraud-detector\\s+fraud-detector")
                .containsPattern("iris-classifier\\s+iris-classifier");

        // The examples' images are not on this node: no pod becomes ready. The webhook gave each pod the collector
        // at creation (the examples' namespace opts in; webhook is the default injection), the Deployment keeps the
        // template as applied, and the monitor says it waits instead of judging anything.
        await("the examples' pods, each with the webhook's collector").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            String pods = kubectl.run("get", "pods", "-n", "ml", "-l", "app=fraud-detector", "-o",
                    "jsonpath={range .items[*]}{.spec.containers[*].name};{end}").output();
            assertThat(pods.split(";")).hasSize(2).allSatisfy(p -> assertThat(p).isEqualTo("model modelmonitor-collector"));
        });
        assertThat(kubectl.run("get", "deployment", "fraud-detector", "-n", "ml", "-o",
                "jsonpath={.spec.template.spec.containers[*].name}").output()).isEqualTo("model");
        assertThat(kubectl.run("get", "secret", "fraud-detector-mm-id-key", "-n", "ml", "-o", "jsonpath={.type}").output())
                .as("made by the reconciler, of the one type the admission policy lets it create")
                .isEqualTo("modelmonitor.io/id-key");
        assertOk(kubectl.run("wait", "--for=condition=CollectorsReady=false", "mm/fraud-detector", "-n", "ml",
                "--timeout=120s"));
        assertOk(kubectl.run("wait", "--for=jsonpath={.status.phase}=Pending", "mm/fraud-detector", "-n", "ml",
                "--timeout=60s"));
        Kubectl.Result describe = kubectl.run("describe", "mm", "fraud-detector", "-n", "ml");
        assertOk(describe);
        assertThat(describe.output()).contains("Conditions:", "CollectorsReady", "Events:").doesNotContain("SidecarInjected");
        assertThat(kubectl.run("get", "mm", "fraud-detector", "-n", "ml", "-o", "jsonpath={.spec.collector.injection}")
                .output()).as("the CRD's default, filled in by the API server").isEqualTo("webhook");

        // A namespace deleted with monitors in it: the finalizers let the operator give back what it changed, and
        // the namespace goes away.
        Kubectl.Result deleted = kubectl.run("delete", "namespace", "ml", "--wait=true", "--timeout=120s");
        assertOk(deleted);
    }

    @Test
    void everySchemaRuleRefusesItsBadSpecAtAdmission() throws Exception {
        JsonNode specSchema = YAML.readTree(CRD.toFile()).at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
        ObjectNode valid = (ObjectNode) YAML.readTree(VALID_SPEC);
        assertOk(apply("complete-and-valid", valid));
        assertOk(kubectl.run("delete", "mm", "complete-and-valid", "-n", "admission"));

        List<SchemaViolations.Violation> violations = SchemaViolations.of(specSchema, valid);
        assertThat(violations).extracting(SchemaViolations.Violation::rule)
                .contains("enum", "pattern", "maxLength", "minimum", "maximum", "required", "maxItems", "minItems");
        assertThat(violations).extracting(v -> v.path().replaceAll("^spec\\.(\\w+).*", "$1")).as("every part of the spec")
                .contains("alerts", "collector", "evaluation", "groundTruth", "metricsSource", "model", "objectives",
                        "rollback", "target");
        List<String> unrefused = new ArrayList<>();
        for (SchemaViolations.Violation v : violations) {
            Kubectl.Result result = apply("bad", v.spec());
            if (result.ok() || !result.output().contains(v.path()) || !result.output().contains(v.expected())) {
                unrefused.add(v + ": " + result);
                kubectl.run("delete", "mm", "bad", "-n", "admission", "--ignore-not-found");
            }
        }
        assertThat(unrefused).as("of %d bad specs, these were not refused with the rule's message", violations.size())
                .isEmpty();

        Kubectl.Result unknown = apply("bad", with(valid, s -> s.put("rollbak", "typo")));
        assertThat(unknown.ok()).isFalse();
        assertThat(unknown.output()).contains("unknown field \"spec.rollbak\"");
    }

    @Test
    void everyCelRuleRefusesItsBadSpecAtAdmission() throws Exception {
        ObjectNode valid = (ObjectNode) YAML.readTree(VALID_SPEC);
        Map<String, ObjectNode> bad = Map.ofEntries(Map.entry(
                "alert names must be unique", with(valid, s -> ((ArrayNode) s.get("alerts"))
                        .add(s.get("alerts").get(0).deepCopy()))),
                Map.entry("set exactly one of header, pointer or responsePointer", with(valid, s -> ((ObjectNode) s.at("/model/segment"))
                        .put("pointer", "/instances/0/region"))),
                Map.entry("predictionPointer is required when protocol is json", with(valid, s -> ((ObjectNode) s.get("model"))
                        .remove("predictionPointer"))),
                Map.entry("set exactly one of min or max, or compareTo with a margin (and neither min nor max)",
                        with(valid, s -> ((ObjectNode) s.at("/objectives/0")).put("max", 0.99))),
                Map.entry("each metric may have at most one min, one max and one compareTo objective", with(valid, s ->
                        ((ArrayNode) s.get("objectives")).add(
                                JSON.createObjectNode().put("metric", "accuracy").put("min", 0.8)))),
                Map.entry("compareTo compares accuracy, precision, recall, errorRate, acceptanceRate, truncationRate, "
                        + "expectedCost or a latency or time-to-first-token percentile", with(valid, s ->
                        ((ArrayNode) s.get("objectives")).add(JSON.createObjectNode()
                                .put("metric", "f1").put("compareTo", "baseline").put("margin", 0.1)))),
                Map.entry("the margin of a proportion is at most 1 (a latency margin is in milliseconds, a cost margin in "
                        + "costs.unit per 1,000 predictions)", with(valid, s ->
                        ((ObjectNode) s.at("/objectives/1")).put("margin", 2))),
                Map.entry(SpecValidator.INFERENCE_SERVICE_BY_WEBHOOK, with(valid, s -> {
                    ((ObjectNode) s.get("target")).put("kind", "InferenceService");
                    ((ObjectNode) s.get("collector")).put("injection", "template");
                })),
                // Every duration has a range the code can hold (issue 27: 18446744073709551615ms wrapped to -1 ms).
                Map.entry("interval must be between 1s and 1h", with(valid, s -> ((ObjectNode) s.get("evaluation"))
                        .put("interval", "2h"))),
                Map.entry("window must be between 1s and 24h", with(valid, s -> ((ObjectNode) s.get("evaluation"))
                        .put("window", "25h"))),
                Map.entry("warmup must be between 0s and 1h", with(valid, s -> ((ObjectNode) s.get("evaluation"))
                        .put("warmup", "90m"))),
                Map.entry("readinessTimeout must be between 10s and 24h", with(valid, s -> ((ObjectNode) s.get("evaluation"))
                        .put("readinessTimeout", "5s"))),
                Map.entry("labelTTL must be between 1s and 720h", with(valid, s -> ((ObjectNode) s.get("groundTruth"))
                        .put("labelTTL", "18446744073709551615ms"))),
                Map.entry("cooldown must be between 1s and 24h", with(valid, s -> ((ObjectNode) s.get("rollback"))
                        .put("cooldown", "25h"))),
                Map.entry("timeout must be between 10s and 24h", with(valid, s -> ((ObjectNode) s.get("rollback"))
                        .put("timeout", "1ms"))),
                Map.entry("bodyTimeout must be between 1s and 10m", with(valid, s -> ((ObjectNode) s.get("collector"))
                        .put("bodyTimeout", "11m"))),
                Map.entry("set at most one of index or pointer", with(valid, s -> ((ObjectNode) s.at("/model/features/0"))
                        .put("index", 2))),
                Map.entry("scorePointer reads a binary classifier's scores", with(valid, s -> ((ObjectNode) s.get("model"))
                        .put("task", "multiclass-classification"))),
                Map.entry("pagerduty and opsgenie need keySecretRef: the Secret key of the routing key or API key",
                        with(valid, s -> ((ObjectNode) s.at("/alerts/0")).remove("keySecretRef"))),
                Map.entry("task generation goes with protocol openai or oip-generate, and those protocols with task "
                        + "generation", with(valid, s -> ((ObjectNode) s.get("model")).put("protocol", "openai"))),
                Map.entry("outputTokensPerSecond, acceptanceRate and meanScore take a min", with(valid, s ->
                        ((ArrayNode) s.get("objectives")).add(JSON.createObjectNode().put("metric", "acceptanceRate")
                                .put("max", 0.9)))),
                Map.entry("the estimated metrics take a min", with(valid, s -> {
                    ObjectNode objective = (ObjectNode) s.at("/objectives/3");
                    objective.remove("min");
                    objective.put("max", 0.99);
                })),
                Map.entry("the input metrics (featureDrift and the data-quality rates) and scoreDrift take a max", with(valid, s ->
                        ((ArrayNode) s.get("objectives")).add(JSON.createObjectNode().put("metric", "missingRate")
                                .put("min", 0.1)))),
                Map.entry("features names the inputs of featureDrift or a per-feature rate", with(valid, s ->
                        ((ObjectNode) s.at("/objectives/0")).putArray("features").add("amount"))),
                Map.entry("objectives on the model's inputs need model.features", with(valid, s ->
                        ((ObjectNode) s.get("model")).remove("features"))),
                Map.entry("featureDrift, outOfRangeRate, unseenCategoryRate and scoreDrift compare with a reference: set "
                        + "reference.configMap", with(valid, s -> s.remove("reference"))),
                Map.entry("at most 8 objectives have a budget: each keeps its history in status", with(valid, s -> {
                    ArrayNode objectives = (ArrayNode) s.get("objectives");
                    for (String metric : List.of("errorRate", "latencyP50Ms", "latencyP95Ms", "latencyP99Ms", "mae",
                            "rmse", "throughputRps", "precision")) {
                        objectives.addObject().put("metric", metric).put("max", 1).putObject("budget").put("target", 0.99);
                    }
                })),
                Map.entry("costs: at least one of falsePositive and falseNegative must be above 0", with(valid, s ->
                        ((ObjectNode) s.get("costs")).put("falsePositive", 0).put("falseNegative", 0))),
                Map.entry("expectedCost needs costs: what a false positive and a false negative cost, and the unit",
                        with(valid, s -> s.remove("costs"))),
                Map.entry("expectedCost takes a max (in costs.unit per 1,000 predictions) or compareTo", with(valid, s -> {
                    ObjectNode objective = (ObjectNode) s.at("/objectives/4");
                    objective.remove("max");
                    objective.put("min", 10);
                })),
                Map.entry("each segment value is 1 to 64 characters", with(valid, s -> ((com.fasterxml.jackson.databind.node
                        .ArrayNode) s.at("/model/segment/values")).add("x".repeat(65)))));
        List<String> rules = new ArrayList<>();
        YAML.readTree(CRD.toFile()).at("/spec/versions/0/schema/openAPIV3Schema/properties/spec").findValues(
                "x-kubernetes-validations").forEach(list -> list.forEach(rule -> rules.add(rule.get("message").asText())));
        assertThat(bad.keySet()).as("a bad spec for every CEL rule in the CRD").containsExactlyInAnyOrderElementsOf(rules);

        for (Map.Entry<String, ObjectNode> rule : bad.entrySet()) {
            Kubectl.Result result = apply("bad-cel", rule.getValue());
            assertThat(result.ok()).as(rule.getKey()).isFalse();
            assertThat(result.output()).as(rule.getKey()).contains(rule.getKey());
        }
    }

    /**
     * Issue 27: one monitor whose stored spec the operator cannot read (here a 64-bit minSamples, which the CRD of
     * v0.2 accepted) stopped the watch of every monitor. Such an object reaches the API server only through an older
     * CRD, so this test installs one for a moment; the monitor created after it must still be reconciled, and the
     * bad one must say why it is not.
     */
    @Test
    void aStoredMonitorTheOperatorCannotReadCostsOnlyItself() throws Exception {
        ObjectNode valid = (ObjectNode) YAML.readTree(VALID_SPEC);
        ObjectNode huge = with(valid, s -> ((ObjectNode) s.get("evaluation")).put("minSamples", 3_000_000_000L));
        Kubectl.Result refused = apply("huge", huge);
        assertThat(refused.ok()).as("the CRD refuses it now").isFalse();
        assertThat(refused.output()).contains("spec.evaluation.minSamples", "less than or equal to");

        ObjectNode crd = (ObjectNode) YAML.readTree(CRD.toFile());
        ObjectNode older = crd.deepCopy();
        ((ObjectNode) older.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/evaluation/properties/"
                + "minSamples")).remove("maximum");
        older.remove("status");
        try {
            assertOk(kubectl.runWithInput(JSON.writeValueAsString(older), "apply", "--server-side", "--force-conflicts",
                    "-f", "-"));
            await("the older CRD takes the value").atMost(Duration.ofSeconds(30)).until(() -> apply("huge", huge).ok());
        } finally {
            assertOk(kubectl.run("apply", "--server-side", "--force-conflicts", "-f", CRD.toString()));
        }

        assertOk(apply("after-it", valid));
        assertOk(kubectl.run("wait", "--for=jsonpath={.status.phase}=Pending", "mm/after-it", "-n", "admission",
                "--timeout=60s"));
        assertOk(kubectl.run("wait", "--for=jsonpath={.status.phase}=Invalid", "mm/huge", "-n", "admission",
                "--timeout=60s"));
        assertThat(kubectl.run("get", "mm", "huge", "-n", "admission", "-o",
                "jsonpath={.status.conditions[?(@.type=='Ready')].message}").output())
                .contains("spec.evaluation.minSamples", "cannot be read", "other monitors are not affected");
        assertOk(kubectl.run("delete", "mm", "huge", "after-it", "-n", "admission", "--wait=true", "--timeout=60s"));
    }

    /**
     * Issue 27: the ClusterRole's secrets: create would let the operator's account mint a token for any service
     * account. The chart's ValidatingAdmissionPolicy, enforced by this API server, lets it create only id keys (and its
     * webhook certificate); RBAC alone still says yes.
     */
    @Test
    void theOperatorsAccountCannotMintATokenForAnotherAccount() {
        String operator = "system:serviceaccount:model-monitor:model-monitor";
        assertThat(kubectl.run("auth", "can-i", "create", "secrets", "-n", "kube-system", "--as", operator).output().strip())
                .endsWith("yes");
        String token = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: minted
                  namespace: kube-system
                  annotations: {kubernetes.io/service-account.name: generic-garbage-collector}
                type: kubernetes.io/service-account-token
                """;
        Kubectl.Result minted = kubectl.runWithInput(token, "create", "-f", "-", "--as", operator);
        assertThat(minted.ok()).as(minted.output()).isFalse();
        assertThat(minted.output()).contains("model-monitor-secrets", "may create only ModelMonitor id keys");
        Kubectl.Result opaque = kubectl.runWithInput(token.replace("kubernetes.io/service-account-token", "Opaque"),
                "create", "-f", "-", "--as", operator);
        assertThat(opaque.ok()).as("any other type too").isFalse();
        String key = """
                apiVersion: v1
                kind: Secret
                metadata: {name: allowed-key, namespace: admission}
                type: modelmonitor.io/id-key
                stringData: {key: abc}
                """;
        assertOk(kubectl.runWithInput(key, "create", "-f", "-", "--as", operator));
        assertOk(kubectl.run("delete", "secret", "allowed-key", "-n", "admission"));
        assertOk(kubectl.runWithInput(token.replace("name: minted", "name: made-by-an-admin"), "create", "-f", "-"));
        assertOk(kubectl.run("delete", "secret", "made-by-an-admin", "-n", "kube-system"));
    }

    @Test
    void whatOnlyTheOperatorCanCheckReachesPhaseInvalid() throws Exception {
        ObjectNode valid = (ObjectNode) YAML.readTree(VALID_SPEC);
        ObjectNode invalid = with(valid, s -> {
            ((ObjectNode) s.get("evaluation")).put("interval", "10m").put("window", "1m");
            ((ObjectNode) s.at("/objectives/0")).put("metric", "mae").put("min", 0.5);
        });
        assertOk(apply("operator-checks", invalid));
        assertOk(kubectl.run("wait", "--for=jsonpath={.status.phase}=Invalid", "mm/operator-checks", "-n", "admission",
                "--timeout=60s"));
        assertOk(kubectl.run("wait", "--for=condition=Ready=false", "mm/operator-checks", "-n", "admission",
                "--timeout=10s"));
        Kubectl.Result describe = kubectl.run("describe", "mm", "operator-checks", "-n", "admission");
        assertThat(describe.output()).contains("InvalidSpec", "spec.evaluation.window 1m is shorter than spec.evaluation.interval 10m",
                "mae");
        assertOk(kubectl.run("delete", "mm", "operator-checks", "-n", "admission", "--wait=true", "--timeout=60s"));
    }

    private static Kubectl.Result apply(String name, ObjectNode spec) throws Exception {
        ObjectNode mm = JSON.createObjectNode().put("apiVersion", "modelmonitor.io/v1alpha1").put("kind", "ModelMonitor");
        mm.putObject("metadata").put("name", name).put("namespace", "admission");
        mm.set("spec", spec);
        return kubectl.runWithInput(JSON.writeValueAsString(mm), "apply", "-f", "-");
    }

    private static ObjectNode with(ObjectNode valid, Consumer<ObjectNode> change) {
        ObjectNode copy = valid.deepCopy();
        change.accept(copy);
        return copy;
    }

    /** A valid spec that sets every optional object, so that every rule under it has something to break. */
    private static final String VALID_SPEC = """
            target: {kind: Deployment, name: scorer, container: model, port: 8080, service: scorer}
            model:
              task: binary-classification
              protocol: json
              predictionPointer: /predictions/0
              scorePointer: /scores
              positiveLabel: "1"
              segment: {header: X-Segment, values: [eu, us], reference: us}
              features:
                - {name: amount, type: numerical, pointer: /amount}
                - {name: country, type: categorical, index: 3}
            reference: {configMap: scorer-reference}
            groundTruth: {labelTTL: 1h, tokenSecretRef: {name: scorer-token, key: token}}
            collector: {image: "ghcr.io/modelmonitor/model-monitor:0.1.0", port: 9090, adminPort: 9091, maxPendingLabels: 1000,
              bodyTimeout: 2m}
            evaluation: {interval: 30s, window: 5m, warmup: 30s, readinessTimeout: 10m, minSamples: 200, confidence: 0.95,
              consecutiveBreaches: 2}
            metricsSource:
              type: prometheus
              prometheus: {url: "http://prometheus.monitoring:9090", selector: 'namespace="ml"', authSecretRef: {name: prom, key: token}}
            objectives:
              - {metric: accuracy, min: 0.9, severity: critical, runbookUrl: "https://runbooks.example.com/scorer",
                 budget: {target: 0.99, periodDays: 28}}
              - {metric: accuracy, compareTo: baseline, margin: 0.02}
              - {metric: featureDrift, max: 0.1, features: [amount], enforce: false, severity: warning}
              - {metric: estimatedAccuracy, min: 0.85}
              - {metric: expectedCost, max: 250}
            costs: {falsePositive: 5, falseNegative: 120, unit: EUR}
            rollback: {enabled: true, to: lastKnownGood, cooldown: 10m, timeout: 10m}
            alerts:
              - {name: oncall, type: pagerduty, urlSecretRef: {name: hook, key: url}, keySecretRef: {name: hook, key: routing},
                minSeverity: critical}
            """;
}

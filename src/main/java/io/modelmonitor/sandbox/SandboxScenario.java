package io.modelmonitor.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.CostSpec;
import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.FeatureSpec;
import io.modelmonitor.api.v1alpha1.FeatureType;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorSpec;
import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.api.v1alpha1.ModelTask;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.Proportion;
import io.modelmonitor.api.v1alpha1.ReferenceSpec;
import io.modelmonitor.api.v1alpha1.SecretKeyRef;
import io.modelmonitor.api.v1alpha1.SegmentSpec;
import io.modelmonitor.metrics.ProfileCommand;
import io.modelmonitor.operator.injection.Annotations;

/**
 * The sandbox's story: a fraud model v1 (accurate) serves traffic with delayed labels; its monitor becomes
 * Healthy; v2 (worse) is deployed; the monitor confirms the breach, rolls back to v1 and reports recovery.
 * Prints a live view (a line when something changed, and every new Event) and a summary; returns whether the story
 * reached its end. With {@code --keep-running} the traffic and the view go on after the summary until closed. The
 * llm story tells the same release with a chat model: v2 is slower to its first token and cuts more answers off.
 */
public final class SandboxScenario implements AutoCloseable {

    public static final String NAMESPACE = "demo";
    public static final String APP = "fraud-detector";
    public static final String V1 = "model-monitor/demo-fraud-model:v1";
    public static final String V2 = "model-monitor/demo-fraud-model:v2";
    /** What the demo fraud model's mistakes cost: a good customer's payment blocked 5 EUR, a fraud let through 120. */
    static final CostSpec DEMO_COSTS = new CostSpec(5, 120, "EUR");
    public static final int MODEL_PORT = 18080;

    public static final String V3 = "model-monitor/demo-fraud-model:v3";
    /** The ConfigMap the inputs story's reference profile is in. */
    public static final String REFERENCE = "fraud-reference";
    /** The llm story's chat model, its release and its bad release. */
    public static final String LLM_APP = "chat-assistant";
    public static final String LLM_V1 = "model-monitor/demo-llm:v1";
    public static final String LLM_V2 = "model-monitor/demo-llm:v2";

    /**
     * How the demo model versions behave: v2 is the bad release; v3 is more accurate elsewhere (0.995) but finds
     * only 60% of the frauds of the "us" region, about 0.95 accuracy in all (well clear of the 0.9 objective, so
     * that accuracy stays Met): only the fairness objective sees it.
     */
    public static DemoModelServer.Behaviour behaviour(String image) {
        if (image.endsWith(":v2")) {
            return new DemoModelServer.Behaviour("v2", 0.78, 4, 0);
        }
        if (image.endsWith(":v3")) {
            return new DemoModelServer.Behaviour("v3", 0.995, 3, 0, "us", 0.6);
        }
        return new DemoModelServer.Behaviour("v1", 0.96, 3, 0);
    }

    /** Whether an image is the demo language model's. */
    public static boolean isLlm(String image) {
        return image.contains("/demo-llm:");
    }

    /**
     * How the demo language model's versions behave: v2 takes about 450 ms to its first token where v1 takes 80, and
     * runs into max_tokens (32) in 30% of its answers where v1 does in 2%.
     */
    public static DemoLlmServer.Behaviour llmBehaviour(String image) {
        if (image.endsWith(":v2")) {
            return new DemoLlmServer.Behaviour("v2", 450, 15, 24, 0.30);
        }
        return new DemoLlmServer.Behaviour("v1", 80, 15, 24, 0.02);
    }

    /** Timings: the defaults for the sandbox; tests may shorten them. */
    public record Pace(String interval, String window, int minSamples, Duration healthyBeforeV2, Duration timeout) {

        public static Pace sandbox() {
            // 100 labelled frauds of the smaller region (us: 40% of requests, 30% frauds) judge fairness: about 14 s at
            // the default 60 requests/s.
            return new Pace("5s", "1m", 100, Duration.ofSeconds(15), Duration.ofSeconds(170));
        }
    }

    /** What happened, for the summary and for tests. */
    public record Outcome(boolean completed, Instant healthy, Instant v2Deployed, Instant breached, Instant rolledBack,
            Instant recovered, Long fromRevision, Long toRevision, String breachReason) {

        /** The story stopped before v1 was first Healthy. */
        static final Outcome INCOMPLETE = new Outcome(false, null, null, null, null, null, null, null, null);
    }

    private final KubernetesClient client;
    private final PrintStream out;
    private final Pace pace;
    private final SandboxOptions options;
    private final Set<String> shownEvents = new HashSet<>();
    /** Which model version and whether a collector each revision number ran, as seen during the run. */
    private final Map<Long, String> versions = new TreeMap<>();
    /** Each revision's cost per 1,000 predictions and its window's requests, as last seen while it served. */
    private final Map<Long, Priced> served = new TreeMap<>();

    private record Priced(Proportion perThousand, long requests) {
    }
    private String lastView = "";
    /** The story's model: the fraud model, or the chat model of the llm story. */
    private final String app;
    private final String v1;
    private final String v2;
    private TrafficGenerator traffic;
    private Thread watcher;

    public SandboxScenario(KubernetesClient client, PrintStream out, Pace pace, SandboxOptions options) {
        this.client = client;
        this.out = out;
        this.pace = pace;
        this.options = options;
        this.app = options.llmStory() ? LLM_APP : APP;
        this.v1 = options.llmStory() ? LLM_V1 : V1;
        this.v2 = options.llmStory() ? LLM_V2 : V2;
    }

    public Outcome run() throws InterruptedException {
        String token = UUID.randomUUID().toString();
        Instant start = Instant.now();
        // The inputs story waits for labels that come --label-delay late, twice (v1 Healthy, then the confirmation).
        Instant deadline = start.plus(options.inputsStory() ? pace.timeout().plus(options.labelDelay().multipliedBy(2))
                : pace.timeout());
        createModel(token);
        if (options.inputsStory()) {
            createReference();
        }
        traffic = new TrafficGenerator(client, NAMESPACE, app, token, options.rate(), options.labeled())
                .labelDelay(options.labelDelay()).chat(options.llmStory()).start();
        // The model runs before its monitor, as most do: its pods predate the webhook's injection. The monitor counts
        // them and names the fix; the scenario does what it says.
        if (!modelRunning(deadline)) {
            return Outcome.INCOMPLETE;
        }
        createMonitor();
        if (waitFor(m -> m.getStatus().getCollectors() != null && m.getStatus().getCollectors().getWithoutCollector() != null
                && m.getStatus().getCollectors().getWithoutCollector() > 0, deadline,
                "the monitor counts the pods without a collector") == null) {
            return Outcome.INCOMPLETE;
        }
        // Named now, while its plain pods run: the monitor's status never names a revision without collectors.
        var deploymentAnnotations = client.apps().deployments().inNamespace(NAMESPACE).withName(app).get().getMetadata()
                .getAnnotations();
        if (deploymentAnnotations != null && deploymentAnnotations.get(SimulatedControlPlane.REVISION) != null) {
            version(Long.valueOf(deploymentAnnotations.get(SimulatedControlPlane.REVISION)));
        }
        out.println();
        out.println(">>> kubectl rollout restart deployment/" + app + " (its pods predate the monitor; new ones get the collector)");
        editDeployment(d -> {
            var template = d.getSpec().getTemplate().getMetadata();
            Map<String, String> annotations = template.getAnnotations() == null ? new HashMap<>() : template.getAnnotations();
            // What kubectl rollout restart writes.
            annotations.put("kubectl.kubernetes.io/restartedAt", Instant.now().toString());
            template.setAnnotations(annotations);
        });
        Instant healthy = waitFor(m -> m.getStatus().getPhase() == Phase.Healthy, deadline, "v1 becomes Healthy");
        if (healthy == null) {
            return Outcome.INCOMPLETE;
        }
        sleepWatching(pace.healthyBeforeV2());
        if (options.inputsStory()) {
            return brokenPipeline(start, healthy, deadline);
        }
        out.println();
        out.println(">>> deploying v2 of the model (" + v2 + ")");
        deployImage(v2);
        Instant v2 = Instant.now();
        Instant breached = waitFor(m -> m.getStatus().getPhase() == Phase.Breached
                || m.getStatus().getPhase() == Phase.RollingBack || m.getStatus().getPhase() == Phase.RolledBack,
                deadline, "v2 breaches");
        Instant rolledBack = breached == null ? null
                : waitFor(m -> m.getStatus().getPhase() == Phase.RolledBack || m.getStatus().getPhase() == Phase.Healthy
                        && m.getStatus().getLastRollback() != null, deadline, "the rollback completes");
        Instant recovered = rolledBack == null ? null
                : waitFor(m -> m.getStatus().getPhase() == Phase.Healthy, deadline, "v1 is Healthy again");
        ModelMonitor last = monitor();
        var rollback = last.getStatus().getLastRollback();
        Outcome outcome = new Outcome(recovered != null, healthy, v2, breached, rolledBack, recovered,
                rollback == null ? null : rollback.getFromRevision(), rollback == null ? null : rollback.getToRevision(),
                rollback == null ? null : rollback.getReason());
        summary(outcome, start, last);
        return outcome;
    }

    /** After the summary (--keep-running): the traffic goes on and the view keeps printing until {@link #close()}. */
    public void keepWatching() {
        out.println();
        out.println("still running (--keep-running): " + options.describeTraffic() + "; Ctrl-C stops everything.");
        out.println("deploy a bad version and watch the loop again (rollback.cooldown is 1m): v2 is less accurate, v3 is");
        out.println("accurate overall but misses 40% of the frauds of region us");
        out.println("  kubectl --kubeconfig " + SandboxOptions.KUBECONFIG + " set image deploy/" + app + " model=" + v2);
        if (!options.llmStory()) {
            out.println("  kubectl --kubeconfig " + SandboxOptions.KUBECONFIG + " set image deploy/" + app + " model=" + V3);
        }
        out.println();
        watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    view(monitor());
                } catch (RuntimeException e) {
                    // A failed look is not the end of the demo: say so and look again.
                    out.println("!!! could not read the monitor: " + e.getMessage());
                }
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "sandbox-view");
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.interrupt();
        }
        if (traffic != null) {
            traffic.close();
        }
    }

    /** A user's image update. */
    private void deployImage(String image) throws InterruptedException {
        editDeployment(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image));
    }

    /** A user's edit of the Deployment; the operator and the simulated controller write it too, so retry a 409. */
    private void editDeployment(Consumer<Deployment> edit) throws InterruptedException {
        for (int attempt = 1;; attempt++) {
            try {
                client.apps().deployments().inNamespace(NAMESPACE).withName(app).edit(d -> {
                    edit.accept(d);
                    return d;
                });
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 10) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Whether the model's pods all run, as the Deployment asks. */
    private boolean modelRunning(Instant deadline) throws InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            var d = client.apps().deployments().inNamespace(NAMESPACE).withName(app).get();
            if (d != null && d.getStatus() != null && d.getStatus().getReadyReplicas() != null
                    && d.getStatus().getReadyReplicas().equals(d.getSpec().getReplicas())) {
                return true;
            }
            Thread.sleep(200);
        }
        out.println("!!! timed out waiting until the model runs");
        return false;
    }

    private void createModel(String token) {
        // Labelled, so that the operator's webhook sees its pods (spec.collector.injection defaults to webhook).
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .addToLabels(Annotations.INJECTION_LABEL, "enabled").endMetadata().build()).createOr(n -> n.update());
        client.resource(new SecretBuilder().withNewMetadata().withName("fraud-feedback-token").withNamespace(NAMESPACE)
                .endMetadata().addToStringData("token", token).build()).createOr(s -> s.update());
        client.resource(new DeploymentBuilder()
                .withNewMetadata().withName(app).withNamespace(NAMESPACE).addToLabels("app", app).endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", app).endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", app).endMetadata()
                        .withNewSpec().addNewContainer().withName("model").withImage(v1)
                            .addNewPort().withName("http").withContainerPort(MODEL_PORT).endPort().endContainer().endSpec()
                    .endTemplate().endSpec()
                .build()).createOr(d -> d.update());
        client.resource(new ServiceBuilder().withNewMetadata().withName(app).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().addToSelector("app", app)
                    .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort().endSpec()
                .build()).createOr(s -> s.update());
    }

    private void createMonitor() {
        ModelMonitor mm = new ModelMonitor();
        mm.getMetadata().setName(app);
        mm.getMetadata().setNamespace(NAMESPACE);
        ModelMonitorSpec spec = new ModelMonitorSpec();
        spec.getTarget().setName(app);
        spec.getTarget().setContainer("model");
        spec.getTarget().setService(app);
        // Uncommon ports: on one machine every pod shares the port space with whatever else listens on 0.0.0.0.
        spec.getTarget().setPort(MODEL_PORT);
        spec.getCollector().setPort(MODEL_PORT + 1010);
        spec.getCollector().setAdminPort(MODEL_PORT + 1011);
        spec.getModel().setTask(ModelTask.BINARY_CLASSIFICATION);
        SegmentSpec segment = new SegmentSpec();
        segment.setHeader("X-Segment");
        spec.getModel().setSegment(segment);
        spec.getGroundTruth().setLabelTTL("10m");
        spec.getGroundTruth().setTokenSecretRef(new SecretKeyRef("fraud-feedback-token", "token"));
        spec.getEvaluation().setInterval(pace.interval());
        spec.getEvaluation().setWindow(pace.window());
        // The sandbox's collectors run inside its own, already warm JVM: a short warm-up keeps the story brisk.
        spec.getEvaluation().setWarmup("5s");
        spec.getEvaluation().setMinSamples(pace.minSamples());
        spec.getEvaluation().setConsecutiveBreaches(2);
        spec.setObjectives(List.of(ObjectiveSpec.min(MetricName.accuracy, 0.90), ObjectiveSpec.max(MetricName.latencyP99Ms, 250),
                ObjectiveSpec.max(MetricName.errorRate, 0.05), ObjectiveSpec.max(MetricName.equalOpportunityDifference, 0.15)));
        spec.setCosts(DEMO_COSTS);
        if (options.inputsStory()) {
            spec.getModel().setFeatures(List.of(new FeatureSpec("amount", FeatureType.NUMERICAL),
                    new FeatureSpec("region", FeatureType.CATEGORICAL)));
            spec.getModel().setScorePointer("/probabilities");
            spec.setReference(new ReferenceSpec(REFERENCE));
            ObjectiveSpec missing = ObjectiveSpec.max(MetricName.missingRate, 0.05);
            missing.setFeatures(List.of("region"));
            spec.setObjectives(List.of(ObjectiveSpec.min(MetricName.accuracy, 0.90), ObjectiveSpec.max(MetricName.errorRate, 0.05),
                    ObjectiveSpec.min(MetricName.estimatedAccuracy, 0.90), ObjectiveSpec.max(MetricName.featureDrift, 0.1),
                    ObjectiveSpec.max(MetricName.outOfRangeRate, 0.05), missing));
            // What broke is upstream of the model: rolling the model back would not mend it. The monitor alerts.
            spec.getRollback().setEnabled(false);
        }
        if (options.llmStory()) {
            // A chat model: judged on its first token, its cut-off answers and what people say of its answers.
            spec.getModel().setTask(ModelTask.GENERATION);
            spec.getModel().setProtocol(ModelProtocol.OPENAI);
            spec.setCosts(null);
            spec.setObjectives(List.of(ObjectiveSpec.max(MetricName.ttftP95Ms, 300),
                    ObjectiveSpec.max(MetricName.truncationRate, 0.15), ObjectiveSpec.min(MetricName.acceptanceRate, 0.6),
                    ObjectiveSpec.max(MetricName.errorRate, 0.05)));
        }
        // Short, so that a user of --keep-running can deploy the bad version again and see it rolled back again.
        spec.getRollback().setCooldown("1m");
        mm.setSpec(spec);
        client.resource(mm).createOr(m -> m.update());
    }

    /** The reference profile of the model's training data, made by the image's profile command and applied. */
    private void createReference() {
        SplittableRandom random = new SplittableRandom(29);
        StringBuilder csv = new StringBuilder("amount,region,probability,fraud\n");
        DemoModelServer.Behaviour first = behaviour(V1);
        for (int i = 0; i < 5_000; i++) {
            int truth = random.nextDouble() < 0.3 ? 1 : 0;
            int predicted = random.nextDouble() < first.accuracy() ? truth : 1 - truth;
            csv.append(String.format(Locale.ROOT, "%.2f,%s,%.3f,%d%n", 10 + random.nextDouble() * 990,
                    random.nextDouble() < 0.6 ? "eu" : "us", predicted == 1 ? first.accuracy() : 1 - first.accuracy(), truth));
        }
        try {
            Path file = Files.createTempFile("training", ".csv");
            Files.writeString(file, csv);
            ByteArrayOutputStream map = new ByteArrayOutputStream();
            ProfileCommand.run(new String[] {"--csv", file.toString(), "--features", "amount:numerical,region:categorical",
                "--score", "probability", "--label", "fraud", "--name", REFERENCE, "--namespace", NAMESPACE},
                    new PrintStream(map, true, StandardCharsets.UTF_8), out);
            Files.delete(file);
            client.resource(Serialization.unmarshal(map.toString(StandardCharsets.UTF_8), ConfigMap.class))
                    .createOr(c -> c.update());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training data's profile", e);
        }
        out.println(">>> profile --csv training.csv --features amount:numerical,region:categorical --score probability "
                + "--label fraud --name " + REFERENCE + " | kubectl apply -f -");
    }

    /**
     * The inputs story: the feature pipeline upstream breaks (amounts in cents, region empty for "us") while labels
     * come {@code --label-delay} late. The monitor sees it in the inputs first, names the features, holds its
     * estimated accuracy as untrusted; the labels, when they come, confirm what the model did with such inputs.
     */
    private Outcome brokenPipeline(Instant start, Instant healthy, Instant deadline) throws InterruptedException {
        out.println();
        out.println(">>> the feature pipeline upstream is redeployed, broken: amount now in cents, region empty for us");
        out.println("    (labels come " + Durations.format(options.labelDelay()) + " after each prediction)");
        traffic.brokenInputs(true);
        Instant broken = Instant.now();
        Instant fromInputs = waitFor(m -> m.getStatus().getPhase() == Phase.Breached, deadline,
                "the inputs breach their objectives");
        String inputsReason = fromInputs == null ? null : conditionMessage(monitor(), "Degraded");
        Instant fromLabels = fromInputs == null ? null : waitFor(m -> m.getStatus().getObjectives() != null
                && m.getStatus().getObjectives().stream().anyMatch(o -> o.getMetric() == MetricName.accuracy
                        && o.getState() == ObjectiveState.Breached), deadline,
                "the labels confirm it");
        ModelMonitor last = monitor();
        out.println();
        out.println("==================================== summary ====================================");
        line("v1 Healthy", healthy, start);
        line("pipeline broken", broken, start);
        line("breach from the inputs", fromInputs, start);
        line("labels confirm it", fromLabels, start);
        if (inputsReason != null) {
            out.println("  why:      " + inputsReason);
        }
        var estimated = last.getStatus().getMetrics() == null ? null : last.getStatus().getMetrics().getEstimated();
        if (estimated != null && estimated.getUntrusted() != null) {
            out.println("  estimate: " + estimated.getUntrusted());
        }
        out.println("  traffic:  " + traffic.sentCount() + " requests (" + options.describeTraffic() + "), "
                + traffic.labeledCount() + " labels sent, " + traffic.failedCount() + " failed");
        out.println("  result:   " + (fromLabels != null ? "caught from the inputs "
                + Duration.between(fromInputs, fromLabels).toSeconds() + " s before the labels could" : "INCOMPLETE"));
        out.println("=================================================================================");
        return new Outcome(fromLabels != null, healthy, broken, fromInputs, null, fromLabels, null, null, inputsReason);
    }

    private static String conditionMessage(ModelMonitor mm, String type) {
        return mm == null || mm.getStatus() == null || mm.getStatus().getConditions() == null ? null
                : mm.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).map(c -> c.getMessage())
                        .findFirst().orElse(null);
    }

    private Instant waitFor(Predicate<ModelMonitor> condition, Instant deadline, String what) throws InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            ModelMonitor mm = monitor();
            view(mm);
            if (mm != null && mm.getStatus() != null && mm.getStatus().getPhase() != null && condition.test(mm)) {
                return Instant.now();
            }
            Thread.sleep(2000);
        }
        out.println("!!! timed out waiting until " + what);
        return null;
    }

    private void sleepWatching(Duration duration) throws InterruptedException {
        Instant until = Instant.now().plus(duration);
        while (Instant.now().isBefore(until)) {
            view(monitor());
            Thread.sleep(2000);
        }
    }

    private ModelMonitor monitor() {
        return client.resources(ModelMonitor.class).inNamespace(NAMESPACE).withName(app).get();
    }

    /**
     * A line when what it shows changed: phase, revision (with its model version), the numbers behind them, the
     * objectives; then any new Events.
     */
    private void view(ModelMonitor mm) {
        if (mm == null || mm.getStatus() == null) {
            return;
        }
        var s = mm.getStatus();
        if (s.getRevisions() != null) {
            s.getRevisions().stream().filter(r -> r.getRevision() != null && r.getExpectedCost() != null && r.getRequests() != null)
                    .forEach(r -> served.put(r.getRevision(), new Priced(r.getExpectedCost(), r.getRequests())));
        } else if (s.getTargetRevision() != null && s.getMetrics() != null && s.getMetrics().getExpectedCost() != null
                && s.getMetrics().getExpectedCost().getEstimated() == null && s.getMetrics().getRequests() != null) {
            // One revision serves: the window is all its own.
            served.put(s.getTargetRevision(), new Priced(s.getMetrics().getExpectedCost().getPerThousand(),
                    s.getMetrics().getRequests()));
        }
        var m = s.getMetrics();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s rev %-10s", s.getPhase(),
                s.getTargetRevision() == null ? "-" : s.getTargetRevision() + " (" + version(s.getTargetRevision()) + ")"));
        if (m != null && m.getGeneration() != null) {
            var g = m.getGeneration();
            line.append(g.getTtftMs() == null ? " ttft -" : String.format(Locale.ROOT, " ttft p95 %.0f ms", g.getTtftMs().getP95()));
            line.append(g.getTruncationRate() == null ? "" : String.format(Locale.ROOT, "  truncated %.3f",
                    g.getTruncationRate().getValue()));
            line.append(g.getAcceptanceRate() == null ? "  accepted -" : String.format(Locale.ROOT,
                    "  accepted %.3f [%.3f, %.3f] n=%d", g.getAcceptanceRate().getValue(), g.getAcceptanceRate().getLower(),
                    g.getAcceptanceRate().getUpper(), g.getAcceptanceRate().getN()));
        } else if (m != null && m.getAccuracy() != null) {
            line.append(String.format(Locale.ROOT, " accuracy %.3f [%.3f, %.3f] n=%d", m.getAccuracy().getValue(),
                    m.getAccuracy().getLower(), m.getAccuracy().getUpper(), m.getAccuracy().getN()));
        } else {
            line.append(options.llmStory() ? " ttft -" : " accuracy -");
        }
        if (m != null && m.getEstimated() != null && m.getEstimated().getAccuracy() != null) {
            line.append(String.format(Locale.ROOT, "  estimated %.3f%s", m.getEstimated().getAccuracy().getValue(),
                    m.getEstimated().getUntrusted() == null ? "" : " (untrusted)"));
        }
        if (m != null && m.getFeatures() != null && !m.getFeatures().isEmpty() && m.getFeatures().get(0).getDrift() != null) {
            line.append(String.format(Locale.ROOT, "  %s drift %.2f", m.getFeatures().get(0).getName(),
                    m.getFeatures().get(0).getDrift().getValue()));
        }
        if (m != null && m.getLatencyMs() != null) {
            line.append(String.format(Locale.ROOT, "  p99 %.1f ms", m.getLatencyMs().getP99()));
        }
        if (m != null && m.getThroughputRps() != null) {
            line.append(String.format(Locale.ROOT, "  %.0f req/s", m.getThroughputRps()));
        }
        if (s.getObjectives() != null) {
            line.append("  |");
            for (ObjectiveStatus o : s.getObjectives()) {
                line.append(' ').append(o.getMetric()).append('=').append(o.getState())
                        .append(o.getConsecutiveBreaches() != null && o.getConsecutiveBreaches() > 0 ? "x" + o.getConsecutiveBreaches() : "");
            }
        }
        if (!line.toString().equals(lastView)) {
            lastView = line.toString();
            out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
        }
        List<Event> events = new ArrayList<>(client.v1().events().inNamespace(NAMESPACE).list().getItems());
        events.sort(Comparator.comparing(e -> e.getLastTimestamp() == null ? "" : e.getLastTimestamp()));
        for (Event e : events) {
            String key = e.getMetadata().getName() + "/" + e.getCount();
            if (app.equals(e.getInvolvedObject().getName()) && shownEvents.add(key)) {
                out.println("    event " + e.getType() + " " + e.getReason() + ": " + e.getMessage());
            }
        }
    }

    /**
     * The model version a revision number runs ("v1", or "v1, no collector" when its pods ran without one), remembered
     * once its pods are seen: a rollback gives the restored template a new number, and the old number disappears.
     */
    private String version(Long revision) {
        if (versions.containsKey(revision)) {
            return versions.get(revision);
        }
        long r = revision;
        var replicaSet = client.apps().replicaSets().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(rs -> rs.getMetadata().getName().startsWith(app + "-") && rs.getMetadata().getAnnotations() != null
                        && String.valueOf(r).equals(rs.getMetadata().getAnnotations().get(SimulatedControlPlane.REVISION)))
                .findFirst();
        if (replicaSet.isEmpty()) {
            return "?";
        }
        String image = replicaSet.get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        String tag = image.substring(image.lastIndexOf(':') + 1);
        // The collector is in the pods (the webhook's) or in the template (template injection).
        List<Pod> pods = client.pods().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(p -> p.getMetadata().getOwnerReferences() != null && p.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> o.getName().equals(replicaSet.get().getMetadata().getName())))
                .toList();
        if (pods.isEmpty()) {
            return tag;
        }
        boolean collector = pods.stream().anyMatch(p -> p.getSpec().getContainers().stream()
                .anyMatch(c -> Annotations.COLLECTOR_CONTAINER.equals(c.getName())));
        String version = collector ? tag : tag + ", no collector";
        versions.put(revision, version);
        return version;
    }

    private void summary(Outcome o, Instant start, ModelMonitor last) {
        out.println();
        out.println("==================================== summary ====================================");
        line("v1 Healthy", o.healthy(), start);
        line("v2 deployed", o.v2Deployed(), start);
        line("v2 breach confirmed", o.breached(), start);
        line("rolled back", o.rolledBack(), start);
        line("v1 Healthy again", o.recovered(), start);
        if (o.fromRevision() != null) {
            Long now = last.getStatus().getTargetRevision();
            out.println("  rollback: revision " + o.fromRevision() + " (" + version(o.fromRevision()) + ") -> revision "
                    + o.toRevision() + " (" + version(o.toRevision()) + ")"
                    + (now == null || now.equals(o.toRevision()) ? ""
                            : "; it serves as revision " + now + ", as after kubectl rollout undo"));
            out.println("  why:      " + o.breachReason());
            cost(o);
        }
        // Every revision the Deployment had, including the first (v1 before the collector was injected).
        client.apps().replicaSets().inNamespace(NAMESPACE).list().getItems().stream()
                .map(rs -> rs.getMetadata().getAnnotations() == null ? null : rs.getMetadata().getAnnotations().get(SimulatedControlPlane.REVISION))
                .filter(Objects::nonNull).map(Long::valueOf).forEach(this::version);
        out.println("  revisions:" + versions.entrySet().stream().map(e -> " " + e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining(",")));
        long failed = traffic.failedCount();
        out.println("  traffic:  " + traffic.sentCount() + " requests (" + options.describeTraffic() + "), "
                + traffic.labeledCount() + (options.llmStory() ? " feedback items sent, " : " labels sent, ") + failed + " failed"
                + (failed == 0 ? "" : " (" + traffic.unansweredCount() + " unanswered, " + (failed - traffic.unansweredCount())
                        + " answered 5xx)"));
        out.println("  result:   " + (o.completed() ? "breach detected, rolled back to v1, recovered" : "INCOMPLETE"));
        out.println("=================================================================================");
    }

    /**
     * What v2's time in production cost beyond v1, with the demo's prices: the difference of their costs per 1,000
     * predictions (each from its own labelled window, as last seen while it served) times the requests of v2's window.
     */
    private void cost(Outcome o) {
        Priced bad = served.get(o.fromRevision());
        Priced good = served.get(o.toRevision());
        if (bad == null || good == null || o.v2Deployed() == null || o.rolledBack() == null) {
            return;
        }
        double extra = (bad.perThousand().getValue() - good.perThousand().getValue()) / 1000 * bad.requests();
        out.printf(Locale.ROOT, "  cost:     v2 was in production %d s; its last window's %d requests cost %,.0f %s per "
                + "1,000 predictions [%,.0f, %,.0f], where v1 costs %,.0f [%,.0f, %,.0f]: about %,.0f %s more than v1 would "
                + "have cost (%s %s a false positive, %s a false negative)%n",
                Duration.between(o.v2Deployed(), o.rolledBack()).toSeconds(), bad.requests(), bad.perThousand().getValue(),
                DEMO_COSTS.getUnit(), bad.perThousand().getLower(), bad.perThousand().getUpper(),
                good.perThousand().getValue(), good.perThousand().getLower(), good.perThousand().getUpper(),
                extra, DEMO_COSTS.getUnit(), fmt(DEMO_COSTS.getFalsePositive()), DEMO_COSTS.getUnit(),
                fmt(DEMO_COSTS.getFalseNegative()));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private void line(String what, Instant when, Instant start) {
        out.printf(Locale.ROOT, "  %-22s %s%n", what, when == null ? "-" : "+" + Duration.between(start, when).toSeconds() + " s");
    }
}

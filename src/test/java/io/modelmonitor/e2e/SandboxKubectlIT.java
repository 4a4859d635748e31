package io.modelmonitor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.modelmonitor.cluster.KubeBinaries;

/**
 * End to end, as a user does it: the packaged application started with {@code sandbox --keep-running}, inspected
 * and driven with the real kubectl binary (built from source with the cluster tests' control plane). The sandbox's
 * own story covers the full loop (inject, collect, breach, rollback, recover); kubectl applies the CRD and the
 * examples, lists with printer columns, describes, waits, watches, explains, scales and deletes, as on a cluster;
 * after the summary the demo keeps going, and a bad version deployed with {@code kubectl set image} is rolled back
 * again. The tests run in order on one sandbox: the story first, the keep-running checks last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Beside the cluster tests (see the failsafe configuration): its own sandbox process, API and ports. Its methods run
// one after another in its own thread (SAME_THREAD each: a class's CONCURRENT would otherwise reach them too). It
// shares the one lane beside the cluster tests with CollectorHostileClientsIT: the two never run at the same time, so
// the cluster tests meet one neighbour, not two.
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(SandboxKubectlIT.BESIDE_THE_CLUSTER_TESTS)
class SandboxKubectlIT {

    /** The lane beside the cluster tests: one class at a time (CollectorHostileClientsIT names it too). */
    static final String BESIDE_THE_CLUSTER_TESTS = "beside-the-cluster-tests";

    private static final Path LOG = Path.of("target", "sandbox-it.log");
    private static final Path OPERATOR_LOG = Path.of("target", "sandbox", "sandbox.log");
    private static Instant summaryAt;
    private static Process sandbox;
    private static String kubeconfig;

    record Result(int exit, String output) {
    }

    @BeforeAll
    static void startSandbox() throws Exception {
        Files.createDirectories(LOG.getParent());
        sandbox = new ProcessBuilder(javaBinary(), "-jar", "target/quarkus-app/quarkus-run.jar", "sandbox", "--keep-running")
                .redirectErrorStream(true).redirectOutput(LOG.toFile()).start();
        Pattern line = Pattern.compile("kubectl --kubeconfig (\\S+) get mm -w");
        kubeconfig = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Matcher m = line.matcher(log());
            return m.find() ? m.group(1) : null;
        }, k -> k != null);
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            List<ProcessHandle> children = sandbox.descendants().toList();
            sandbox.destroy(); // SIGTERM, as Ctrl-C would
            assertThat(sandbox.waitFor(30, TimeUnit.SECONDS)).as("the sandbox stops on SIGTERM").isTrue();
            assertThat(children.stream().filter(ProcessHandle::isAlive)).as("no process left behind").isEmpty();
        }
    }

    @Test
    @Order(1)
    @Execution(ExecutionMode.SAME_THREAD)
    void kubectlSeesTheWholeLoop() throws Exception {
        // The sandbox's monitor, with its printer columns, while it runs.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Result get = kubectl("get", "mm", "-n", "demo");
            assertThat(get.exit()).as(get.output()).isZero();
            assertThat(get.output().lines().findFirst().orElse("")).matches(
                    "NAME\\s+TARGET\\s+PHASE\\s+ACCURACY\\s+P99\\(MS\\)\\s+ERRORS\\s+AGE\\s*");
            assertThat(get.output()).containsPattern("fraud-detector\\s+fraud-detector\\s+\\w+");
        });
        Result wait = kubectl("wait", "--for=condition=Ready", "mm/fraud-detector", "-n", "demo", "--timeout=90s");
        assertThat(wait.exit()).as(wait.output()).isZero();
        assertThat(wait.output()).contains("condition met");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(kubectl("get", "mm", "-n", "demo").output()).containsPattern("fraud-detector\\s+fraud-detector\\s+Healthy\\s+0\\.9"));

        // The CRD and the examples, applied as users apply them.
        assertOk(kubectl("apply", "--validate=false", "-f", "crds/"));
        Result apply = kubectl("apply", "--validate=false", "-f", "deploy/examples/");
        assertOk(apply);
        assertThat(apply.output()).contains("namespace/ml created", "modelmonitor.modelmonitor.io/fraud-detector created",
                "modelmonitor.modelmonitor.io/iris-classifier created", "deployment.apps/fraud-detector created");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Result list = kubectl("get", "modelmonitors", "-n", "ml");
            assertThat(list.output()).containsPattern("fraud-detector\\s+fraud-detector").containsPattern("iris-classifier\\s+iris-classifier");
            // The sandbox admits pods as the API server calls the webhook: the pods have the collector, not the template.
            assertThat(kubectl("get", "pods", "-n", "ml", "-l", "app=fraud-detector", "-o",
                    "jsonpath={.items[*].spec.containers[*].name}").output()).contains("modelmonitor-collector");
        });
        assertThat(kubectl("get", "deploy", "fraud-detector", "-n", "ml", "-o",
                "jsonpath={.spec.template.spec.containers[*].name}").output()).isEqualTo("model");
        assertOk(kubectl("apply", "--validate=false", "-f", "deploy/examples/iris-classifier-monitor.yaml"));

        // The sandbox's story reaches its end: breach, rollback to v1, recovery.
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).until(() ->
                log().contains("result:   breach detected, rolled back to v1, recovered"));
        summaryAt = Instant.now();
        assertThat(log()).as("revisions named the same way everywhere, and no request lost to a rollout")
                .containsPattern("rollback: revision (\\d+) \\(v2\\) -> revision (\\d+) \\(v1\\); it serves as revision \\d+")
                .contains("revisions: 1 = v1, no collector, 2 = v1, 3 = v2, 4 = v1")
                .containsPattern("labels sent, 0 failed")
                .as("v2's minutes in production, priced with the demo's costs")
                .containsPattern("cost: +v2 was in production \\d+ s; its last window's \\d+ requests cost [\\d,]+ EUR per "
                        + "1,000 predictions \\[[\\d,]+, [\\d,]+\\], where v1 costs [\\d,]+ .*: about [\\d,]+ EUR more than v1 "
                        + "would have cost \\(5 EUR a false positive, 120 a false negative\\)")
                .as("the model's pods predate its monitor: counted, then restarted as the monitor says, as a user would")
                .contains("event Warning PodsWithoutCollector", ">>> kubectl rollout restart deployment/fraud-detector")
                .as("a first breach is shown as suspected before it is confirmed")
                .containsPattern("Breaching\\s+rev \\d+ \\(v2\\).*accuracy=Breachedx1")
                .doesNotContain("WARN", "Exception");
        Result describe = kubectl("describe", "mm", "fraud-detector", "-n", "demo");
        assertOk(describe);
        assertThat(describe.output()).contains("Conditions:", "Ready", "RolledBack", "Events:", "RollbackTriggered",
                "RollbackSucceeded", "ObjectiveBreached");
        assertThat(kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o", "jsonpath={.status.lastRollback.cost}").output())
                .as("the rollback record states what the mistakes cost").matches("its mistakes cost [\\d,]+ EUR per 1,000 "
                        + "predictions \\[[\\d,]+, [\\d,]+\\], about [\\d,]+ EUR per hour at the current traffic");
        Result revision = kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o", "jsonpath={.status.lastRollback.toRevision}");
        assertThat(revision.output().trim()).matches("\\d+");
        assertThat(kubectl("get", "deploy", "fraud-detector", "-n", "demo", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").output()).isEqualTo("model-monitor/demo-fraud-model:v1");
    }

    @Test
    @Order(2)
    @Execution(ExecutionMode.SAME_THREAD)
    void watchPrintsThePrinterColumnsOnEveryRow() throws Exception {
        List<String> lines = kubectlFor(Duration.ofSeconds(12), "get", "mm", "-n", "demo", "-w").lines().toList();
        assertThat(lines.get(0)).matches("NAME\\s+TARGET\\s+PHASE\\s+ACCURACY\\s+P99\\(MS\\)\\s+ERRORS\\s+AGE\\s*");
        assertThat(lines.subList(1, lines.size())).as("the first row and the watched ones").hasSizeGreaterThan(1)
                .allSatisfy(row -> assertThat(row).matches("fraud-detector\\s+fraud-detector\\s+\\w+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+\\w+"));
    }

    @Test
    @Order(3)
    @Execution(ExecutionMode.SAME_THREAD)
    void explainDocumentsTheMonitorsFields() throws Exception {
        Result explain = kubectl("explain", "modelmonitor.spec.evaluation");
        assertOk(explain);
        assertThat(explain.output()).contains("GROUP:      modelmonitor.io", "KIND:       ModelMonitor", "FIELD: evaluation <Object>",
                "minSamples\t<integer>", "InsufficientData, never Breached");
        Result recursive = kubectl("explain", "mm.spec.objectives", "--recursive");
        assertOk(recursive);
        assertThat(recursive.output()).contains("metric\t<string>", "min\t<number>", "max\t<number>");
    }

    @Test
    @Order(4)
    @Execution(ExecutionMode.SAME_THREAD)
    void builtInKindsPrintTheColumnsAClusterPrints() throws Exception {
        Result pods = kubectl("get", "pods", "-n", "demo");
        assertThat(pods.output().lines().findFirst().orElse("")).matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s*");
        assertThat(pods.output()).as("generated pod names, two containers ready")
                .containsPattern("fraud-detector-[b-z2-9]{6,10}-[b-z2-9]{5}\\s+2/2\\s+Running\\s+0\\s+\\w+");
        Result services = kubectl("get", "svc", "-n", "demo");
        assertThat(services.output()).containsPattern("NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE")
                .containsPattern("fraud-detector\\s+ClusterIP\\s+\\S+\\s+\\S+\\s+80/TCP");
        Result events = kubectl("get", "events", "-n", "demo");
        assertThat(events.output()).containsPattern("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE")
                .containsPattern("Warning\\s+RollbackTriggered\\s+modelmonitor/fraud-detector\\s+rolling back from revision");
        Result deployments = kubectl("get", "deploy,rs", "-n", "demo");
        assertThat(deployments.output()).containsPattern("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE")
                .containsPattern("deployment.apps/fraud-detector\\s+2/2\\s+2\\s+2")
                .containsPattern("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE");
        Result history = kubectl("rollout", "history", "deploy/fraud-detector", "-n", "demo");
        assertOk(history);
        assertThat(history.output()).containsPattern("(?m)^1\\s").containsPattern("(?m)^4\\s");
    }

    @Test
    @Order(5)
    @Execution(ExecutionMode.SAME_THREAD)
    void scaleChangesTheReplicasAndSaysSo() throws Exception {
        Result scale = kubectl("scale", "deploy/iris-classifier", "-n", "ml", "--replicas=1");
        assertOk(scale);
        assertThat(scale.output()).contains("deployment.apps/iris-classifier scaled");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kubectl("get", "deploy", "iris-classifier", "-n", "ml")
                .output()).containsPattern("iris-classifier\\s+1/1\\s+1\\s+1"));
        Result current = kubectl("get", "deploy/iris-classifier", "-n", "ml", "--subresource=scale", "-o", "jsonpath={.spec.replicas}");
        assertThat(current.output()).isEqualTo("1");
    }

    @Test
    @Order(6)
    @Execution(ExecutionMode.SAME_THREAD)
    void deleteReturnsOnceTheMonitorIsGone() throws Exception {
        for (int round = 1; round <= 5; round++) {
            assertOk(kubectl("apply", "--validate=false", "-f", "deploy/examples/iris-classifier-monitor.yaml"));
            // The operator's finalizer is on: the delete waits for its cleanup, as on a cluster.
            await().atMost(Duration.ofSeconds(20)).until(() -> kubectl("get", "mm", "iris-classifier", "-n", "ml", "-o",
                    "jsonpath={.metadata.finalizers}").output().contains("modelmonitor"));
            long started = System.nanoTime();
            Result delete = kubectl("delete", "mm", "iris-classifier", "-n", "ml");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertOk(delete);
            assertThat(delete.output()).contains("\"iris-classifier\" deleted");
            assertThat(took).as("round %d", round).isLessThan(Duration.ofSeconds(10));
            assertThat(kubectl("get", "mm", "iris-classifier", "-n", "ml").output()).contains("NotFound");
        }
        String operatorLog = Files.readString(OPERATOR_LOG);
        assertThat(operatorLog).doesNotContain("NullPointerException", "Uncaught error");
    }

    @Test
    @Order(7)
    @Execution(ExecutionMode.SAME_THREAD)
    void keepRunningKeepsTheDemoAliveAndTheLoopRunsAgain() throws Exception {
        assertThat(summaryAt).as("the story ended").isNotNull();
        // The user deploys v3, as the sandbox suggests, once the first rollback's 1m cooldown is over: accurate
        // overall, unfair to one region. Only the fairness objective sees it, and the loop runs again.
        Instant firstRollback = Instant.parse(kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o",
                "jsonpath={.status.lastRollback.time}").output());
        sleepUntil(firstRollback.plusSeconds(65));
        long firstFrom = Long.parseLong(kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o",
                "jsonpath={.status.lastRollback.fromRevision}").output());
        assertOk(kubectl("set", "image", "deploy/fraud-detector", "model=model-monitor/demo-fraud-model:v3", "-n", "demo"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(Long.parseLong(kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o",
                    "jsonpath={.status.lastRollback.fromRevision}").output())).isEqualTo(firstFrom + 2);
            assertThat(kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o",
                    "jsonpath={.status.lastRollback.objective}").output()).isEqualTo("equalOpportunityDifference");
            assertThat(kubectl("get", "deploy", "fraud-detector", "-n", "demo", "-o",
                    "jsonpath={.spec.template.spec.containers[0].image}").output()).isEqualTo("model-monitor/demo-fraud-model:v1");
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> log().contains(
                "event Normal Recovered: every objective is met again on revision " + (firstFrom + 3)));
        assertThat(log()).as("v3's accuracy stayed Met while its fairness was breached")
                .containsPattern("rev \\d+ \\(v3\\) .*accuracy=Met.*equalOpportunityDifference=Breachedx2")
                .containsPattern("event Warning ObjectiveBreached: equalOpportunityDifference [0-9.]+ \\[[0-9.]+, [0-9.]+\\] "
                        + "\\(n=\\d+\\) between eu and us lies above 0.1500");

        // Two minutes after the summary: traffic, labels and evaluations go on.
        sleepUntil(summaryAt.plus(Duration.ofMinutes(2)));
        String rps = kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o", "jsonpath={.status.metrics.throughputRps}").output();
        assertThat(Double.parseDouble(rps)).as("requests per second in the window").isGreaterThan(40);
        String evaluated = kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o", "jsonpath={.status.lastEvaluationTime}").output();
        assertThat(Duration.between(Instant.parse(evaluated), Instant.now())).isLessThan(Duration.ofSeconds(20));
        long labels = Long.parseLong(kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o",
                "jsonpath={.status.metrics.labels}").output());
        assertThat(labels).as("labels in the window").isGreaterThan(500);
        String afterSummary = log().substring(log().indexOf("still running (--keep-running)"));
        assertThat(afterSummary.lines().filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d Healthy .*"))).hasSizeGreaterThan(5);
    }

    private static void sleepUntil(Instant when) throws InterruptedException {
        Duration left = Duration.between(Instant.now(), when);
        if (!left.isNegative()) {
            Thread.sleep(left.toMillis());
        }
    }

    /** Runs kubectl for a while (a watch) and returns what it printed by then. */
    private static String kubectlFor(Duration duration, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(KubeBinaries.kubectl().toString(), "--kubeconfig", kubeconfig));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("kubectl-watch", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.waitFor(duration.toMillis(), TimeUnit.MILLISECONDS);
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
        String text = Files.readString(out);
        Files.delete(out);
        return text;
    }

    private static void assertOk(Result r) {
        assertThat(r.exit()).as(r.output()).isZero();
    }

    private static Result kubectl(String... args) throws IOException, InterruptedException {
        // The kubectl built with the cluster tests' control plane (src/kube/build.sh): no kubectl on the PATH needed.
        List<String> command = new ArrayList<>(List.of(KubeBinaries.kubectl().toString(), "--kubeconfig", kubeconfig,
                "--request-timeout=20s"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out + "\n(timed out)");
        }
        return new Result(p.exitValue(), out);
    }

    private static String log() throws IOException {
        return Files.exists(LOG) ? Files.readString(LOG) : "";
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}

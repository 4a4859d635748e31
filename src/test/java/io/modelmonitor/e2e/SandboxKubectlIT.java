package io.modelmonitor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.modelmonitor.cluster.KubeBinaries;

/**
 * End to end, as a user does it: the packaged application started with {@code sandbox --keep-running}, inspected
 * and driven with the real kubectl binary (built from source with the cluster tests' control plane). The sandbox's
 * own story covers the full loop (inject, collect, breach, rollback, recover); kubectl applies the CRD and the
 * examples, lists with printer columns, describes, waits.
 */
class SandboxKubectlIT {

    private static final Path LOG = Path.of("target", "sandbox-it.log");
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
            assertThat(kubectl("get", "deploy", "fraud-detector", "-n", "ml", "-o",
                    "jsonpath={.spec.template.spec.containers[*].name}").output()).contains("modelmonitor-collector");
        });
        assertOk(kubectl("apply", "--validate=false", "-f", "deploy/examples/iris-classifier-monitor.yaml"));

        // The sandbox's story reaches its end: breach, rollback to v1, recovery.
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).until(() ->
                log().contains("result:   breach detected, rolled back to v1, recovered"));
        Result describe = kubectl("describe", "mm", "fraud-detector", "-n", "demo");
        assertOk(describe);
        assertThat(describe.output()).contains("Conditions:", "Ready", "RolledBack", "Events:", "RollbackTriggered",
                "RollbackSucceeded", "ObjectiveBreached");
        Result revision = kubectl("get", "mm", "fraud-detector", "-n", "demo", "-o", "jsonpath={.status.lastRollback.toRevision}");
        assertThat(revision.output().trim()).matches("\\d+");
        assertThat(kubectl("get", "deploy", "fraud-detector", "-n", "demo", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").output()).isEqualTo("model-monitor/demo-fraud-model:v1");
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

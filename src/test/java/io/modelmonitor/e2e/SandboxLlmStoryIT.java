package io.modelmonitor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code sandbox --story llm} as a newcomer runs it, the packaged application to its end: a chat model streaming
 * through the OpenAI API with people's feedback, v1 Healthy, v2 (a slower first token, more cut-off answers) breached
 * on a generation objective, rolled back, v1 Healthy again, and not one request lost.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(SandboxKubectlIT.BESIDE_THE_CLUSTER_TESTS)
class SandboxLlmStoryIT {

    private static final Path LOG = Path.of("target", "sandbox-llm-it.log");

    @Test
    void theLanguageModelsBadReleaseIsCaughtFromItsTokensAndRolledBack() throws Exception {
        Files.createDirectories(LOG.getParent());
        Process sandbox = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-jar", "target/quarkus-app/quarkus-run.jar", "sandbox", "--story", "llm")
                .redirectErrorStream(true).redirectOutput(LOG.toFile()).start();
        try {
            assertThat(sandbox.waitFor(300, TimeUnit.SECONDS)).as("the story ends by itself").isTrue();
        } finally {
            sandbox.destroyForcibly();
        }
        String log = Files.readString(LOG);
        assertThat(sandbox.exitValue()).as(log).isZero();
        assertThat(log).contains("result:   breach detected, rolled back to v1, recovered")
                .containsPattern("why:      (ttftP95Ms|truncationRate) [0-9.]+ \\[[0-9.]+, [0-9.]+\\] \\(n=\\d+\\) lies above")
                .contains("revisions: 1 = v1, no collector, 2 = v1, 3 = v2, 4 = v1")
                .containsPattern("feedback items sent, 0 failed")
                .as("the view shows the generation figures").containsPattern("ttft p95 \\d+ ms  truncated 0\\.\\d+  accepted 0\\.\\d+");
    }
}

package io.modelmonitor.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl, built with the control plane, run as a user runs it against one kubeconfig. */
public final class Kubectl {

    /** What a kubectl command printed (stdout and stderr together) and how it exited. */
    public record Result(int exit, String output) {

        public boolean ok() {
            return exit == 0;
        }

        @Override
        public String toString() {
            return "exit " + exit + ":\n" + output;
        }
    }

    /** Fails the test, with what kubectl printed, unless the command succeeded. */
    public static void assertOk(Result result) {
        if (!result.ok()) {
            throw new AssertionError("kubectl failed: " + result);
        }
    }

    /** {@code kubectl apply -f -} of these manifests, which must succeed. */
    public void apply(String yaml) {
        assertOk(runWithInput(yaml, "apply", "-f", "-"));
    }

    private final Path kubeconfig;

    public Kubectl(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
    }

    public Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs kubectl with {@code stdin} piped in, e.g. {@code apply -f -}. */
    public Result runWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(KubeBinaries.kubectl().toString(), "--kubeconfig",
                kubeconfig.toString(), "--request-timeout=30s"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

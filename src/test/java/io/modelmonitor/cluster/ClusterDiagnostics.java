package io.modelmonitor.cluster;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a cluster test fails, what a person would look at next: monitors, workloads, pods and Events of every
 * namespace, as kubectl shows them, in {@code target/cluster/<test>.diagnostics.txt} (beside the control plane's
 * logs, the audit log and every container's output).
 */
public final class ClusterDiagnostics implements TestWatcher {

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Kubectl kubectl = ControlPlane.shared().kubectl();
        StringBuilder out = new StringBuilder("# " + context.getDisplayName() + ": " + cause + "\n");
        for (List<String> command : List.of(
                List.of("get", "modelmonitors", "-A", "-o", "yaml"),
                List.of("get", "deployments,replicasets,pods,services,leases", "-A", "-o", "wide"),
                List.of("describe", "deployments", "-A"),
                List.of("get", "events", "-A", "--sort-by=.lastTimestamp"))) {
            out.append("\n$ kubectl ").append(String.join(" ", command)).append('\n')
                    .append(kubectl.run(command.toArray(String[]::new)).output());
        }
        Path file = ControlPlane.DIR.resolve(context.getRequiredTestClass().getSimpleName() + "."
                + context.getRequiredTestMethod().getName() + ".diagnostics.txt");
        ControlPlane.write(file, out.toString());
        System.err.println("cluster diagnostics: " + file);
    }
}

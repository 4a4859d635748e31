package io.modelmonitor;

import java.util.Arrays;

import io.modelmonitor.collector.CollectorMain;
import io.modelmonitor.metrics.ProfileCommand;
import io.modelmonitor.sandbox.DemoLlmServer;
import io.modelmonitor.sandbox.DemoModelServer;
import io.modelmonitor.sandbox.RateLoad;
import io.modelmonitor.sandbox.Sandbox;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * One image, several roles, chosen by the first argument before Quarkus boots: {@code collector} (the sidecar,
 * on plain Vert.x: no operator, no Kubernetes client, no CDI container), {@code sandbox} (the local playground),
 * {@code demo-model}, {@code demo-llm} and {@code bench-load} (for the benchmarks and the cluster tests), {@code profile} (a reference profile of training
 * data, as a ConfigMap); anything else boots the operator.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) throws Exception {
        String role = args.length > 0 ? args[0] : "";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        switch (role) {
            case "collector" -> CollectorMain.main(rest);
            case "sandbox" -> Sandbox.main(rest);
            case "demo-model" -> DemoModelServer.main(rest);
            case "demo-llm" -> DemoLlmServer.main(rest);
            case "bench-load" -> RateLoad.main(rest);
            case "profile" -> ProfileCommand.main(rest);
            default -> Quarkus.run(args);
        }
    }
}

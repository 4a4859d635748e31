package io.modelmonitor;

import java.util.Arrays;

import io.modelmonitor.collector.CollectorMain;
import io.modelmonitor.sandbox.DemoModelServer;
import io.modelmonitor.sandbox.RateLoad;
import io.modelmonitor.sandbox.Sandbox;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * One image, two roles. {@code collector} starts the sidecar on plain Vert.x before Quarkus boots, so the
 * collector carries no operator, no Kubernetes client and no CDI container; anything else boots the operator.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) throws Exception {
        if (args.length > 0 && "collector".equals(args[0])) {
            CollectorMain.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && "demo-model".equals(args[0])) {
            DemoModelServer.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && "bench-load".equals(args[0])) {
            RateLoad.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && "sandbox".equals(args[0])) {
            Sandbox.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Quarkus.run(args);
    }
}

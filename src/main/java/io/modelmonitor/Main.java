package io.modelmonitor;

import java.util.Arrays;

import io.modelmonitor.collector.CollectorMain;
import io.modelmonitor.sandbox.DemoModelServer;
import io.modelmonitor.sandbox.RateLoad;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * One image, two roles. {@code collector} starts the sidecar on plain Vert.x before Quarkus boots, so the
 * collector carries no operator, no Kubernetes client and no CDI container; anything else boots the operator.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) throws InterruptedException {
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
            // Issue 6 builds the sandbox: a local API server, the operator, a demo model and traffic.
            System.out.println("The sandbox (local API server + operator + demo model) is not built yet; "
                    + "see README.md for what exists today.");
            return;
        }
        Quarkus.run(args);
    }
}

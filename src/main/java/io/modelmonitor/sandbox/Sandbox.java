package io.modelmonitor.sandbox;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.runtime.Quarkus;

/**
 * {@code sandbox [--keep-running] [--rate N] [--labeled F]} (see {@link SandboxOptions#USAGE}): the whole loop on one
 * machine. A local Kubernetes API, the real operator, a
 * simulated control plane running a demo model and real collectors on loopback, traffic with delayed labels,
 * then a bad release, its rollback and the recovery.
 */
public final class Sandbox {

    static volatile LocalApiServer api;
    static volatile SandboxOptions options;

    private Sandbox() {
    }

    public static void main(String... args) throws Exception {
        try {
            options = SandboxOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("sandbox: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(SandboxOptions.USAGE);
            return;
        }
        Path log = Path.of(SandboxOptions.LOG_FILE).toAbsolutePath();
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        api = LocalApiServer.start(0);
        Path kubeconfig = api.writeKubeconfig(Path.of(SandboxOptions.KUBECONFIG), SandboxScenario.NAMESPACE);
        installCrd();
        Runtime.getRuntime().addShutdownHook(new Thread(Sandbox::stop, "sandbox-shutdown"));
        // The operator talks to the store directly; kubectl and Helm use the front (see LocalApiServer).
        // (quarkus.kubernetes-client.api-server-url is fixed at build time; the fabric8 properties are read at run time)
        System.setProperty("kubernetes.master", api.storeUrl());
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        System.setProperty("quarkus.http.host", "127.0.0.1");
        System.setProperty("quarkus.http.port", "0");
        System.setProperty("quarkus.banner.enabled", "false");
        // The verdict API on a free loopback port: the sandbox's local API has no TokenReview to check tokens with.
        System.setProperty("modelmonitor.verdict.port", "0");
        System.setProperty("modelmonitor.verdict.host", "127.0.0.1");
        System.setProperty("modelmonitor.verdict.auth", "none");
        // No webhook server: the local API calls none. The simulated control plane admits each pod through the
        // operator's PodAdmission itself, as the API server would call the webhook (SandboxAdmission).
        System.setProperty("modelmonitor.webhook.port", "-1");
        System.setProperty("modelmonitor.webhook.in-process", "true");
        // One operator process and no standby: nothing to elect (LeaderElectionClusterIT covers two replicas).
        System.setProperty("modelmonitor.leader-election.enabled", "false");
        // The terminal tells the story; the operator's and the libraries' log goes to a file (errors show on both).
        System.setProperty("quarkus.log.level", System.getProperty("quarkus.log.level", "INFO"));
        System.setProperty("quarkus.log.console.level", "ERROR");
        System.setProperty("quarkus.log.file.enabled", "true");
        System.setProperty("quarkus.log.file.path", log.toString());
        System.setProperty("quarkus.log.file.format", "%d{HH:mm:ss,SSS} %-5p [%c{3.}] (%t) %s%e%n");
        System.setProperty("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");
        System.out.println("model-monitor sandbox: local Kubernetes API at " + api.url() + " (operator log: " + log + ")");
        System.out.println("watch it from another terminal with:");
        System.out.println();
        System.out.println("  kubectl --kubeconfig " + kubeconfig + " get mm -w");
        System.out.println("  kubectl --kubeconfig " + kubeconfig + " describe mm "
                + (options.llmStory() ? SandboxScenario.LLM_APP : SandboxScenario.APP));
        System.out.println("  kubectl --kubeconfig " + kubeconfig + " get deploy,rs,pods");
        System.out.println();
        Quarkus.run(SandboxApplication.class, args);
    }

    private static void installCrd() throws Exception {
        try (InputStream in = Sandbox.class.getResourceAsStream("/crds/modelmonitors.modelmonitor.io-v1.yml")) {
            CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
            api.client().resource(crd).createOr(c -> c.update());
        }
    }

    static synchronized void stop() {
        if (api != null) {
            api.close();
            api = null;
        }
    }
}

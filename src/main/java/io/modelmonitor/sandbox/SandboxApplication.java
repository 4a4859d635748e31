package io.modelmonitor.sandbox;

import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/** The sandbox's story, run inside the operator's own Quarkus application once the operator has started. */
public class SandboxApplication implements QuarkusApplication {

    @Inject
    KubernetesClient client;

    @Override
    public int run(String... args) throws Exception {
        DemoPodRuntime pods = new DemoPodRuntime(client, SandboxScenario::behaviour);
        try (SimulatedControlPlane controlPlane = new SimulatedControlPlane(client, pods).start()) {
            SandboxScenario.Outcome outcome = new SandboxScenario(client, System.out, SandboxScenario.Pace.sandbox()).run();
            if (Sandbox.keepRunning) {
                System.out.println("still running (--keep-running); Ctrl-C stops everything");
                Quarkus.waitForExit();
            }
            return outcome.completed() ? 0 : 1;
        } finally {
            Sandbox.stop();
        }
    }
}

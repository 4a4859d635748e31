package io.modelmonitor.sandbox;

import jakarta.inject.Inject;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.operator.webhook.PodAdmission;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/** The sandbox's story, run inside the operator's own Quarkus application once the operator has started. */
public class SandboxApplication implements QuarkusApplication {

    @Inject
    KubernetesClient client;

    @Inject
    PodAdmission admission;

    @Override
    public int run(String... args) throws Exception {
        DemoPodRuntime pods = new DemoPodRuntime(client, SandboxScenario::behaviour);
        SandboxOptions options = Sandbox.options;
        try (SimulatedControlPlane controlPlane = new SimulatedControlPlane(client, pods)
                        .admittingPodsThrough(new SandboxAdmission(client, admission::review)).start();
                SandboxScenario scenario = new SandboxScenario(client, System.out, SandboxScenario.Pace.sandbox(), options)) {
            SandboxScenario.Outcome outcome = scenario.run();
            if (options.keepRunning()) {
                scenario.keepWatching();
                Quarkus.waitForExit();
            }
            return outcome.completed() ? 0 : 1;
        } finally {
            Sandbox.stop();
        }
    }
}

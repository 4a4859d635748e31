package io.modelmonitor.operator;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.operator.injection.CollectorSidecar;

/** The operator tests' fixtures, for tests in other packages. */
public final class OperatorTestAccess {

    private OperatorTestAccess() {
    }

    public static Deployment modelDeployment(String ns, String name, int replicas) {
        return Fixtures.modelDeployment(ns, name, replicas);
    }

    public static Service modelService(String ns, String name) {
        return Fixtures.modelService(ns, name);
    }

    public static ModelMonitor monitor(String ns, String name, String target) {
        return Fixtures.monitor(ns, name, target);
    }

    public static boolean injected(KubernetesClient client, String ns, String name) {
        Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
        return d != null && CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent();
    }

    public static void markRolledOut(KubernetesClient client, String ns, String name) {
        Fixtures.markRolledOut(client, client.apps().deployments().inNamespace(ns).withName(name).get());
    }
}

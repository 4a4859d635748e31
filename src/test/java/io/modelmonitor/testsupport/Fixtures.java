package io.modelmonitor.testsupport;

import java.util.List;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.CollectorInjection;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorSpec;
import io.modelmonitor.api.v1alpha1.ModelTask;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.SecretKeyRef;
import io.modelmonitor.operator.injection.CollectorSidecar;

/** Objects as a platform team would write them: a model Deployment with a log shipper, its Service, its monitor. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Deployment modelDeployment(String namespace, String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).addToLabels("app", name).endMetadata()
                .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector().addToMatchLabels("app", name).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().addToLabels("app", name).addToAnnotations("team", "fraud").endMetadata()
                        .withNewSpec()
                            .addNewContainer()
                                .withName("model").withImage("registry.example/fraud:1.4.2")
                                .withArgs("--workers", "2")
                                .addNewPort().withName("http").withContainerPort(8080).endPort()
                                .addNewEnv().withName("MODEL_PATH").withValue("/models/fraud").endEnv()
                                .withNewResources().addToRequests("cpu", new Quantity("500m"))
                                .endResources()
                                .withNewReadinessProbe().withNewHttpGet().withPath("/v1/models/fraud")
                                    .withPort(new IntOrString("http")).endHttpGet().endReadinessProbe()
                            .endContainer()
                            .addNewContainer()
                                .withName("log-shipper").withImage("registry.example/shipper:2")
                                .withCommand("/bin/ship", "--to", "loki")
                                .addNewVolumeMount().withName("logs").withMountPath("/var/log/model").endVolumeMount()
                            .endContainer()
                            .addNewVolume().withName("logs").withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    public static Service modelService(String namespace, String name) {
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec()
                    .addToSelector("app", name)
                    .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort()
                    .addNewPort().withName("debug").withPort(5005).withTargetPort(new IntOrString(5005)).endPort()
                .endSpec()
                .build();
    }

    public static ModelMonitor monitor(String namespace, String name, String target) {
        ModelMonitor mm = new ModelMonitor();
        mm.getMetadata().setName(name);
        mm.getMetadata().setNamespace(namespace);
        ModelMonitorSpec spec = new ModelMonitorSpec();
        spec.getTarget().setName(target);
        spec.getTarget().setContainer("model");
        spec.getModel().setTask(ModelTask.BINARY_CLASSIFICATION);
        spec.getGroundTruth().setTokenSecretRef(new SecretKeyRef(target + "-feedback-token", "token"));
        spec.setObjectives(List.of(ObjectiveSpec.min(MetricName.accuracy, 0.9), ObjectiveSpec.max(MetricName.latencyP99Ms, 250)));
        // The mock-server tests drive time themselves; their collectors are warm from the first request.
        spec.getEvaluation().setWarmup("0s");
        // The mock server calls no admission webhook: these tests exercise the template mode, and set webhook where
        // they mean it (the real API server's webhook tests are the cluster tests).
        spec.getCollector().setInjection(CollectorInjection.template);
        mm.setSpec(spec);
        return mm;
    }

    /** Plays the Deployment controller: all replicas of the current template are up and ready. */
    public static void markRolledOut(KubernetesClient client, Deployment deployment) {
        Deployment current = client.apps().deployments().resource(deployment).get();
        int replicas = current.getSpec().getReplicas();
        current.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(current.getMetadata().getGeneration())
                .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(replicas)
                .withAvailableReplicas(replicas).build());
        client.apps().deployments().resource(current).updateStatus();
    }

    /** Whether the Deployment's template carries the collector (template injection). */
    public static boolean injected(KubernetesClient client, String ns, String name) {
        Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
        return d != null && CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent();
    }

    /** Plays the Deployment controller for the named Deployment. */
    public static void markRolledOut(KubernetesClient client, String ns, String name) {
        markRolledOut(client, client.apps().deployments().inNamespace(ns).withName(name).get());
    }
}

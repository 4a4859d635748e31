package io.modelmonitor.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.operator.target.argo.ArgoRollout;

/**
 * The cluster tests' stand-in for Argo Rollouts' controller, which is not run: for one Rollout (our minimal CRD) it
 * creates each revision's ReplicaSet, owned by the Rollout with its pods labelled by hash, and reports the status Argo
 * would; the real ReplicaSet controller, scheduler and webhook make the pods.
 */
final class ArgoStandIn {

    private final KubernetesClient client;
    private final String namespace;
    private final String app;

    ArgoStandIn(KubernetesClient client, String namespace, String app) {
        this.client = client;
        this.namespace = namespace;
        this.app = app;
    }

    /** The Rollout as Git holds it: one replica, a canary of two steps, this pod template. */
    String rolloutYaml(PodTemplateSpec template) {
        return """
                apiVersion: argoproj.io/v1alpha1
                kind: Rollout
                metadata: {name: %s, namespace: %s}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: %s}}
                  strategy:
                    canary:
                      steps: [{setWeight: 50}, {pause: {}}]
                  template: %s
                """.formatted(app, namespace, app, Serialization.asJson(template));
    }

    /** What Argo Rollouts creates for a revision: a ReplicaSet owned by the Rollout, its pods labelled with the hash. */
    void replicaSet(String hash, int revision, PodTemplateSpec template) {
        ArgoRollout owner = rollout();
        PodTemplateSpec labelled = template;
        labelled.getMetadata().getLabels().put("rollouts-pod-template-hash", hash);
        client.apps().replicaSets().inNamespace(namespace).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(app + "-" + hash).withNamespace(namespace)
                    .addToLabels("app", app).addToLabels("rollouts-pod-template-hash", hash)
                    .addToAnnotations("rollout.argoproj.io/revision", Integer.toString(revision))
                    .addNewOwnerReference().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout")
                        .withName(app).withUid(owner.getMetadata().getUid()).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withReplicas(1)
                    .withNewSelector().addToMatchLabels("app", app).addToMatchLabels("rollouts-pod-template-hash", hash)
                    .endSelector()
                    .withTemplate(labelled)
                .endSpec().build()).create();
    }

    /** The status Argo Rollouts reports, for the generation it has seen (the Rollout's current one). */
    void reportStatus(Map<String, Object> fields) {
        ArgoRollout r = rollout();
        Map<String, Object> status = new LinkedHashMap<>(fields);
        status.put("observedGeneration", Long.toString(r.getMetadata().getGeneration()));
        client.resources(ArgoRollout.class).inNamespace(namespace).withName(app).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
    }

    /** The one pod of a revision, once Ready. */
    Pod awaitReadyPod(String hash) {
        return ClusterFixtures.awaitOneReadyPod("the pod of revision " + hash, () -> pods(hash));
    }

    List<Pod> pods(String hash) {
        return client.pods().inNamespace(namespace).withLabel("rollouts-pod-template-hash", hash).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    ArgoRollout rollout() {
        return client.resources(ArgoRollout.class).inNamespace(namespace).withName(app).get();
    }
}

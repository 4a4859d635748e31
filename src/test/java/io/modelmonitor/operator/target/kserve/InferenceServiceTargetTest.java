package io.modelmonitor.operator.target.kserve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.RollbackMethod;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.target.ControllerRollback;
import io.modelmonitor.operator.target.RollsBackItself;
import io.modelmonitor.operator.target.SometimesUnsupported;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.operator.target.TemplateOwnedElsewhere;
import io.modelmonitor.rollback.RollbackPlanner.Revision;

/** A KServe InferenceService in raw deployment mode, read and acted on as KServe writes and reads it (played here). */
@EnableKubernetesMockClient(crud = true)
class InferenceServiceTargetTest {

    KubernetesClient client;

    private static final String ISVC = """
            apiVersion: serving.kserve.io/v1beta1
            kind: InferenceService
            metadata:
              name: churn
              namespace: ml
              generation: 3
              annotations: {serving.kserve.io/deploymentMode: RawDeployment}
            spec:
              predictor:
                model: {modelFormat: {name: sklearn}, storageUri: "gs://models/churn/1"}
              canary:
                - predictor: {name: v2, model: {storageUri: "gs://models/churn/2"}}
                  trafficPercent: 20
            status:
              observedGeneration: 3
              canaryStatuses: [{name: v2, ready: true, trafficPercent: 20}]
            """;

    /** Stored as KServe's users write it, whole (the typed model names only what the operator reads). */
    private Target isvc(String yaml) {
        client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(KServeInferenceService.class))
                .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class)).create();
        return Targets.of(TargetKind.InferenceService).find(client, "ml", "churn").orElseThrow();
    }

    /** What KServe makes for a variant: a Deployment with its labels, and the ReplicaSet of its current template. */
    private void variant(String deployment, String hash, int readyReplicas) {
        Map<String, String> labels = Map.of("app", "isvc." + deployment, "serving.kserve.io/inferenceservice", "churn",
                "component", "predictor");
        Deployment d = client.resource(new DeploymentBuilder().withNewMetadata().withName(deployment).withNamespace("ml")
                .withGeneration(1L).addToAnnotations("deployment.kubernetes.io/revision", "1").endMetadata()
                .withNewSpec().withReplicas(readyReplicas == 0 ? 0 : 1).withNewSelector()
                .addToMatchLabels("app", "isvc." + deployment).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels(labels).endMetadata().withNewSpec().addNewContainer()
                .withName("kserve-container").withImage("kserve/sklearnserver").endContainer().endSpec().endTemplate()
                .endSpec().withNewStatus().withObservedGeneration(1L).withReplicas(readyReplicas)
                .withUpdatedReplicas(readyReplicas).withReadyReplicas(readyReplicas).endStatus().build()).create();
        client.resource(new ReplicaSetBuilder().withNewMetadata().withName(deployment + "-" + hash).withNamespace("ml")
                .addToLabels(labels).addToLabels("pod-template-hash", hash)
                .addToAnnotations("deployment.kubernetes.io/revision", "1")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName(deployment)
                .withUid(d.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withNewTemplate().withNewMetadata().addToLabels(labels).addToLabels("pod-template-hash", hash)
                .endMetadata().withNewSpec().addNewContainer().withName("kserve-container").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    @Test
    void itsRevisionsAreItsPredictorVariantsAndTheCanaryTakingTrafficIsJudged() {
        variant("churn-predictor", "5d8c7b9f4", 1);
        variant("churn-v2-predictor", "7f6b4d8c9", 1);

        Target w = isvc(ISVC);

        assertThat(SometimesUnsupported.of(w)).isEmpty();
        assertThat(w.history().revisions()).containsExactly(new Revision(1, "5d8c7b9f4"), new Revision(2, "7f6b4d8c9"));
        assertThat(w.currentRevisionHash()).contains("7f6b4d8c9");
        assertThat(w.revision()).contains(2L);
        assertThat(w.revisionLabel()).isEqualTo("pod-template-hash");
        assertThat(w.podSelector()).as("every predictor pod, stable and canary")
                .isEqualTo(Map.of("serving.kserve.io/inferenceservice", "churn", "component", "predictor"));
        assertThat(w.currentPodSelector()).isEqualTo(Map.of("app", "isvc.churn-v2-predictor", "pod-template-hash", "7f6b4d8c9"));
        assertThat(w.podNamePattern()).isEqualTo("churn-v2-predictor-7f6b4d8c9-[a-z0-9]{5}");
        assertThat(w.template().getSpec().getContainers()).extracting("name").containsExactly("kserve-container");
        assertThat(TemplateOwnedElsewhere.takesAnnotations(w)).as("KServe copies them onto the predictor's pods").isFalse();
        assertThat(w.restartCommand()).isEqualTo("kubectl rollout restart deployment -l serving.kserve.io/inferenceservice=churn");
    }

    @Test
    void aBreachingCanaryIsSentNoTrafficThroughTheInferenceServiceAndNothingElseChanges() {
        variant("churn-predictor", "5d8c7b9f4", 1);
        variant("churn-v2-predictor", "7f6b4d8c9", 1);
        Target w = isvc(ISVC);

        ControllerRollback back = RollsBackItself.of(w, "7f6b4d8c9").orElseThrow();
        assertThat(back.method()).isEqualTo(RollbackMethod.shiftTraffic);
        assertThat(back.to()).isEqualTo(new Revision(1, "5d8c7b9f4"));
        assertThat(back.asked()).isFalse();
        back.ask();

        KServeInferenceService stored = client.resources(KServeInferenceService.class).inNamespace("ml").withName("churn").get();
        assertThat(stored.getSpec().getCanary().get(0).getTrafficPercent()).isZero();
        String json = Serialization.asJson(client.genericKubernetesResources(
                ResourceDefinitionContext.fromResourceType(KServeInferenceService.class))
                .inNamespace("ml").withName("churn").get());
        assertThat(json).as("the models as they were").contains("gs://models/churn/1").contains("gs://models/churn/2");
        assertThat(stored.getMetadata().getAnnotations()).as("nothing written on it")
                .isEqualTo(Map.of("serving.kserve.io/deploymentMode", "RawDeployment"));

        Target asked = Targets.of(TargetKind.InferenceService).find(client, "ml", "churn").orElseThrow();
        assertThat(asked.currentRevisionHash()).as("no canary takes traffic: the predictor is judged").contains("5d8c7b9f4");
        ControllerRollback following = RollsBackItself.of(asked, "7f6b4d8c9").orElseThrow();
        assertThat(following.asked()).isTrue();
        assertThat(following.done()).as("until KServe reports the canary at 0").isFalse();
    }

    @Test
    void theRollbackIsDoneOnceKServeReportsTheCanaryAtZeroAndThePredictorServes() {
        variant("churn-predictor", "5d8c7b9f4", 1);
        variant("churn-v2-predictor", "7f6b4d8c9", 0);
        Target w = isvc(ISVC.replace("trafficPercent: 20\n", "trafficPercent: 0\n")
                .replace("generation: 3", "generation: 4").replace("observedGeneration: 3", "observedGeneration: 4")
                .replace("ready: true, trafficPercent: 20", "ready: false, trafficPercent: 0"));

        assertThat(RollsBackItself.of(w, "7f6b4d8c9")).hasValueSatisfying(b -> assertThat(b.done()).isTrue());
    }

    @Test
    void withoutACanaryInTrafficThereIsNoWayBackButGit() {
        variant("churn-predictor", "5d8c7b9f4", 1);
        Target w = isvc(ISVC.replace("trafficPercent: 20\n", "trafficPercent: 0\n"));

        assertThat(w.currentRevisionHash()).contains("5d8c7b9f4");
        assertThat(RollsBackItself.of(w, "5d8c7b9f4")).isEmpty();
        assertThat(TemplateOwnedElsewhere.noTemplateRollback(w)).hasValueSatisfying(why -> assertThat(why).contains("no canary takes traffic"));
    }

    @Test
    void onlyRawDeploymentModeWithItsPredictorDeploymentIsSupported() {
        assertThat(SometimesUnsupported.of(isvc(ISVC))).hasValueSatisfying(why ->
                assertThat(why).contains("has no predictor Deployment churn-predictor"));
        client.resources(KServeInferenceService.class).inNamespace("ml").withName("churn").delete();

        assertThat(SometimesUnsupported.of(isvc(ISVC.replace("RawDeployment", "Serverless")))).hasValueSatisfying(why ->
                assertThat(why).contains("deployed in Serverless mode"));
    }
}

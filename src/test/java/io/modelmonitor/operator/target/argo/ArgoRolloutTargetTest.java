package io.modelmonitor.operator.target.argo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.ControllerRollback;
import io.modelmonitor.operator.target.RollsBackItself;
import io.modelmonitor.operator.target.SometimesUnsupported;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.rollback.RollbackPlanner.Revision;

/** An Argo Rollout read and acted on as Argo Rollouts writes and reads it, its own controller played by the test. */
@EnableKubernetesMockClient(crud = true)
class ArgoRolloutTargetTest {

    KubernetesClient client;

    private static final String ROLLOUT = """
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: churn, namespace: ml, generation: 4, uid: u-churn}
            spec:
              replicas: 4
              selector: {matchLabels: {app: churn}}
              strategy: {canary: {steps: [{setWeight: 25}, {pause: {}}], trafficRouting: {nginx: {stableIngress: churn}}}}
              template:
                metadata: {labels: {app: churn}}
                spec: {containers: [{name: model, image: "churn:2"}]}
            status:
              observedGeneration: "4"
              currentPodHash: 7f6b4d8c9
              stableRS: 5d8c7b9f4
              phase: Paused
              replicas: 5
              updatedReplicas: 1
              readyReplicas: 5
            """;

    private Target rollout(String yaml) {
        ArgoRollout r = Serialization.unmarshal(yaml, ArgoRollout.class);
        return Targets.of(TargetKind.Rollout).of(client, client.resource(r).create());
    }

    /** As the informer hands it over (the mock server would renumber its generation on create). */
    private Target seen(String yaml) {
        return Targets.of(TargetKind.Rollout).of(client, Serialization.unmarshal(yaml, ArgoRollout.class));
    }

    private void replicaSet(String hash, int revision, String owner) {
        client.resource(new ReplicaSetBuilder().withNewMetadata().withName("churn-" + hash).withNamespace("ml")
                .addToLabels("app", "churn").addToLabels("rollouts-pod-template-hash", hash)
                .addToAnnotations("rollout.argoproj.io/revision", Integer.toString(revision))
                .addNewOwnerReference().withApiVersion("argoproj.io/v1alpha1").withKind("Rollout").withName(owner)
                .withUid("u-" + owner).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withNewTemplate().withNewMetadata().addToLabels("app", "churn")
                .addToLabels("rollouts-pod-template-hash", hash).endMetadata().withNewSpec().addNewContainer()
                .withName("model").withImage("churn:" + revision).endContainer().endSpec().endTemplate().endSpec()
                .build()).create();
    }

    @Test
    void itsRevisionsAreItsReplicaSetsAndTheCurrentOneIsTheHashBeingRolledOut() {
        replicaSet("5d8c7b9f4", 1, "churn");
        replicaSet("7f6b4d8c9", 2, "churn");
        replicaSet("1a2b3c4d5", 3, "other");

        Target w = rollout(ROLLOUT);

        assertThat(w.history().revisions()).containsExactly(new Revision(1, "5d8c7b9f4"), new Revision(2, "7f6b4d8c9"));
        assertThat(w.currentRevisionHash()).contains("7f6b4d8c9");
        assertThat(w.revision()).contains(2L);
        assertThat(w.revisionLabel()).isEqualTo("rollouts-pod-template-hash");
        assertThat(w.restartCommand()).as("kubectl's own knows no Rollouts").isEqualTo("kubectl argo rollouts restart churn");
        assertThat(w.currentPodSelector()).isEqualTo(Map.of("app", "churn", "rollouts-pod-template-hash", "7f6b4d8c9"));
        assertThat(w.history().template("5d8c7b9f4")).hasValueSatisfying(t ->
                assertThat(t.getMetadata().getLabels()).as("without the label Argo adds").isEqualTo(Map.of("app", "churn")));
    }

    @Test
    void aCanaryPausedAtAStepIsReadyWhenAllItsPodsAre() {
        CollectorReadiness paused = seen(ROLLOUT).readiness();

        assertThat(paused.allReady()).isTrue();
        assertThat(paused.expected()).as("stable and canary pods").isEqualTo(5);
        assertThat(paused.ready()).isEqualTo(5);
    }

    @Test
    void untilArgoHasSeenTheSpecNoPodCountsAsReady() {
        CollectorReadiness readiness = seen(ROLLOUT.replace("observedGeneration: \"4\"", "observedGeneration: \"3\""))
                .readiness();

        assertThat(readiness.allReady()).isFalse();
        assertThat(readiness.ready()).isZero();
    }

    @Test
    void aBreachDuringAnUpdateAbortsItThroughTheStatusAndTheStableRevisionIsTheOnlyWayBack() {
        replicaSet("5d8c7b9f4", 1, "churn");
        replicaSet("7f6b4d8c9", 2, "churn");
        Target w = rollout(ROLLOUT);

        ControllerRollback abort = RollsBackItself.of(w, "7f6b4d8c9").orElseThrow();
        assertThat(abort.to()).isEqualTo(new Revision(1, "5d8c7b9f4"));
        assertThat(abort.asked()).isFalse();
        abort.ask();

        ArgoRollout stored = client.resources(ArgoRollout.class).inNamespace("ml").withName("churn").get();
        assertThat(stored.getStatus().getAbort()).isTrue();
        assertThat(stored.getStatus().getStableRS()).isEqualTo("5d8c7b9f4");
        assertThat(Serialization.asJson(stored.getSpec()))
                .as("the strategy and the template as they were").contains("trafficRouting").contains("churn:2");

        Target asked = Targets.of(TargetKind.Rollout).find(client, "ml", "churn").orElseThrow();
        ControllerRollback following = RollsBackItself.of(asked, "7f6b4d8c9").orElseThrow();
        assertThat(following.asked()).isTrue();
        assertThat(following.done()).as("until Argo Rollouts reports abortedAt").isFalse();
        assertThat(asked.currentRevisionHash()).as("aborted: the stable revision serves").contains("5d8c7b9f4");
    }

    @Test
    void afterArgoActedOnTheAbortTheRollbackIsDone() {
        replicaSet("5d8c7b9f4", 1, "churn");
        replicaSet("7f6b4d8c9", 2, "churn");
        Target w = rollout(ROLLOUT.replace("phase: Paused", "phase: Degraded\n  abort: true\n  abortedAt: \"2026-11-30T09:00:00Z\"")
                .replace("replicas: 5", "replicas: 4").replace("readyReplicas: 5", "readyReplicas: 4"));

        assertThat(RollsBackItself.of(w, "7f6b4d8c9")).hasValueSatisfying(a -> assertThat(a.done()).isTrue());
    }

    @Test
    void aFullyPromotedRevisionHasNoUpdateToAbort() {
        replicaSet("7f6b4d8c9", 2, "churn");
        Target promoted = rollout(ROLLOUT.replace("stableRS: 5d8c7b9f4", "stableRS: 7f6b4d8c9"));

        assertThat(RollsBackItself.of(promoted, "7f6b4d8c9")).as("undone by template instead").isEmpty();
        assertThat(RollsBackItself.of(promoted, "5d8c7b9f4")).as("not the revision being rolled out").isEmpty();
    }

    @Test
    void aRolloutThatTakesItsTemplateFromAWorkloadRefIsNotSupportedAndSaysWhy() {
        Target w = rollout(ROLLOUT.replace("  replicas: 4\n", "  replicas: 4\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: churn}\n"));

        assertThat(SometimesUnsupported.of(w)).hasValueSatisfying(why -> assertThat(why).contains("spec.workloadRef")
                .contains("spec.template"));
        assertThat(List.of(w.kind())).containsExactly(TargetKind.Rollout);
    }
}

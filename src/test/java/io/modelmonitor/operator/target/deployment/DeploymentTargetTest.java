package io.modelmonitor.operator.target.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.RollsBackItself;
import io.modelmonitor.operator.target.SometimesUnsupported;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.operator.target.TemplateOwnedElsewhere;
import io.modelmonitor.testsupport.Fixtures;

class DeploymentTargetTest {

    private static Target workload(Deployment deployment) {
        return Targets.of(TargetKind.Deployment).of(null, deployment);
    }

    private static Deployment rolledOut(int replicas, int updated, int ready, int total) {
        Deployment d = Fixtures.modelDeployment("ns", "fraud", replicas);
        d.getMetadata().setGeneration(3L);
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(3L).withUpdatedReplicas(updated)
                .withReadyReplicas(ready).withReplicas(total).build());
        return d;
    }

    @Test
    void aDeploymentIsTheWorkloadOfItsKind() {
        Target w = workload(Fixtures.modelDeployment("ns", "fraud", 2));

        assertThat(w.kind()).isEqualTo(TargetKind.Deployment);
        assertThat(w.name()).isEqualTo("fraud");
        assertThat(w.namespace()).isEqualTo("ns");
        assertThat(w.podSelector()).isEqualTo(Map.of("app", "fraud"));
        assertThat(w.template().getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("model", "log-shipper");
    }

    @Test
    void aDeploymentHasNoneOfTheKindsCapabilities() {
        Target w = workload(Fixtures.modelDeployment("ns", "fraud", 2));
        assertThat(w).isNotInstanceOfAny(RollsBackItself.class, SometimesUnsupported.class, TemplateOwnedElsewhere.class);
        assertThat(RollsBackItself.of(w, "7f6b4d8c9")).as("the operator restores its templates").isEmpty();
        assertThat(SometimesUnsupported.of(w)).isEmpty();
        assertThat(TemplateOwnedElsewhere.takesAnnotations(w)).isTrue();
        assertThat(TemplateOwnedElsewhere.noTemplateRollback(w)).isEmpty();
    }

    @Test
    void itsRevisionIsTheNumberItsControllerRecorded() {
        Deployment d = Fixtures.modelDeployment("ns", "fraud", 1);
        assertThat(workload(d).revision()).isEmpty();
        d.getMetadata().setAnnotations(Map.of("deployment.kubernetes.io/revision", "7"));
        assertThat(workload(d).revision()).contains(7L);
        d.getMetadata().setAnnotations(Map.of("deployment.kubernetes.io/revision", "seven"));
        assertThat(workload(d).revision()).isEmpty();
    }

    @Test
    void itIsClaimedByTheMonitorNamedInItsAnnotation() {
        Deployment d = Fixtures.modelDeployment("ns", "fraud", 1);
        assertThat(workload(d).claimedBy()).isEmpty();
        d.getMetadata().setAnnotations(Map.of(Annotations.MONITOR, "fraud-monitor"));
        assertThat(workload(d).claimedBy()).contains("fraud-monitor");
    }

    @Test
    void untilItsControllerObservedTheTemplateNoPodCountsAsReady() {
        Deployment d = rolledOut(2, 2, 2, 2);
        d.getMetadata().setGeneration(4L);

        CollectorReadiness readiness = workload(d).readiness();

        assertThat(readiness.allReady()).isFalse();
        assertThat(readiness.ready()).isZero();
    }

    @Test
    void allReadyOnlyWhenEveryPodRunsTheNewTemplateAndNoOldOneIsLeft() {
        assertThat(workload(rolledOut(2, 2, 2, 2)).readiness().allReady()).isTrue();
        assertThat(workload(rolledOut(2, 2, 2, 3)).readiness().allReady()).as("an old pod still runs").isFalse();
        assertThat(workload(rolledOut(2, 1, 2, 2)).readiness().allReady()).as("one pod not updated").isFalse();
        assertThat(workload(rolledOut(2, 2, 1, 2)).readiness().ready()).isEqualTo(1);
    }

    @Test
    void aTargetScaledToZeroIsNeverReadyAndSaysWhy() {
        CollectorReadiness readiness = workload(rolledOut(0, 0, 0, 0)).readiness();

        assertThat(readiness.allReady()).isFalse();
        assertThat(readiness.reason()).isEqualTo(Reason.SCALED_TO_ZERO);
    }
}

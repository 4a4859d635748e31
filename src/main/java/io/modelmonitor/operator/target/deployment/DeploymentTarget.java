package io.modelmonitor.operator.target.deployment;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.RolloutTrouble;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.operator.target.TemplatedTarget;
import io.modelmonitor.rollback.ReplicaSetHistory;
import io.modelmonitor.rollback.RevisionHistory;

/** A Deployment as a target: its ReplicaSets are its history, its status counts its ready pods. */
public final class DeploymentTarget extends TemplatedTarget<Deployment> {

    public static final Targets.Type TYPE = new Targets.Type(TargetKind.Deployment, Deployment.class,
            ReplicaSetHistory.TEMPLATE_HASH,
            (client, object) -> new DeploymentTarget(client, (Deployment) object), true);

    public DeploymentTarget(KubernetesClient client, Deployment deployment) {
        super(client, deployment);
    }

    @Override
    protected Targets.Type registration() {
        return TYPE;
    }

    @Override
    protected PodTemplateSpec templateOf(Deployment d) {
        return d.getSpec().getTemplate();
    }

    @Override
    protected void setTemplate(Deployment d, PodTemplateSpec template) {
        d.getSpec().setTemplate(template);
    }

    @Override
    protected LabelSelector selectorOf(Deployment d) {
        return d.getSpec().getSelector();
    }

    @Override
    protected RevisionHistory readHistory() {
        return ReplicaSetHistory.of(client, object);
    }

    @Override
    public Optional<Long> revision() {
        return annotation(ReplicaSetHistory.REVISION).filter(r -> r.matches("\\d{1,18}")).map(Long::valueOf);
    }

    @Override
    public CollectorReadiness readiness() {
        int expected = object.getSpec().getReplicas() == null ? 1 : object.getSpec().getReplicas();
        DeploymentStatus status = object.getStatus();
        if (status == null || !observed(status.getObservedGeneration())) {
            return new CollectorReadiness(expected, 0, false);
        }
        int updated = valueOf(status.getUpdatedReplicas());
        int ready = Math.min(updated, valueOf(status.getReadyReplicas()));
        int total = valueOf(status.getReplicas());
        return new CollectorReadiness(expected, ready, updated >= expected && total == updated);
    }

    @Override
    protected Optional<String> deadlineExceeded() {
        return object.getStatus() == null || object.getStatus().getConditions() == null ? Optional.empty()
                : RolloutTrouble.deadlineExceeded(object.getStatus().getConditions().stream()
                        .map(c -> new RolloutTrouble.Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage()))
                        .toList());
    }

    /** A Deployment's pods are named {@code <name>-<pod-template-hash>-<5 random>}. */
    @Override
    public String podNamePattern() {
        return replicaSetPodNames(name(), currentRevisionHash());
    }
}

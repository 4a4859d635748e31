package io.modelmonitor.operator.target.statefulset;

import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.operator.target.TemplatedTarget;
import io.modelmonitor.rollback.RevisionHistory;
import io.modelmonitor.rollback.RollbackPlanner;
import io.modelmonitor.rollback.StatefulSetHistory;

/**
 * A StatefulSet as a target: its ControllerRevisions are its history (a revision is named by what its pods carry in
 * {@code controller-revision-hash}), its status's updateRevision is the revision being rolled out, and it is rolled
 * out when every replica runs it and currentRevision has caught up.
 */
public final class StatefulSetTarget extends TemplatedTarget<StatefulSet> {

    public static final Targets.Type TYPE = new Targets.Type(TargetKind.StatefulSet, StatefulSet.class,
            StatefulSetHistory.REVISION_HASH,
            (client, object) -> new StatefulSetTarget(client, (StatefulSet) object), true);

    public StatefulSetTarget(KubernetesClient client, StatefulSet set) {
        super(client, set);
    }

    @Override
    protected Targets.Type registration() {
        return TYPE;
    }

    @Override
    protected PodTemplateSpec templateOf(StatefulSet s) {
        return s.getSpec().getTemplate();
    }

    @Override
    protected void setTemplate(StatefulSet s, PodTemplateSpec template) {
        s.getSpec().setTemplate(template);
    }

    @Override
    protected LabelSelector selectorOf(StatefulSet s) {
        return s.getSpec().getSelector();
    }

    @Override
    protected RevisionHistory readHistory() {
        return StatefulSetHistory.of(client, object);
    }

    @Override
    public Optional<Long> revision() {
        return history().current().map(RollbackPlanner.Revision::number);
    }

    @Override
    public CollectorReadiness readiness() {
        int expected = object.getSpec().getReplicas() == null ? 1 : object.getSpec().getReplicas();
        StatefulSetStatus status = object.getStatus();
        if (status == null || !observed(status.getObservedGeneration())) {
            return new CollectorReadiness(expected, 0, false);
        }
        int updated = valueOf(status.getUpdatedReplicas());
        int ready = Math.min(updated, valueOf(status.getReadyReplicas()));
        boolean caughtUp = status.getUpdateRevision() != null
                && Objects.equals(status.getCurrentRevision(), status.getUpdateRevision());
        return new CollectorReadiness(expected, ready, updated >= expected && caughtUp);
    }

    /** A StatefulSet has no progress deadline: only its pods can say what is wrong. */
    @Override
    protected Optional<String> deadlineExceeded() {
        return Optional.empty();
    }

    /** A StatefulSet's pods are named {@code <name>-<ordinal>}. */
    @Override
    public String podNamePattern() {
        return name().replace(".", "\\.") + "-[0-9]+";
    }
}

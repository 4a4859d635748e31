package io.modelmonitor.operator.target.argo;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.modelmonitor.api.v1alpha1.RollbackMethod;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.ControllerRollback;
import io.modelmonitor.operator.target.RolloutTrouble;
import io.modelmonitor.operator.target.RollsBackItself;
import io.modelmonitor.operator.target.SometimesUnsupported;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.operator.target.TemplatedTarget;
import io.modelmonitor.rollback.ReplicaSetHistory;
import io.modelmonitor.rollback.RevisionHistory;
import io.modelmonitor.rollback.RollbackPlanner;

/**
 * An Argo Rollouts {@code Rollout} as a target. Its ReplicaSets are its history ({@code rollouts-pod-template-hash}
 * names a revision), {@code status.currentPodHash} the revision being rolled out and {@code status.stableRS} the one
 * that last completed. While an update is in progress, a confirmed breach is answered the way Argo's own analysis
 * answers one: the update is aborted ({@code status.abort}, as {@code kubectl argo rollouts abort} sets it) and Argo
 * Rollouts serves the stable revision again; the template is left as Git has it. Once fully promoted, a revision is
 * undone like {@code kubectl argo rollouts undo}: its predecessor's template is restored.
 */
public final class ArgoRolloutTarget extends TemplatedTarget<ArgoRollout> implements RollsBackItself, SometimesUnsupported {

    public static final Targets.Type TYPE = new Targets.Type(TargetKind.Rollout, ArgoRollout.class,
            ReplicaSetHistory.ROLLOUT_TEMPLATE_HASH,
            (client, object) -> new ArgoRolloutTarget(client, (ArgoRollout) object), false);

    public ArgoRolloutTarget(KubernetesClient client, ArgoRollout rollout) {
        super(client, rollout);
    }

    @Override
    protected Targets.Type registration() {
        return TYPE;
    }

    @Override
    protected PodTemplateSpec templateOf(ArgoRollout r) {
        return r.getSpec().getTemplate() == null ? new PodTemplateSpec() : r.getSpec().getTemplate();
    }

    @Override
    protected void setTemplate(ArgoRollout r, PodTemplateSpec template) {
        r.getSpec().setTemplate(template);
    }

    @Override
    protected LabelSelector selectorOf(ArgoRollout r) {
        return r.getSpec().getSelector();
    }

    @Override
    public Optional<String> unsupported() {
        return object.getSpec().getWorkloadRef() == null ? Optional.empty()
                : Optional.of("Rollout " + name() + " takes its pod template from spec.workloadRef, which is not "
                        + "supported: give the Rollout a spec.template of its own");
    }

    /** While aborted, Argo Rollouts serves the stable revision: that is the one it runs, whatever the template says. */
    @Override
    protected RevisionHistory readHistory() {
        ArgoRollout.Status status = object.getStatus();
        String current = status == null ? null
                : Boolean.TRUE.equals(status.getAbort()) && status.getStableRS() != null ? status.getStableRS()
                : status.getCurrentPodHash();
        return ReplicaSetHistory.of(client, ReplicaSetHistory.ROLLOUT, namespace(), name(), selectorOf(object), current);
    }

    @Override
    public Optional<Long> revision() {
        return history().current().map(RollbackPlanner.Revision::number);
    }

    /**
     * Ready when Argo Rollouts has seen the spec, runs at least the replicas asked for and all its pods are ready: a
     * canary paused at a step is ready (its pods serve), not a rollout that never finishes.
     */
    @Override
    public CollectorReadiness readiness() {
        int expected = object.getSpec().getReplicas() == null ? 1 : object.getSpec().getReplicas();
        ArgoRollout.Status status = object.getStatus();
        if (status == null || !observed(parse(status.getObservedGeneration()))) {
            return new CollectorReadiness(expected, 0, false);
        }
        int running = Math.max(expected, valueOf(status.getReplicas()));
        int ready = Math.min(running, valueOf(status.getReadyReplicas()));
        return new CollectorReadiness(running, ready, valueOf(status.getReplicas()) >= expected && ready >= running);
    }

    @Override
    protected Optional<String> deadlineExceeded() {
        return object.getStatus() == null || object.getStatus().getConditions() == null ? Optional.empty()
                : RolloutTrouble.deadlineExceeded(object.getStatus().getConditions().stream()
                        .map(c -> new RolloutTrouble.Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage()))
                        .toList());
    }

    /** Its ReplicaSets are named {@code <rollout>-<hash>}, their pods {@code <rollout>-<hash>-<5 random>}. */
    @Override
    public String podNamePattern() {
        return replicaSetPodNames(name(), currentRevisionHash());
    }

    /** kubectl's own rollout restart knows no Rollouts; Argo's plugin restarts them. */
    @Override
    public String restartCommand() {
        return "kubectl argo rollouts restart " + name();
    }

    /** An update in progress (the revision being rolled out is not the stable one) is aborted. */
    @Override
    public Optional<ControllerRollback> controllerRollback(String fromHash) {
        ArgoRollout.Status status = object.getStatus();
        if (status == null || status.getStableRS() == null || fromHash == null
                || !fromHash.equals(status.getCurrentPodHash()) || fromHash.equals(status.getStableRS())) {
            return Optional.empty();
        }
        return history().revisions().stream().filter(r -> r.templateHash().equals(status.getStableRS())).findFirst()
                .map(Abort::new);
    }

    /** {@code kubectl argo rollouts abort}: a merge patch of the status subresource; Argo Rollouts does the rest. */
    private final class Abort implements ControllerRollback {
        private final RollbackPlanner.Revision stable;

        Abort(RollbackPlanner.Revision stable) {
            this.stable = stable;
        }

        @Override
        public RollbackPlanner.Revision to() {
            return stable;
        }

        @Override
        public RollbackMethod method() {
            return RollbackMethod.abort;
        }

        @Override
        public String result() {
            return "Rollout " + name() + " aborted its update; its template is left as it is";
        }

        @Override
        public String action() {
            return "abort its update (status.abort), so that Argo Rollouts serves its stable revision";
        }

        @Override
        public boolean asked() {
            return Boolean.TRUE.equals(object.getStatus().getAbort());
        }

        @Override
        public void ask() {
            client.resources(ArgoRollout.class).inNamespace(namespace()).withName(name()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"abort\":true}}");
        }

        /** Argo Rollouts sets abortedAt once it has acted on the abort; then the stable pods must serve. */
        @Override
        public boolean done() {
            ArgoRollout.Status status = object.getStatus();
            int expected = object.getSpec().getReplicas() == null ? 1 : object.getSpec().getReplicas();
            return asked() && status.getAbortedAt() != null && valueOf(status.getReadyReplicas()) >= expected;
        }
    }

    private static Long parse(String generation) {
        try {
            return generation == null ? null : Long.valueOf(generation);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

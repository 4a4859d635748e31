package io.modelmonitor.operator.target;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.rollback.RevisionHistory;
import io.modelmonitor.rollback.RollbackPlanner;

/**
 * A monitor's target, whatever its kind: the pods it runs, the revision they run and its history, how ready they
 * are, how the collector gets in, and how a revision is restored. Operator classes see targets only through this;
 * a new kind is one implementation registered in {@link Targets}. Values are snapshots: a method that changes the
 * object on the server returns the new snapshot.
 */
public interface Target {

    TargetKind kind();

    String name();

    String namespace();

    /** The object's annotation, if set (the claim, a rollback in flight). */
    Optional<String> annotation(String key);

    /** The pod template its pods are made from now. */
    PodTemplateSpec template();

    /** Labels that select its pods; empty when it has none it can be read by. */
    Map<String, String> podSelector();

    /** Labels that select the pods of its current revision only (all its pods while that is not known yet). */
    Map<String, String> currentPodSelector();

    /** The pod label that names the revision a pod runs (pod-template-hash for a Deployment). */
    String revisionLabel();

    /** The number of the revision it runs now, when its controller has recorded one. */
    Optional<Long> revision();

    /** How many of its pods run the current template and are ready. */
    CollectorReadiness readiness();

    /** Why the pods of its current revision are not becoming ready, as far as its controller and pods say. */
    RolloutTrouble trouble();

    /**
     * A regular expression for the names of the pods of its current revision (what Prometheus's {@code pod} label
     * holds): narrower than a name prefix, which other workloads can share.
     */
    String podNamePattern();

    /** Its revisions, read from the server once per snapshot. */
    RevisionHistory history();

    /** Puts the collector into its pod template and claims it for the monitor. */
    Target injectCollector(Container collector, String configHash, String monitorName);

    /** Takes out the collector and every annotation the monitor wrote (claim, rollback intent); false if none. */
    boolean removeCollector();

    /** Sets (or, with null, removes) an annotation on the object. */
    Target annotate(String key, String value);

    /** Makes its pods run this template (a rollback). */
    Target restoreTemplate(PodTemplateSpec template);

    /** The revision label's value for the revision it runs now, when its controller has recorded it. */
    default Optional<String> currentRevisionHash() {
        return history().current().map(RollbackPlanner.Revision::templateHash);
    }

    /** The command that replaces its pods, so that they start again through the webhook. */
    default String restartCommand() {
        return "kubectl rollout restart " + kind().name().toLowerCase(Locale.ROOT) + "/" + name();
    }

    /** The monitor that claimed it, if any. */
    default Optional<String> claimedBy() {
        return annotation(Annotations.MONITOR);
    }
}

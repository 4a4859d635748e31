package io.modelmonitor.rollback;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/** The revisions a workload has had, as its controller records them: what rollbacks choose from and restore. */
public interface RevisionHistory {

    /** Every revision still recorded, oldest first. */
    List<RollbackPlanner.Revision> revisions();

    /** The revision the workload runs now, as far as its controller has recorded it. */
    Optional<RollbackPlanner.Revision> current();

    /** The pod template to restore for a revision, without the labels its controller added. */
    Optional<PodTemplateSpec> template(String templateHash);
}

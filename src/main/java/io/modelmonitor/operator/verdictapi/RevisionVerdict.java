package io.modelmonitor.operator.verdictapi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.RevisionStatus;
import io.modelmonitor.operator.status.StatusConditions;

/**
 * What the verdict API answers a rollout tool about one revision of a monitored model, read from the monitor's
 * status (so any operator replica answers the same, leader or not). One {@code result}: Successful only when the
 * monitor judges that very revision and every enforced objective is Met; Failed only on a confirmed breach (or a
 * revision the monitor already found breached); everything else, thin data included, Inconclusive. Dry-run
 * objectives are reported and never fail a verdict.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RevisionVerdict(String apiVersion, String kind, String namespace, String monitor, String revision,
        Long revisionNumber, String result, String phase, String reason, String evaluatedAt, List<ObjectiveStatus> objectives,
        List<RevisionStatus> revisions) {

    public static final String SUCCESSFUL = "Successful";
    public static final String FAILED = "Failed";
    public static final String INCONCLUSIVE = "Inconclusive";
    /** The revision the monitor judges now: the newest one, the canary of a progressive rollout. */
    public static final String NEWEST = "newest";

    /** An evaluation older than this many intervals is stale: the monitor may have stopped judging. */
    static final int STALE_INTERVALS = 3;

    /**
     * @param revision a pod-template-hash, or {@link #NEWEST}
     */
    public static RevisionVerdict of(ModelMonitor monitor, String revision, Instant now) {
        ModelMonitorStatus status = monitor.getStatus() == null ? new ModelMonitorStatus() : monitor.getStatus();
        String judged = status.getJudgedTemplateHash();
        String asked = revision == null || revision.isBlank() || NEWEST.equals(revision) ? judged : revision;
        String phase = status.getPhase() == null ? null : status.getPhase().name();
        Builder b = new Builder(monitor, asked, status, phase);
        if (asked != null && status.getBreachedTemplateHashes() != null && status.getBreachedTemplateHashes().contains(asked)) {
            if (asked.equals(judged) && status.getPhase() == Phase.Breached) {
                // Still the one judged (a rollout tool in charge, rollbacks off): which objective, and the figures.
                return b.answer(FAILED, degradedMessage(status), true);
            }
            return b.answer(FAILED, "revision " + asked + " breached an objective with confidence"
                    + (status.getLastRollback() != null ? " and was rolled back" : ""), false);
        }
        if (status.getLastEvaluationTime() == null) {
            return b.answer(INCONCLUSIVE, "not evaluated yet", false);
        }
        if (judged == null) {
            return b.answer(INCONCLUSIVE, "the revision being judged is not known yet (its controller has not recorded it)",
                    false);
        }
        if (!judged.equals(asked)) {
            return b.answer(INCONCLUSIVE, "revision " + asked + " is not the one being judged; the newest is " + judged, false);
        }
        Duration interval = Durations.parse(monitor.getSpec().getEvaluation().getInterval());
        Instant evaluated = Instant.parse(status.getLastEvaluationTime());
        if (evaluated.plus(interval.multipliedBy(STALE_INTERVALS)).plusSeconds(5).isBefore(now)) {
            return b.answer(INCONCLUSIVE, "the last evaluation, at " + evaluated + ", is more than " + STALE_INTERVALS
                    + " intervals old", true);
        }
        Phase p = status.getPhase();
        if (p == Phase.Breached || p == Phase.RollingBack) {
            return b.answer(FAILED, degradedMessage(status), true);
        }
        if (p == Phase.Healthy) {
            return b.answer(SUCCESSFUL, "every enforced objective is Met", true);
        }
        return b.answer(INCONCLUSIVE, "phase " + p + ": " + undecided(status), true);
    }

    /** Flagger's webhook gates pass on 2xx only: 200 when the gate should pass, else why not. */
    public int gateStatus(boolean inconclusivePasses) {
        return switch (result) {
            case SUCCESSFUL -> 200;
            case FAILED -> 412;
            default -> inconclusivePasses ? 200 : 503;
        };
    }

    private static String degradedMessage(ModelMonitorStatus status) {
        return StatusConditions.find(status.getConditions(), StatusConditions.DEGRADED)
                .map(c -> c.getMessage()).orElse("an objective is breached with confidence");
    }

    private static String undecided(ModelMonitorStatus status) {
        if (status.getObjectives() == null) {
            return "no objective judged yet";
        }
        List<String> open = status.getObjectives().stream()
                .filter(o -> !Boolean.TRUE.equals(o.getDryRun()) && o.getState() != ObjectiveState.Met)
                .map(o -> o.getMetric() + " " + o.getState() + (o.getMessage() == null ? "" : " (" + o.getMessage() + ")"))
                .toList();
        return open.isEmpty() ? "waiting for the next evaluation" : String.join("; ", open);
    }

    private record Builder(ModelMonitor monitor, String asked, ModelMonitorStatus status, String phase) {

        RevisionVerdict answer(String result, String reason, boolean withFigures) {
            Long number = asked != null && asked.equals(status.getJudgedTemplateHash()) ? status.getTargetRevision() : null;
            if (number == null && asked != null && status.getRevisions() != null) {
                number = status.getRevisions().stream().filter(r -> asked.equals(r.getPodTemplateHash()))
                        .map(RevisionStatus::getRevision).filter(Objects::nonNull).findFirst().orElse(null);
            }
            return new RevisionVerdict("modelmonitor.io/v1alpha1", "Verdict", monitor.getMetadata().getNamespace(),
                    monitor.getMetadata().getName(), asked, number, result, phase, reason, status.getLastEvaluationTime(),
                    withFigures ? status.getObjectives() : null, status.getRevisions());
        }
    }
}

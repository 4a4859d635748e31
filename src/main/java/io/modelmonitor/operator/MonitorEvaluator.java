package io.modelmonitor.operator;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.EvaluationSpec;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.ModelTask;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.metrics.MonitorWindow;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.metrics.WindowMetrics;

/**
 * Reads a monitor's collectors, moves its window on and judges its objectives. The window lives in memory, per
 * monitor; the breach streaks live in status, so an operator restart loses at most one window of history and
 * never a streak.
 */
@ApplicationScoped
public class MonitorEvaluator {

    /** One evaluation's result, with what the status needs besides the judgements. */
    public record Outcome(WindowMetrics metrics, WindowCounts counts, Evaluation evaluation, int reporting, int readFailures,
            boolean hasData, String source, String sourceProblem, Instant revisionSince, Instant judgedFrom) {

        /** True while the revision's warm-up lasts: nothing it served is judged yet. */
        public boolean warmingUp(Instant now) {
            return now.isBefore(judgedFrom);
        }
    }

    /** When the operator first saw a monitor's current revision: the Prometheus path's window starts there. */
    private record RevisionSeen(String revision, long sinceMillis) {
    }

    private final CollectorEndpoints endpoints;
    private final SnapshotReader reader;
    private final OperatorMetrics metrics;
    private final PrometheusReader prometheus;
    private final Map<String, MonitorWindow> windows = new ConcurrentHashMap<>();
    private final Map<String, RevisionSeen> revisions = new ConcurrentHashMap<>();

    public MonitorEvaluator(CollectorEndpoints endpoints, SnapshotReader reader, OperatorMetrics metrics,
            PrometheusReader prometheus) {
        this.endpoints = endpoints;
        this.reader = reader;
        this.metrics = metrics;
        this.prometheus = prometheus;
    }

    public Outcome evaluate(ModelMonitor monitor, Workload target, String revision, Instant now) {
        RevisionSeen seen = revisions.compute(monitor.getMetadata().getUid(), (k, v) -> {
            if (v != null && java.util.Objects.equals(v.revision(), revision)) {
                return v;
            }
            // Another replica (or this one before a restart) may have seen this revision first: its status says when.
            long since = v == null ? recordedSince(monitor, revision, now) : now.toEpochMilli();
            return new RevisionSeen(revision, since);
        });
        return prometheus.applies(monitor) ? fromPrometheus(monitor, target, seen, now)
                : fromCollectors(monitor, target, revision, now, seen);
    }

    private static long recordedSince(ModelMonitor monitor, String revision, Instant now) {
        var status = monitor.getStatus();
        if (status == null || status.getTargetRevision() == null || status.getTargetRevisionSince() == null
                || !String.valueOf(status.getTargetRevision()).equals(revision)) {
            return now.toEpochMilli();
        }
        try {
            return Math.min(now.toEpochMilli(), Instant.parse(status.getTargetRevisionSince()).toEpochMilli());
        } catch (java.time.format.DateTimeParseException e) {
            return now.toEpochMilli();
        }
    }

    /**
     * The same judgement from Prometheus: the window is the last {@code evaluation.window}, cut at the moment the
     * current revision was first seen, so a new revision is again judged on its own traffic.
     */
    private Outcome fromPrometheus(ModelMonitor monitor, Workload target, RevisionSeen seen, Instant now) {
        EvaluationSpec spec = monitor.getSpec().getEvaluation();
        long windowMillis = Durations.parse(spec.getWindow()).toMillis();
        long intervalMillis = Durations.parse(spec.getInterval()).toMillis();
        long judgeFrom = judgedFrom(spec, seen);
        boolean restarted = seen.sinceMillis() == now.toEpochMilli();
        long rangeMillis = Math.min(windowMillis, Math.max(intervalMillis, now.toEpochMilli() - judgeFrom));
        if (now.toEpochMilli() < judgeFrom) {
            // Warming up: nothing of this revision is judged yet.
            WindowCounts none = WindowCounts.empty();
            WindowMetrics m = WindowMetrics.compute(none, settings(monitor), 0, baseline(monitor.getStatus()));
            Evaluation evaluation = Evaluation.of(objectives(monitor), m, rules(spec), Map.of());
            metrics.evaluated(monitor, evaluation, 0);
            return new Outcome(m, none, evaluation, 0, 0, false, "prometheus", null,
                    Instant.ofEpochMilli(seen.sinceMillis()), Instant.ofEpochMilli(judgeFrom));
        }
        PrometheusReader.Result result = prometheus.read(monitor, target == null ? null : target.podNamePattern(),
                now.toEpochMilli() - rangeMillis, now.toEpochMilli());
        WindowMetrics m = WindowMetrics.compute(result.counts(), settings(monitor), rangeMillis / 1000.0,
                baseline(monitor.getStatus()));
        Evaluation evaluation = Evaluation.of(objectives(monitor), m, rules(spec),
                restarted ? Map.of() : streaks(monitor.getStatus()));
        metrics.evaluated(monitor, evaluation, result.problem() == null ? 0 : 1);
        return new Outcome(m, result.counts(), evaluation, result.collectors(), result.problem() == null ? 0 : 1,
                result.counts().requests() > 0, "prometheus", result.problem(), Instant.ofEpochMilli(seen.sinceMillis()),
                Instant.ofEpochMilli(judgeFrom));
    }

    /** Where a revision's judged traffic begins: when it was first seen rolled out, plus evaluation.warmup. */
    private static long judgedFrom(EvaluationSpec spec, RevisionSeen seen) {
        long warmup = spec.getWarmup() == null ? 0 : Durations.parseAllowingZero(spec.getWarmup()).toMillis();
        return seen.sinceMillis() + warmup;
    }

    private static WindowMetrics.Settings settings(ModelMonitor monitor) {
        ModelTask task = monitor.getSpec().getModel().getTask();
        EvaluationSpec spec = monitor.getSpec().getEvaluation();
        return new WindowMetrics.Settings(task.isClassification(), task == ModelTask.BINARY_CLASSIFICATION,
                monitor.getSpec().getModel().getPositiveLabel(), spec.getConfidence(), spec.getMinSamples(),
                monitor.getSpec().getModel().getSegment() == null ? null : monitor.getSpec().getModel().getSegment().getReference());
    }

    private static Evaluation.Rules rules(EvaluationSpec spec) {
        return new Evaluation.Rules(spec.getMinSamples(), spec.getConfidence(), spec.getConsecutiveBreaches());
    }

    private Outcome fromCollectors(ModelMonitor monitor, Workload target, String revision, Instant now, RevisionSeen seen) {
        EvaluationSpec spec = monitor.getSpec().getEvaluation();
        long windowMillis = Durations.parse(spec.getWindow()).toMillis();
        List<CollectorEndpoints.Endpoint> found = endpoints.endpoints(monitor, target);
        SnapshotReader.Reads reads = reader.read(found);
        MonitorWindow window = windows.computeIfAbsent(monitor.getMetadata().getUid(), k -> new MonitorWindow(windowMillis));
        Set<String> known = found.stream().map(CollectorEndpoints.Endpoint::name).collect(Collectors.toSet());
        long judgeFrom = judgedFrom(spec, seen);
        boolean restarted = window.advance(reads.snapshots(), known, now.toEpochMilli(), revision, windowMillis, judgeFrom);
        WindowCounts counts = window.counts();
        WindowMetrics m = WindowMetrics.compute(counts, settings(monitor), window.coveredSeconds(now.toEpochMilli()),
                baseline(monitor.getStatus()));
        Evaluation evaluation = Evaluation.of(objectives(monitor), m, rules(spec),
                restarted ? Map.of() : streaks(monitor.getStatus()));
        metrics.evaluated(monitor, evaluation, reads.failures());
        return new Outcome(m, counts, evaluation, reads.snapshots().size(), reads.failures(), window.hasData(), "collectors",
                found.isEmpty() ? null : reads.snapshots().isEmpty() ? "no collector could be read" : null,
                Instant.ofEpochMilli(seen.sinceMillis()), Instant.ofEpochMilli(judgeFrom));
    }

    static List<Objective> objectives(ModelMonitor monitor) {
        return monitor.getSpec().getObjectives().stream()
                .map(o -> new Objective(o.getMetric(), o.getMin(), o.getMax(), !Boolean.FALSE.equals(o.getEnforce())))
                .toList();
    }

    private static Map<String, Integer> streaks(ModelMonitorStatus status) {
        Map<String, Integer> streaks = new HashMap<>();
        if (status != null && status.getObjectives() != null) {
            for (ObjectiveStatus o : status.getObjectives()) {
                if (o.getConsecutiveBreaches() != null) {
                    streaks.put(Objective.key(o.getMetric(), o.getMin() != null), o.getConsecutiveBreaches());
                }
            }
        }
        return streaks;
    }

    private static Map<String, Long> baseline(ModelMonitorStatus status) {
        return status == null || status.getDriftBaseline() == null ? null : status.getDriftBaseline().getPredictions();
    }

    public void forget(ModelMonitor monitor) {
        windows.remove(monitor.getMetadata().getUid());
        revisions.remove(monitor.getMetadata().getUid());
        metrics.forget(monitor);
    }
}

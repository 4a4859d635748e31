package io.modelmonitor.operator;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.apps.Deployment;
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
            boolean hasData) {
    }

    private final CollectorEndpoints endpoints;
    private final SnapshotReader reader;
    private final OperatorMetrics metrics;
    private final Map<String, MonitorWindow> windows = new ConcurrentHashMap<>();

    public MonitorEvaluator(CollectorEndpoints endpoints, SnapshotReader reader, OperatorMetrics metrics) {
        this.endpoints = endpoints;
        this.reader = reader;
        this.metrics = metrics;
    }

    public Outcome evaluate(ModelMonitor monitor, Deployment target, String revision, Instant now) {
        EvaluationSpec spec = monitor.getSpec().getEvaluation();
        long windowMillis = Durations.parse(spec.getWindow()).toMillis();
        List<CollectorEndpoints.Endpoint> found = endpoints.endpoints(monitor, target);
        SnapshotReader.Reads reads = reader.read(found);
        MonitorWindow window = windows.computeIfAbsent(monitor.getMetadata().getUid(), k -> new MonitorWindow(windowMillis));
        Set<String> known = found.stream().map(CollectorEndpoints.Endpoint::name).collect(Collectors.toSet());
        boolean restarted = window.advance(reads.snapshots(), known, now.toEpochMilli(), revision, windowMillis);
        WindowCounts counts = window.counts();
        ModelTask task = monitor.getSpec().getModel().getTask();
        WindowMetrics.Settings settings = new WindowMetrics.Settings(task.isClassification(),
                task == ModelTask.BINARY_CLASSIFICATION, monitor.getSpec().getModel().getPositiveLabel(),
                spec.getConfidence(), spec.getMinSamples());
        WindowMetrics m = WindowMetrics.compute(counts, settings, window.coveredSeconds(now.toEpochMilli()),
                baseline(monitor.getStatus()));
        Evaluation evaluation = Evaluation.of(objectives(monitor),
                m, new Evaluation.Rules(spec.getMinSamples(), spec.getConfidence(), spec.getConsecutiveBreaches()),
                restarted ? Map.of() : streaks(monitor.getStatus()));
        metrics.evaluated(monitor, evaluation, reads.failures());
        return new Outcome(m, counts, evaluation, reads.snapshots().size(), reads.failures(), window.hasData());
    }

    static List<Objective> objectives(ModelMonitor monitor) {
        return monitor.getSpec().getObjectives().stream().map(o -> new Objective(o.getMetric(), o.getMin(), o.getMax()))
                .toList();
    }

    private static Map<String, Integer> streaks(ModelMonitorStatus status) {
        Map<String, Integer> streaks = new HashMap<>();
        if (status != null && status.getObjectives() != null) {
            for (ObjectiveStatus o : status.getObjectives()) {
                if (o.getConsecutiveBreaches() != null) {
                    streaks.put(Evaluation.key(new Objective(o.getMetric(), o.getMin(), o.getMax())), o.getConsecutiveBreaches());
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
        metrics.forget(monitor);
    }
}

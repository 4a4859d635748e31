package io.modelmonitor.operator.source;

import java.util.List;

import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.operator.target.Target;

/**
 * Where a monitor's figures come from: every collector read directly, or Prometheus. A source reads the window of
 * the judged revision (and, where it can tell revisions apart, each serving revision's); judging them is not its
 * business. Add a source here and pick it in {@code MonitorEvaluator}.
 */
public interface MetricsSource {

    /** The window the judged revision's figures come from, as this source read it. */
    record Reading(String source, WindowCounts counts, double coveredSeconds, int reporting, int readFailures,
            boolean hasData, String problem, String judgedHash, boolean restarted, List<RevisionReading> revisions) {
    }

    /** One revision serving now, with its own window (a canary's stable, a rolling update's old side). */
    record RevisionReading(String templateHash, Long revision, int pods, WindowCounts counts, double coveredSeconds) {
    }

    /** What the window is asked for: the revision judged now, since when its traffic counts, and when it was first seen. */
    record Request(ModelMonitor monitor, Target target, String revision, long nowMillis, long judgeFromMillis,
            long revisionSinceMillis) {
    }

    /** Whether this source serves the monitor (its spec.metricsSource, or the operator's default). */
    boolean serves(ModelMonitor monitor);

    Reading read(Request request);

    /** Forgets a deleted monitor's windows. */
    void forget(ModelMonitor monitor);
}

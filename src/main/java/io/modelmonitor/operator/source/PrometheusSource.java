package io.modelmonitor.operator.source;

import java.util.List;

import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.EvaluationSpec;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.operator.target.Target;

/**
 * The same figures from Prometheus, for large fleets: the window is the last {@code evaluation.window}, cut at the
 * moment the current revision was first seen (plus its warm-up), so a new revision is again judged on its own
 * traffic. Its series are not split by revision here: comparisons judge against the recorded baseline.
 */
public final class PrometheusSource implements MetricsSource {

    private final PrometheusReader prometheus;

    public PrometheusSource(PrometheusReader prometheus) {
        this.prometheus = prometheus;
    }

    @Override
    public boolean serves(ModelMonitor monitor) {
        return prometheus.applies(monitor);
    }

    @Override
    public Reading read(Request request) {
        ModelMonitor monitor = request.monitor();
        Target target = request.target();
        EvaluationSpec spec = monitor.getSpec().getEvaluation();
        long windowMillis = Durations.parse(spec.getWindow()).toMillis();
        long intervalMillis = Durations.parse(spec.getInterval()).toMillis();
        long now = request.nowMillis();
        long rangeMillis = Math.min(windowMillis, Math.max(intervalMillis, now - request.judgeFromMillis()));
        PrometheusReader.Result result = prometheus.read(monitor, target == null ? null : target.podNamePattern(),
                now - rangeMillis, now);
        String judgedHash = target == null ? null : target.currentRevisionHash().orElse(null);
        return new Reading("prometheus", result.counts(), rangeMillis / 1000.0, result.collectors(),
                result.problem() == null ? 0 : 1, result.counts().requests() > 0, result.problem(), judgedHash,
                request.revisionSinceMillis() == now, List.of());
    }

    @Override
    public void forget(ModelMonitor monitor) {
        // Nothing kept: every evaluation asks Prometheus for the whole window.
    }
}

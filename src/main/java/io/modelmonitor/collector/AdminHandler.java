package io.modelmonitor.collector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.modelmonitor.metrics.CollectorSnapshot;
import io.modelmonitor.metrics.LatencyHistogram;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/** The admin port: Prometheus metrics, the snapshot the operator reads, health, and forwarded feedback. */
final class AdminHandler implements Handler<HttpServerRequest> {

    static final String SNAPSHOT_PATH = "/modelmonitor/v1/snapshot";

    private final CollectorConfig config;
    private final CollectorStats stats;
    private final PendingPredictions pending;
    private final PredictionIds ids;
    private final FeedbackHandler feedback;
    private volatile boolean draining;

    AdminHandler(CollectorConfig config, CollectorStats stats, PendingPredictions pending, PredictionIds ids,
            FeedbackHandler feedback) {
        this.config = config;
        this.stats = stats;
        this.pending = pending;
        this.ids = ids;
        this.feedback = feedback;
    }

    /** Shutting down: /readyz says so, so that the pod leaves its Services' endpoints. */
    void startDraining() {
        draining = true;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String path = request.path();
        if (request.method() == HttpMethod.POST && FeedbackHandler.FORWARDED_PATH.equals(path)) {
            feedback.handleForwarded(request);
            return;
        }
        if (request.method() != HttpMethod.GET) {
            request.response().setStatusCode(405).end();
            return;
        }
        switch (path) {
            case "/healthz" -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("ok\n");
            case "/readyz" -> request.response().setStatusCode(draining ? 503 : 200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(draining ? "draining\n" : "ok\n");
            case "/metrics" -> request.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                    .end(PrometheusText.render(snapshot()));
            case SNAPSHOT_PATH -> {
                try {
                    request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end(PredictionReader.JSON.writeValueAsString(snapshot()));
                } catch (JsonProcessingException e) {
                    request.response().setStatusCode(500).end();
                }
            }
            default -> request.response().setStatusCode(404).end();
        }
    }

    CollectorSnapshot snapshot() {
        pending.expireUpTo(System.currentTimeMillis());
        Map<String, Long> requests = new LinkedHashMap<>();
        for (CollectorStats.Outcome o : CollectorStats.Outcome.values()) {
            requests.put(o.label, stats.requests.get(o.ordinal()));
        }
        Map<String, Long> unparsed = new LinkedHashMap<>();
        for (CollectorStats.Unparsed u : CollectorStats.Unparsed.values()) {
            unparsed.put(u.label, stats.unparsed.get(u.ordinal()));
        }
        Map<String, Long> feedbackCounts = new LinkedHashMap<>();
        for (CollectorStats.Feedback f : CollectorStats.Feedback.values()) {
            feedbackCounts.put(f.label, stats.feedback.get(f.ordinal()));
        }
        feedbackCounts.put("forwarded", stats.forwarded.sum());
        int classes = stats.classes.capacity();
        Map<String, Map<String, Long>> predictions = new LinkedHashMap<>();
        List<CollectorSnapshot.LabelCount> labels = new ArrayList<>();
        for (int s = 0; s < stats.segments.capacity(); s++) {
            String segment = stats.segments.nameOf(s);
            if (segment == null) {
                continue;
            }
            for (int p = 0; p < classes; p++) {
                long n = stats.predictions.get(s * classes + p);
                if (n > 0) {
                    predictions.computeIfAbsent(segment, k -> new LinkedHashMap<>())
                            .put(config.classification() ? stats.classes.nameOf(p) : "value", n);
                }
                for (int a = 0; a < classes; a++) {
                    long count = stats.labels.get((s * classes + p) * classes + a);
                    if (count > 0) {
                        labels.add(new CollectorSnapshot.LabelCount(segment, stats.classes.nameOf(p),
                                stats.classes.nameOf(a), count));
                    }
                }
            }
        }
        return new CollectorSnapshot(config.podIp() + ":" + config.adminPort(), ids.instance(), stats.startMillis,
                System.currentTimeMillis(), config.task().wireName(), requests, stats.latency.counts(),
                stats.latency.sumMillis(), unparsed, predictions, labels,
                new CollectorSnapshot.Regression(stats.regressionLabels.sum(), stats.absoluteError.sum(),
                        stats.squaredError.sum()),
                feedbackCounts, pending.size(), pending.evictedByTtl(), pending.evictedByCapacity());
    }

    /** Prometheus text exposition format 0.0.4 of a snapshot; the metric names are a stable user API. */
    static final class PrometheusText {

        private PrometheusText() {
        }

        static String render(CollectorSnapshot s) {
            StringBuilder out = new StringBuilder(4096);
            header(out, "modelmonitor_requests_total", "counter", "Requests proxied to the model, by status class; "
                    + "unreachable: the model did not answer (the client got 502).");
            s.requests().forEach((k, v) -> sample(out, "modelmonitor_requests_total", v, "code_class", k));
            header(out, "modelmonitor_request_duration_seconds", "histogram",
                    "Request latency through the collector, first byte in to last byte out.");
            long cumulative = 0;
            long[] buckets = s.latencyBuckets();
            for (int i = 0; i < buckets.length; i++) {
                cumulative += buckets[i];
                String le = i < LatencyHistogram.BOUNDS_MS.length ? seconds(LatencyHistogram.BOUNDS_MS[i]) : "+Inf";
                sample(out, "modelmonitor_request_duration_seconds_bucket", cumulative, "le", le);
            }
            out.append("modelmonitor_request_duration_seconds_sum ").append(s.latencySumMs() / 1000.0).append('\n');
            out.append("modelmonitor_request_duration_seconds_count ").append(cumulative).append('\n');
            header(out, "modelmonitor_predictions_total", "counter", "Predictions read from responses, by class and segment.");
            s.predictions().forEach((segment, byClass) -> byClass.forEach((cls, n) ->
                    sample(out, "modelmonitor_predictions_total", n, "class", cls, "segment", segment)));
            header(out, "modelmonitor_labels_total", "counter",
                    "Predictions joined with a ground-truth label: the confusion matrix per segment.");
            s.labels().forEach(l -> sample(out, "modelmonitor_labels_total", l.count(), "predicted", l.predicted(),
                    "actual", l.actual(), "segment", l.segment()));
            header(out, "modelmonitor_regression_labels_total", "counter", "Regression predictions joined with a label.");
            out.append("modelmonitor_regression_labels_total ").append(s.regression().labels()).append('\n');
            header(out, "modelmonitor_regression_absolute_error_sum", "counter", "Sum of |prediction - label|.");
            out.append("modelmonitor_regression_absolute_error_sum ").append(s.regression().absoluteErrorSum()).append('\n');
            header(out, "modelmonitor_regression_squared_error_sum", "counter", "Sum of (prediction - label)^2.");
            out.append("modelmonitor_regression_squared_error_sum ").append(s.regression().squaredErrorSum()).append('\n');
            header(out, "modelmonitor_feedback_total", "counter",
                    "Labels received: matched to a prediction, unmatched (unknown, expired or evicted id), rejected "
                            + "(malformed), forwarded (sent on to the replica that issued the id).");
            s.feedback().forEach((k, v) -> sample(out, "modelmonitor_feedback_total", v, "result", k));
            header(out, "modelmonitor_pending_labels", "gauge", "Predictions waiting for their label.");
            out.append("modelmonitor_pending_labels ").append(s.pendingLabels()).append('\n');
            header(out, "modelmonitor_pending_evictions_total", "counter",
                    "Predictions dropped before their label came: ttl (MM_LABEL_TTL) or capacity (MM_MAX_PENDING_LABELS).");
            sample(out, "modelmonitor_pending_evictions_total", s.evictedByTtl(), "reason", "ttl");
            sample(out, "modelmonitor_pending_evictions_total", s.evictedByCapacity(), "reason", "capacity");
            header(out, "modelmonitor_unparsed_responses_total", "counter",
                    "Responses passed through without a readable prediction, by reason.");
            s.unparsed().forEach((k, v) -> sample(out, "modelmonitor_unparsed_responses_total", v, "reason", k));
            header(out, "modelmonitor_collector_start_time_seconds", "gauge", "When this collector started.");
            out.append("modelmonitor_collector_start_time_seconds ").append(s.startTimeMillis() / 1000.0).append('\n');
            return out.toString();
        }

        private static String seconds(double ms) {
            return Double.toString(ms / 1000.0);
        }

        private static void header(StringBuilder out, String name, String type, String help) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }

        private static void sample(StringBuilder out, String name, long value, String... labels) {
            out.append(name).append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append("} ").append(value).append('\n');
        }

        private static String escape(String value) {
            return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }
    }
}

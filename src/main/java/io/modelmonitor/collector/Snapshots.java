package io.modelmonitor.collector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.modelmonitor.metrics.CollectorSnapshot;
import io.modelmonitor.metrics.GenerationSnapshot;
import io.modelmonitor.metrics.InputsSnapshot;
import io.modelmonitor.metrics.LatencyHistogram;

/**
 * The collector's numbers for its two readers: the snapshot the operator reads (the contract in
 * {@link CollectorSnapshot}) and the Prometheus text exposition, whose metric names are a stable user API. Every
 * labelled series is bounded by the class and segment caps: at most classes x segments predictions, classes^2
 * labels and segments x 4 segment labels, a few thousand at the defaults whatever the traffic.
 */
final class Snapshots {

    private Snapshots() {
    }

    /** @param cursor the reader's last merged sketch epoch (see {@link InputStats#snapshot(String)}), or null */
    static CollectorSnapshot snapshot(CollectorConfig config, CollectorStats stats, PendingPredictions pending,
            PredictionIds ids, InputStats inputs, GenerationStats generation, String cursor) {
        pending.expireUpTo(System.currentTimeMillis());
        Map<String, Long> requests = new LinkedHashMap<>();
        for (CollectorStats.Outcome o : CollectorStats.Outcome.values()) {
            requests.put(o.label, stats.requests.get(o.ordinal()));
        }
        Map<String, Long> unparsed = new LinkedHashMap<>();
        for (CollectorStats.Unparsed u : CollectorStats.Unparsed.values()) {
            unparsed.put(u.label, stats.unparsed.get(u.ordinal()));
        }
        Map<String, Long> feedback = new LinkedHashMap<>();
        for (CollectorStats.Feedback f : CollectorStats.Feedback.values()) {
            feedback.put(f.label, stats.feedback.get(f.ordinal()));
        }
        feedback.put("forwarded", stats.forwarded.sum());
        int classes = stats.classes.capacity();
        Map<String, Map<String, Long>> predictions = new LinkedHashMap<>();
        List<CollectorSnapshot.SegmentLabelCount> segmentLabels = new ArrayList<>();
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
            }
            for (int o = 0; o < stats.outcomes.length; o++) {
                long n = stats.segmentLabels.get(s * stats.outcomes.length + o);
                if (n > 0) {
                    segmentLabels.add(new CollectorSnapshot.SegmentLabelCount(segment, stats.outcomes[o], n));
                }
            }
        }
        List<CollectorSnapshot.LabelCount> labels = new ArrayList<>();
        for (int p = 0; p < classes; p++) {
            for (int a = 0; a < classes; a++) {
                long n = stats.labels.get(p * classes + a);
                if (n > 0) {
                    labels.add(new CollectorSnapshot.LabelCount(stats.classes.nameOf(p), stats.classes.nameOf(a), n));
                }
            }
        }
        return new CollectorSnapshot(config.podIp() + ":" + config.adminPort(), ids.instance(), stats.startMillis,
                System.currentTimeMillis(), config.task().wireName(), requests, stats.latency.counts(),
                stats.latency.sumMillis(), unparsed, predictions, labels, segmentLabels,
                new CollectorSnapshot.Regression(stats.regressionLabels.sum(), stats.absoluteError.sum(),
                        stats.squaredError.sum()),
                feedback, pending.size(), pending.evictedByTtl(), pending.evictedByCapacity(),
                inputs == null ? null : inputs.snapshot(cursor), stats.scoreCounts(),
                generation == null ? null : generation.snapshot());
    }

    /** Prometheus text exposition format 0.0.4. */
    static String prometheus(CollectorSnapshot s, CollectorStats stats) {
        StringBuilder out = new StringBuilder(8192);
        header(out, "modelmonitor_requests_total", "counter", "Requests proxied to the model, by status class (gRPC "
                + "statuses mapped to 2xx/4xx/5xx); unreachable: the model did not answer (the client got 502).");
        s.requests().forEach((k, v) -> sample(out, "modelmonitor_requests_total", v, "code_class", k));
        histogram(out, "modelmonitor_request_duration_seconds",
                "Request latency through the collector, first byte in to last byte out.", s.latencyBuckets(), s.latencySumMs());
        histogram(out, "modelmonitor_upstream_wait_seconds",
                "Time a request waited for a connection to the model (connection set-up; there is no pool to queue in).",
                stats.upstreamWait.counts(), stats.upstreamWait.sumMillis());
        header(out, "modelmonitor_predictions_total", "counter", "Predictions read from responses, by class and segment.");
        s.predictions().forEach((segment, byClass) -> byClass.forEach((cls, n) ->
                sample(out, "modelmonitor_predictions_total", n, "class", cls, "segment", segment)));
        header(out, "modelmonitor_labels_total", "counter",
                "Predictions joined with a ground-truth label: the confusion matrix, all segments together.");
        s.labels().forEach(l -> sample(out, "modelmonitor_labels_total", l.count(), "predicted", l.predicted(),
                "actual", l.actual()));
        header(out, "modelmonitor_segment_labels_total", "counter", "Labeled predictions per segment by outcome: tp, fp, "
                + "fn, tn of the positive label (binary) or correct, incorrect (multiclass).");
        s.segmentLabels().forEach(l -> sample(out, "modelmonitor_segment_labels_total", l.count(), "segment", l.segment(),
                "outcome", l.outcome()));
        header(out, "modelmonitor_regression_labels_total", "counter", "Regression predictions joined with a label.");
        out.append("modelmonitor_regression_labels_total ").append(s.regression().labels()).append('\n');
        header(out, "modelmonitor_regression_absolute_error_sum", "counter", "Sum of |prediction - label|.");
        out.append("modelmonitor_regression_absolute_error_sum ").append(s.regression().absoluteErrorSum()).append('\n');
        header(out, "modelmonitor_regression_squared_error_sum", "counter", "Sum of (prediction - label)^2.");
        out.append("modelmonitor_regression_squared_error_sum ").append(s.regression().squaredErrorSum()).append('\n');
        header(out, "modelmonitor_feedback_total", "counter",
                "Labels received: matched to a prediction, unmatched (unknown, expired or evicted id), rejected "
                        + "(malformed, or an id whose signature does not verify), forwarded (sent on to the replica that "
                        + "issued the id).");
        s.feedback().forEach((k, v) -> sample(out, "modelmonitor_feedback_total", v, "result", k));
        header(out, "modelmonitor_pending_labels", "gauge", "Predictions waiting for their label.");
        out.append("modelmonitor_pending_labels ").append(s.pendingLabels()).append('\n');
        header(out, "modelmonitor_pending_evictions_total", "counter",
                "Predictions dropped before their label came: ttl (MM_LABEL_TTL) or capacity (MM_MAX_PENDING_LABELS).");
        sample(out, "modelmonitor_pending_evictions_total", s.evictedByTtl(), "reason", "ttl");
        sample(out, "modelmonitor_pending_evictions_total", s.evictedByCapacity(), "reason", "capacity");
        header(out, "modelmonitor_unparsed_responses_total", "counter",
                "Responses passed through without a readable prediction, by reason; streamed: read after streaming "
                        + "through, counted, but without ids.");
        s.unparsed().forEach((k, v) -> sample(out, "modelmonitor_unparsed_responses_total", v, "reason", k));
        if (s.inputs() != null) {
            InputsSnapshot in = s.inputs();
            header(out, "modelmonitor_input_requests_total", "counter", "Requests read for input features: read, or "
                    + "schema_violation (not JSON, no instances, a row of the wrong shape; passed through untouched).");
            sample(out, "modelmonitor_input_requests_total", in.requests() - in.schemaViolations(), "result", "read");
            sample(out, "modelmonitor_input_requests_total", in.schemaViolations(), "result", "schema_violation");
            header(out, "modelmonitor_input_rows_total", "counter", "Instances read from requests (one per row of a batch).");
            out.append("modelmonitor_input_rows_total ").append(in.rows()).append('\n');
            header(out, "modelmonitor_feature_values_total", "counter", "Rows by what each declared feature held: a value, "
                    + "missing (absent or null) or wrong_type. Bounded by spec.model.features (at most 64 x 3 series).");
            for (InputsSnapshot.FeatureCounts f : in.features()) {
                sample(out, "modelmonitor_feature_values_total", f.values(), "feature", f.name(), "type", f.type(),
                        "kind", "value");
                sample(out, "modelmonitor_feature_values_total", f.missing(), "feature", f.name(), "type", f.type(),
                        "kind", "missing");
                sample(out, "modelmonitor_feature_values_total", f.wrongType(), "feature", f.name(), "type", f.type(),
                        "kind", "wrong_type");
            }
        }
        if (s.generation() != null) {
            generation(out, s.generation());
        }
        header(out, "modelmonitor_connections_open", "gauge", "Client connections open on the data port.");
        out.append("modelmonitor_connections_open ").append(stats.openConnections.get()).append('\n');
        header(out, "modelmonitor_connections_limit", "gauge", "The most client connections open at once: "
                + "MM_MAX_CONNECTIONS, or fewer when the heap holds fewer.");
        out.append("modelmonitor_connections_limit ").append(stats.connectionLimit).append('\n');
        header(out, "modelmonitor_connections_closed_total", "counter", "Client connections the collector closed itself: "
                + "header_timeout, body_timeout, idle_timeout, evicted (room for active clients), rejected (every slot "
                + "busy), drained (shutting down), bad_request, shed (the oldest unfinished heads, when all of them held "
                + "the heads' budget), stalled (a client that stopped reading its answer).");
        for (CollectorStats.Closed c : CollectorStats.Closed.values()) {
            sample(out, "modelmonitor_connections_closed_total", stats.closed.get(c.ordinal()), "reason", c.label);
        }
        header(out, "modelmonitor_streams_reset_total", "counter", "HTTP/2 streams the collector reset itself: "
                + "body_timeout (the request stopped arriving), refused (the model's connection could not take it).");
        for (CollectorStats.StreamReset r : CollectorStats.StreamReset.values()) {
            sample(out, "modelmonitor_streams_reset_total", stats.streamResets.get(r.ordinal()), "reason", r.label);
        }
        MemoryBudget[] budgets = {stats.headBudget, stats.bodyBudget};
        header(out, "modelmonitor_buffered_bytes", "gauge", "Bytes held across all connections: unfinished request "
                + "heads, and bodies copied or held for predictions and feedback.");
        for (MemoryBudget b : budgets) {
            sample(out, "modelmonitor_buffered_bytes", b.used(), "kind", b.name());
        }
        header(out, "modelmonitor_buffer_limit_bytes", "gauge", "The budget of each kind of buffered bytes, from the heap.");
        for (MemoryBudget b : budgets) {
            sample(out, "modelmonitor_buffer_limit_bytes", b.limit(), "kind", b.name());
        }
        header(out, "modelmonitor_buffer_refusals_total", "counter", "Times the bodies' budget was full: a body passed "
                + "through unread, or feedback answered 503 (full heads are shed: connections_closed_total{reason=\"shed\"}).");
        sample(out, "modelmonitor_buffer_refusals_total", stats.bodyBudget.refused(), "kind", stats.bodyBudget.name());
        header(out, "modelmonitor_tunnels_total", "counter", "Connections upgraded and tunnelled to the model.");
        sample(out, "modelmonitor_tunnels_total", stats.websocketTunnels.sum(), "protocol", "websocket");
        header(out, "modelmonitor_grpc_calls_total", "counter", "gRPC calls proxied over HTTP/2 (also in requests_total).");
        out.append("modelmonitor_grpc_calls_total ").append(stats.grpcCalls.sum()).append('\n');
        header(out, "modelmonitor_collector_start_time_seconds", "gauge", "When this collector started.");
        out.append("modelmonitor_collector_start_time_seconds ").append(s.startTimeMillis() / 1000.0).append('\n');
        return out.toString();
    }

    /** A generative model's series: bounded by fixed enums and the segment cap. */
    private static void generation(StringBuilder out, GenerationSnapshot g) {
        header(out, "modelmonitor_generation_requests_total", "counter", "Generation requests answered (openai or "
                + "oip-generate), streamed (server-sent events) or not.");
        sample(out, "modelmonitor_generation_requests_total", g.streamed(), "streamed", "true");
        sample(out, "modelmonitor_generation_requests_total", g.requests() - g.streamed(), "streamed", "false");
        histogram(out, "modelmonitor_time_to_first_token_seconds", "Time from a streamed request's head to the first "
                + "event carrying output.", g.ttftBuckets(), Double.NaN);
        histogram(out, "modelmonitor_inter_token_latency_seconds", "Time between consecutive events carrying output, as "
                + "the client received them.", g.interTokenBuckets(), Double.NaN);
        histogram(out, "modelmonitor_output_tokens_per_second", "Output tokens per second of each answered request (the "
                + "buckets are tokens per second, not seconds).", g.outputRateBuckets(), Double.NaN, 1.0);
        header(out, "modelmonitor_tokens_total", "counter", "Tokens of answered requests: prompt and completion (from "
                + "usage; completion counted one per output event where the answer gave no usage).");
        sample(out, "modelmonitor_tokens_total", g.promptTokens(), "kind", "prompt");
        sample(out, "modelmonitor_tokens_total", g.completionTokens(), "kind", "completion");
        header(out, "modelmonitor_finish_reasons_total", "counter", "Answers by finish reason (length: cut off by the "
                + "token limit; none: finished without one).");
        g.finishReasons().forEach((k, v) -> sample(out, "modelmonitor_finish_reasons_total", v, "reason", k));
        header(out, "modelmonitor_generation_errors_total", "counter", "Failed generation requests by class.");
        g.errors().forEach((k, v) -> sample(out, "modelmonitor_generation_errors_total", v, "class", k));
        header(out, "modelmonitor_generation_disconnects_total", "counter", "Answers the client left before the model "
                + "finished them.");
        out.append("modelmonitor_generation_disconnects_total ").append(g.disconnected()).append('\n');
        header(out, "modelmonitor_generation_unparsed_total", "counter", "Answers or events passed on unread, by reason.");
        g.unparsed().forEach((k, v) -> sample(out, "modelmonitor_generation_unparsed_total", v, "reason", k));
        header(out, "modelmonitor_answer_feedback_total", "counter", "Feedback on answers by segment: accepted, rejected, "
                + "scored.");
        for (GenerationSnapshot.Acceptance a : g.acceptance()) {
            sample(out, "modelmonitor_answer_feedback_total", a.accepted(), "segment", a.segment(), "result", "accepted");
            sample(out, "modelmonitor_answer_feedback_total", a.rejected(), "segment", a.segment(), "result", "rejected");
            sample(out, "modelmonitor_answer_feedback_total", a.scored(), "segment", a.segment(), "result", "scored");
        }
        header(out, "modelmonitor_answer_score_sum", "counter", "Sum of the feedback scores (in [0, 1]) by segment, and of "
                + "their squares (kind=squares): with the scored count, a mean and its interval.");
        for (GenerationSnapshot.Acceptance a : g.acceptance()) {
            out.append("modelmonitor_answer_score_sum{segment=\"").append(escape(a.segment())).append("\",kind=\"scores\"} ")
                    .append(a.scoreSum()).append('\n');
            out.append("modelmonitor_answer_score_sum{segment=\"").append(escape(a.segment())).append("\",kind=\"squares\"} ")
                    .append(a.scoreSquares()).append('\n');
        }
    }

    private static void histogram(StringBuilder out, String name, String help, long[] buckets, double sumMs) {
        histogram(out, name, help, buckets, sumMs, 1000.0);
    }

    /** {@code divisor}: 1000 for milliseconds shown as seconds, 1 for bounds that are not times. */
    private static void histogram(StringBuilder out, String name, String help, long[] buckets, double sumMs, double divisor) {
        header(out, name, "histogram", help);
        long cumulative = 0;
        for (int i = 0; i < buckets.length; i++) {
            cumulative += buckets[i];
            String le = i < LatencyHistogram.BOUNDS_MS.length ? Double.toString(LatencyHistogram.BOUNDS_MS[i] / divisor) : "+Inf";
            sample(out, name + "_bucket", cumulative, "le", le);
        }
        if (!Double.isNaN(sumMs)) {
            out.append(name).append("_sum ").append(sumMs / 1000.0).append('\n');
        }
        out.append(name).append("_count ").append(cumulative).append('\n');
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

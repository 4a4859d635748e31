package io.modelmonitor.collector;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import io.modelmonitor.metrics.LatencyHistogram;

/**
 * Everything the collector counts, as cumulative, lock-free counters: the operator and Prometheus both take
 * deltas, so nothing here is ever reset. Classes and segments are capped by {@link LabelTable}, which bounds
 * the size of every array at start-up.
 */
final class CollectorStats {

    enum Outcome {
        C1XX("1xx"), C2XX("2xx"), C3XX("3xx"), C4XX("4xx"), C5XX("5xx"), UNREACHABLE("unreachable");

        final String label;

        Outcome(String label) {
            this.label = label;
        }

        static Outcome of(int status) {
            return switch (status / 100) {
                case 1 -> C1XX;
                case 2 -> C2XX;
                case 3 -> C3XX;
                case 4 -> C4XX;
                default -> C5XX;
            };
        }
    }

    enum Unparsed {
        NOT_JSON("not_json"), TOO_LARGE("too_large"), NO_PREDICTION("no_prediction"), ERROR_STATUS("error_status");

        final String label;

        Unparsed(String label) {
            this.label = label;
        }
    }

    enum Feedback {
        MATCHED("matched"), UNMATCHED("unmatched"), REJECTED("rejected");

        final String label;

        Feedback(String label) {
            this.label = label;
        }
    }

    final long startMillis = System.currentTimeMillis();
    final LabelTable classes;
    final LabelTable segments;
    final AtomicLongArray requests = new AtomicLongArray(Outcome.values().length);
    final LatencyHistogram latency = new LatencyHistogram();
    final AtomicLongArray unparsed = new AtomicLongArray(Unparsed.values().length);
    final AtomicLongArray feedback = new AtomicLongArray(Feedback.values().length);
    final LongAdder forwarded = new LongAdder();
    /** [segment][class] predictions; for regression the class index is always 0. */
    final AtomicLongArray predictions;
    /** [segment][predicted][actual] labeled predictions. */
    final AtomicLongArray labels;
    final LongAdder regressionLabels = new LongAdder();
    final DoubleAdder absoluteError = new DoubleAdder();
    final DoubleAdder squaredError = new DoubleAdder();

    CollectorStats(int maxClasses, int maxSegments) {
        this.classes = new LabelTable(maxClasses);
        this.segments = new LabelTable(maxSegments);
        this.predictions = new AtomicLongArray(segments.capacity() * classes.capacity());
        this.labels = new AtomicLongArray(segments.capacity() * classes.capacity() * classes.capacity());
    }

    void request(Outcome outcome, long nanos) {
        requests.incrementAndGet(outcome.ordinal());
        latency.record(nanos);
    }

    void unparsed(Unparsed reason) {
        unparsed.incrementAndGet(reason.ordinal());
    }

    void prediction(int segment, int cls) {
        predictions.incrementAndGet(segment * classes.capacity() + cls);
    }

    void label(int segment, int predicted, int actual) {
        int n = classes.capacity();
        labels.incrementAndGet((segment * n + predicted) * n + actual);
        feedback.incrementAndGet(Feedback.MATCHED.ordinal());
    }

    void regressionLabel(double predicted, double actual) {
        double error = predicted - actual;
        absoluteError.add(Math.abs(error));
        squaredError.add(error * error);
        regressionLabels.increment();
        feedback.incrementAndGet(Feedback.MATCHED.ordinal());
    }

    void feedback(Feedback result) {
        feedback.incrementAndGet(result.ordinal());
    }
}

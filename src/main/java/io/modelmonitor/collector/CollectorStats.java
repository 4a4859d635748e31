package io.modelmonitor.collector;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import io.modelmonitor.metrics.LatencyHistogram;
import io.modelmonitor.metrics.ScoreCounts;

/**
 * Everything the collector counts, as cumulative, lock-free counters: the operator and Prometheus both take
 * deltas, so nothing here is ever reset. Classes and segments are capped by {@link LabelTable}, so every array
 * is sized at start-up, and so is the number of series a scrape can show: labels by (predicted, actual) over all
 * segments, and by (segment, outcome), never the three together.
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

        /**
         * The code class of a gRPC status, as gRPC's HTTP mapping and load balancers count them: OK is a success,
         * what the caller got wrong is a 4xx, what the server failed at (UNKNOWN, DEADLINE_EXCEEDED, INTERNAL,
         * UNAVAILABLE, DATA_LOSS, UNIMPLEMENTED, RESOURCE_EXHAUSTED) a 5xx.
         */
        static Outcome ofGrpc(int status) {
            return switch (status) {
                case 0 -> C2XX;
                case 2, 4, 8, 12, 13, 14, 15 -> C5XX;
                default -> C4XX;
            };
        }
    }

    enum Unparsed {
        NOT_JSON("not_json"), TOO_LARGE("too_large"), NO_PREDICTION("no_prediction"), ERROR_STATUS("error_status"),
        STREAMED("streamed"),
        /** Passed through unread: the bodies in flight together already held the collector's budget for bodies. */
        OVER_BUDGET("over_budget");

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

    /** Why the collector closed a client connection itself. */
    enum Closed {
        HEADER_TIMEOUT("header_timeout"), BODY_TIMEOUT("body_timeout"), IDLE_TIMEOUT("idle_timeout"),
        EVICTED("evicted"), REJECTED("rejected"), DRAINED("drained"), BAD_REQUEST("bad_request"),
        /** The oldest unfinished heads, closed because all unfinished heads together held the collector's budget. */
        SHED("shed"),
        /** A client that stopped reading its answer for MM_IDLE_TIMEOUT. */
        STALLED("stalled");

        final String label;

        Closed(String label) {
            this.label = label;
        }
    }

    /** Why the collector reset an HTTP/2 stream itself. */
    enum StreamReset {
        /** The client stopped sending the stream's request for MM_BODY_TIMEOUT. */
        BODY_TIMEOUT("body_timeout"),
        /** The model's connection could not take the stream. */
        REFUSED("refused");

        final String label;

        StreamReset(String label) {
            this.label = label;
        }
    }

    /** Per-segment outcome cells: tp, fp, fn, tn for a binary classifier; correct, incorrect for a multiclass one. */
    static final String[] BINARY_OUTCOMES = {"tp", "fp", "fn", "tn"};
    static final String[] MULTICLASS_OUTCOMES = {"correct", "incorrect"};

    final long startMillis = System.currentTimeMillis();
    final LabelTable classes;
    final LabelTable segments;
    final String[] outcomes;
    private final boolean binary;
    private final String positiveLabel;
    final AtomicLongArray requests = new AtomicLongArray(Outcome.values().length);
    final LatencyHistogram latency = new LatencyHistogram();
    /** Time from a request's head to a usable connection to the model: queueing, connection set-up. */
    final LatencyHistogram upstreamWait = new LatencyHistogram();
    final AtomicLongArray unparsed = new AtomicLongArray(Unparsed.values().length);
    final AtomicLongArray feedback = new AtomicLongArray(Feedback.values().length);
    final AtomicLongArray closed = new AtomicLongArray(Closed.values().length);
    final AtomicLongArray streamResets = new AtomicLongArray(StreamReset.values().length);
    final LongAdder forwarded = new LongAdder();
    final LongAdder websocketTunnels = new LongAdder();
    final LongAdder grpcCalls = new LongAdder();
    final AtomicLong openConnections = new AtomicLong();
    /** MM_MAX_CONNECTIONS, or fewer when the heap holds fewer. */
    volatile int connectionLimit;
    /** [segment][class] predictions; for regression the class index is always 0. */
    final AtomicLongArray predictions;
    /** [predicted][actual] labeled predictions, all segments together. */
    final AtomicLongArray labels;
    /** [segment][outcome] labeled predictions. */
    final AtomicLongArray segmentLabels;
    final LongAdder regressionLabels = new LongAdder();
    /** Bytes of unfinished request heads, and of bodies copied or held, across all connections. */
    final MemoryBudget headBudget;
    final MemoryBudget bodyBudget;
    /** [predicted positive?][score bin]: a binary classifier's scored predictions (see ScoreCounts). */
    final AtomicLongArray scores = new AtomicLongArray(2 * ScoreCounts.BINS);
    /** [labelled cell][score bin]: scored predictions joined with their label. */
    final AtomicLongArray labeledScores = new AtomicLongArray(4 * ScoreCounts.BINS);
    final DoubleAdder absoluteError = new DoubleAdder();
    final DoubleAdder squaredError = new DoubleAdder();

    CollectorStats(int maxClasses, int maxSegments, boolean binary, String positiveLabel, List<String> reservedSegments,
            boolean closedSegments, MemoryBudget headBudget, MemoryBudget bodyBudget) {
        this.classes = new LabelTable(maxClasses, LabelTable.MAX_CLASS_LENGTH, List.of(), false);
        this.segments = new LabelTable(maxSegments, LabelTable.MAX_SEGMENT_LENGTH, reservedSegments, closedSegments);
        this.headBudget = headBudget;
        this.bodyBudget = bodyBudget;
        this.binary = binary;
        this.positiveLabel = positiveLabel;
        this.outcomes = binary ? BINARY_OUTCOMES : MULTICLASS_OUTCOMES;
        this.predictions = new AtomicLongArray(segments.capacity() * classes.capacity());
        this.labels = new AtomicLongArray(classes.capacity() * classes.capacity());
        this.segmentLabels = new AtomicLongArray(segments.capacity() * outcomes.length);
    }

    void request(Outcome outcome, long nanos) {
        requests.incrementAndGet(outcome.ordinal());
        latency.record(nanos);
    }

    void unparsed(Unparsed reason) {
        unparsed.incrementAndGet(reason.ordinal());
    }

    void closed(Closed reason) {
        closed.incrementAndGet(reason.ordinal());
    }

    void prediction(int segment, int cls) {
        predictions.incrementAndGet(segment * classes.capacity() + cls);
    }

    void label(int segment, int predicted, int actual) {
        labels.incrementAndGet(predicted * classes.capacity() + actual);
        segmentLabels.incrementAndGet(segment * outcomes.length + outcome(predicted, actual));
        feedback.incrementAndGet(Feedback.MATCHED.ordinal());
    }

    private int outcome(int predicted, int actual) {
        if (!binary) {
            return predicted == actual ? 0 : 1;
        }
        boolean predictedPositive = positiveLabel.equals(classes.nameOf(predicted));
        boolean actualPositive = positiveLabel.equals(classes.nameOf(actual));
        if (predictedPositive) {
            return actualPositive ? 0 : 1;
        }
        return actualPositive ? 2 : 3;
    }

    /** A binary classifier's prediction of class {@code cls} with positive-class probability {@code score}. */
    void score(int cls, double score) {
        if (binary && !Double.isNaN(score)) {
            boolean positive = positiveLabel.equals(classes.nameOf(cls));
            scores.incrementAndGet((positive ? 0 : ScoreCounts.BINS) + ScoreCounts.bin(score));
        }
    }

    /** A scored prediction joined with its label (as {@link #label} counts it). */
    void labeledScore(int predicted, int actual, double score) {
        if (binary && !Double.isNaN(score)) {
            int cell = ScoreCounts.cell(positiveLabel.equals(classes.nameOf(predicted)),
                    positiveLabel.equals(classes.nameOf(actual)));
            labeledScores.incrementAndGet(cell * ScoreCounts.BINS + ScoreCounts.bin(score));
        }
    }

    /** The score counters as the snapshot carries them; null when no prediction had a score. */
    ScoreCounts scoreCounts() {
        ScoreCounts s = ScoreCounts.empty();
        long any = 0;
        for (int b = 0; b < ScoreCounts.BINS; b++) {
            s.predictedPositive()[b] = scores.get(b);
            s.predictedNegative()[b] = scores.get(ScoreCounts.BINS + b);
            any += s.predictedPositive()[b] + s.predictedNegative()[b];
        }
        for (int i = 0; i < 4 * ScoreCounts.BINS; i++) {
            s.labeled()[i] = labeledScores.get(i);
        }
        return any == 0 ? null : s;
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

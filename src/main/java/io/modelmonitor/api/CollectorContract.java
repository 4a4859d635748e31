package io.modelmonitor.api;

import java.util.Map;

/**
 * What the operator and the collector agree on, in one place: the collector's environment (names, defaults and
 * meaning; the table in src/docs/collector.md is checked against {@link Env}), its ports and its HTTP paths. The snapshot's JSON is
 * {@code io.modelmonitor.metrics.CollectorSnapshot}, written by the collector and read by the operator.
 */
public final class CollectorContract {

    /** The model's port in the pod, when {@code spec.target.port} does not say. */
    public static final int MODEL_PORT = 8080;
    /** The collector's data port: clients' traffic and labels. */
    public static final int DATA_PORT = 9090;
    /** The collector's admin port: metrics, snapshot, health, forwarded labels. */
    public static final int ADMIN_PORT = 9091;

    public static final String FEEDBACK_PATH = "/modelmonitor/v1/feedback";
    /** A label another collector forwarded here, on the admin port: the id is this collector's. */
    public static final String FORWARDED_FEEDBACK_PATH = FEEDBACK_PATH + "/forwarded";
    public static final String SNAPSHOT_PATH = "/modelmonitor/v1/snapshot";
    /**
     * The snapshot's query parameter naming the last sketch epoch the reader merged, as {@code <instance>:<seq>}
     * (or {@code -} before its first): the snapshot then carries the features' sketches of every closed epoch after
     * it, merged. Epochs close on the collector's own clock, so no reader can change what another one gets.
     */
    public static final String SNAPSHOT_SINCE = "since";
    public static final String METRICS_PATH = "/metrics";
    public static final String READY_PATH = "/readyz";
    public static final String HEALTH_PATH = "/healthz";
    /** The response header that carries prediction ids, comma-separated for a batch. */
    public static final String PREDICTION_ID_HEADER = "X-Prediction-Id";

    private CollectorContract() {
    }

    /** The collector's environment variables. A null default means "unset unless given". */
    public enum Env {
        UPSTREAM_URL("MM_UPSTREAM_URL", "http://127.0.0.1:" + MODEL_PORT, "the model in the pod (`spec.target.port`)"),
        BIND_ADDRESS("MM_BIND_ADDRESS", "0.0.0.0", "address both ports listen on"),
        PORT("MM_PORT", Integer.toString(DATA_PORT), "data port (`spec.collector.port`)"),
        ADMIN_PORT("MM_ADMIN_PORT", Integer.toString(CollectorContract.ADMIN_PORT), "admin port (`spec.collector.adminPort`)"),
        PROTOCOL("MM_PROTOCOL", "kserve-v1", "`kserve-v1`, `open-inference-v2` or `json` (`spec.model.protocol`)"),
        PREDICTION_POINTER("MM_PREDICTION_POINTER", null, "JSON pointer to the predictions (`spec.model.predictionPointer`)"),
        SCORE_POINTER("MM_SCORE_POINTER", null, "JSON pointer to a binary classifier's scores in the response "
                + "(`spec.model.scorePointer`)"),
        TASK("MM_TASK", "binary-classification", "`binary-classification`, `multiclass-classification` or `regression`"),
        POSITIVE_LABEL("MM_POSITIVE_LABEL", "1", "the positive class (`spec.model.positiveLabel`)"),
        SEGMENT_HEADER("MM_SEGMENT_HEADER", null, "request header naming the segment (`spec.model.segment.header`)"),
        SEGMENT_POINTER("MM_SEGMENT_POINTER", null, "JSON pointer to the segment in the request (`spec.model.segment.pointer`)"),
        SEGMENT_RESPONSE_POINTER("MM_SEGMENT_RESPONSE_POINTER", null,
                "JSON pointer to the segment in the response (`spec.model.segment.responsePointer`)"),
        SEGMENT_VALUES("MM_SEGMENT_VALUES", null, "the segments counted apart, a JSON array (`spec.model.segment.values`); "
                + "any other value counts as `other`"),
        FEATURES("MM_FEATURES", null, "the input features read from requests, a JSON array of {name, type, index, "
                + "pointer} (`spec.model.features`)"),
        SKETCH_EPOCH("MM_SKETCH_EPOCH", "30s", "how often the features' sketches close an epoch "
                + "(`spec.evaluation.interval`), 1s to 1h"),
        SEGMENT_REFERENCE("MM_SEGMENT_REFERENCE", null, "the reference group, always counted apart "
                + "(`spec.model.segment.reference`)"),
        FEEDBACK_TOKEN("MM_FEEDBACK_TOKEN", null, "bearer token labels must carry (from `spec.groundTruth.tokenSecretRef`)"),
        FEEDBACK_TOKEN_FILE("MM_FEEDBACK_TOKEN_FILE", null, "the same, read from a file"),
        ID_KEY("MM_ID_KEY", null, "key prediction ids are signed with (the monitor's `<name>-mm-id-key` Secret)"),
        REVISION("MM_REVISION", null, "the pod's revision label (`pod-template-hash`; a StatefulSet's "
                + "`controller-revision-hash`, a Rollout's `rollouts-pod-template-hash`), carried in ids"),
        POD_IP("MM_POD_IP", null, "the pod's IP, carried in ids (other replicas forward labels to it)"),
        LABEL_TTL("MM_LABEL_TTL", "1h", "how long a prediction waits for its label (`spec.groundTruth.labelTTL`)"),
        MAX_PENDING_LABELS("MM_MAX_PENDING_LABELS", "100000", "predictions kept waiting for labels (`spec.collector.maxPendingLabels`)"),
        MAX_BODY_BYTES("MM_MAX_BODY_BYTES", "1048576", "largest body read for predictions"),
        MAX_CLASSES("MM_MAX_CLASSES", "32", "classes counted apart, at most 64 (more fold into `other`)"),
        MAX_SEGMENTS("MM_MAX_SEGMENTS", "32", "segments counted apart, at most 64 (more fold into `other`)"),
        SHUTDOWN_DRAIN("MM_SHUTDOWN_DRAIN", "5s", "how long a stopping collector drains, at most 1m"),
        HEADER_TIMEOUT("MM_HEADER_TIMEOUT", "10s", "a started request head must be complete within it"),
        BODY_TIMEOUT("MM_BODY_TIMEOUT", "30s", "a request body (or an HTTP/2 stream's request side) with no new bytes for "
                + "this long is closed (`spec.collector.bodyTimeout`)"),
        IDLE_TIMEOUT("MM_IDLE_TIMEOUT", "60s", "a keep-alive connection with no request (HTTP/2: no stream) is closed "
                + "after it, and so is a client that stops reading its answer"),
        TUNNEL_IDLE_TIMEOUT("MM_TUNNEL_IDLE_TIMEOUT", "10m", "a WebSocket tunnel with no bytes either way is closed after it"),
        MAX_CONNECTIONS("MM_MAX_CONNECTIONS", "4096", "open client connections, at most (fewer when the heap holds fewer: "
                + "about 2,200 in the injected 48 MiB)"),
        MAX_HEADER_BYTES("MM_MAX_HEADER_BYTES", "16384", "largest request head (431 above)"),
        STREAM_HOLD("MM_STREAM_HOLD", "5ms", "how long a response may be held to put its ids in a header"),
        TRANSPORT("MM_TRANSPORT", "nio", "`nio` (Java NIO), `auto` (Linux epoll when its library loads, else NIO) or "
                + "`epoll` (refuse to start without it); not the default: it bought no CPU and failed the held-heads "
                + "test (BENCHMARKS.md)");

        private final String variable;
        private final String defaultValue;
        private final String meaning;

        Env(String variable, String defaultValue, String meaning) {
            this.variable = variable;
            this.defaultValue = defaultValue;
            this.meaning = meaning;
        }

        public String variable() {
            return variable;
        }

        public String defaultValue() {
            return defaultValue;
        }

        public String meaning() {
            return meaning;
        }

        /** Its value in this environment, or its default. */
        public String from(Map<String, String> env) {
            return env.getOrDefault(variable, defaultValue);
        }
    }
}

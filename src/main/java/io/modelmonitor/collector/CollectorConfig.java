package io.modelmonitor.collector;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modelmonitor.api.CollectorContract.Env;
import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.FeatureSpec;
import io.modelmonitor.api.v1alpha1.FeatureType;
import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.api.v1alpha1.ModelSpec;
import io.modelmonitor.api.v1alpha1.ModelTask;

/**
 * The collector's configuration, read from the environment the operator's injection sets. Any bad value stops
 * start-up with one line that names the variable and what is wrong with it.
 */
public record CollectorConfig(
        String upstreamHost,
        int upstreamPort,
        String bindAddress,
        int port,
        int adminPort,
        ModelProtocol protocol,
        String predictionPointer,
        ModelTask task,
        String positiveLabel,
        String segmentHeader,
        String segmentPointer,
        String segmentResponsePointer,
        List<String> segmentValues,
        String segmentReference,
        String feedbackToken,
        Duration labelTtl,
        int maxPendingLabels,
        String podIp,
        int maxBodyBytes,
        int maxClasses,
        int maxSegments,
        Duration shutdownDrain,
        String revision,
        String idKey,
        Duration headerTimeout,
        Duration bodyTimeout,
        Duration idleTimeout,
        Duration tunnelIdleTimeout,
        int maxConnections,
        int maxHeaderBytes,
        Duration streamHold,
        List<FeatureSpec> features,
        Duration sketchEpoch,
        String scorePointer,
        String transport) {

    private static final Pattern JSON_POINTER = Pattern.compile(ModelSpec.JSON_POINTER);

    /** A start-up configuration error, already phrased for the one line the collector prints. */
    public static final class InvalidConfig extends RuntimeException {
        InvalidConfig(Env variable, String problem) {
            super(variable.variable() + ": " + problem);
        }
    }

    public boolean classification() {
        return task.isClassification();
    }

    public static CollectorConfig fromEnv(Map<String, String> env) {
        URI upstream = upstream(Env.UPSTREAM_URL.from(env));
        String bind = Env.BIND_ADDRESS.from(env);
        int port = port(env, Env.PORT);
        int adminPort = port(env, Env.ADMIN_PORT);
        if (port != 0 && port == adminPort) {
            throw new InvalidConfig(Env.ADMIN_PORT, "must differ from MM_PORT (both are " + port + ")");
        }
        ModelProtocol protocol;
        try {
            protocol = ModelProtocol.fromWireName(Env.PROTOCOL.from(env));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(Env.PROTOCOL, "'" + env.get(Env.PROTOCOL.variable()) + "' " + e.getMessage());
        }
        String pointer = pointer(env, Env.PREDICTION_POINTER);
        if (protocol == ModelProtocol.JSON && pointer == null) {
            throw new InvalidConfig(Env.PREDICTION_POINTER, "is required when MM_PROTOCOL is json");
        }
        ModelTask task = task(Env.TASK.from(env));
        if ((task == ModelTask.GENERATION) != protocol.isGenerative()) {
            throw new InvalidConfig(Env.TASK, "generation goes with MM_PROTOCOL openai or oip-generate, and those with "
                    + "MM_TASK generation (MM_TASK is " + task.wireName() + ", MM_PROTOCOL " + protocol.wireName() + ")");
        }
        String segmentHeader = blankToNull(Env.SEGMENT_HEADER.from(env));
        String segmentPointer = pointer(env, Env.SEGMENT_POINTER);
        String segmentResponsePointer = pointer(env, Env.SEGMENT_RESPONSE_POINTER);
        if ((segmentHeader != null ? 1 : 0) + (segmentPointer != null ? 1 : 0) + (segmentResponsePointer != null ? 1 : 0) > 1) {
            throw new InvalidConfig(Env.SEGMENT_POINTER,
                    "set at most one of MM_SEGMENT_HEADER, MM_SEGMENT_POINTER and MM_SEGMENT_RESPONSE_POINTER");
        }
        List<String> segmentValues = segmentValues(env);
        String segmentReference = blankToNull(Env.SEGMENT_REFERENCE.from(env));
        if (segmentReference != null && segmentReference.length() > LabelTable.MAX_SEGMENT_LENGTH) {
            throw new InvalidConfig(Env.SEGMENT_REFERENCE, "at most " + LabelTable.MAX_SEGMENT_LENGTH + " characters");
        }
        String token = token(env);
        Duration ttl;
        try {
            ttl = Durations.parse(Env.LABEL_TTL.from(env));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(Env.LABEL_TTL, e.getMessage());
        }
        Duration drain;
        try {
            drain = Durations.parse(Env.SHUTDOWN_DRAIN.from(env));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(Env.SHUTDOWN_DRAIN, e.getMessage());
        }
        if (drain.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new InvalidConfig(Env.SHUTDOWN_DRAIN, "at most 1m (it must end well within the pod's grace period)");
        }
        String podIp = blankToNull(Env.POD_IP.from(env));
        if (podIp == null) {
            podIp = "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
        }
        String revision = blankToNull(Env.REVISION.from(env));
        if (revision != null && !revision.matches("[A-Za-z0-9-]{1,63}")) {
            throw new InvalidConfig(Env.REVISION, "'" + revision + "' must be a pod-template hash: letters, digits, '-'");
        }
        String idKey = blankToNull(Env.ID_KEY.from(env));
        if (idKey != null && idKey.length() < 16) {
            throw new InvalidConfig(Env.ID_KEY, "must be at least 16 characters (the operator generates 32 random bytes)");
        }
        return new CollectorConfig(upstream.getHost(), upstream.getPort() == -1 ? 80 : upstream.getPort(), bind, port,
                adminPort, protocol, pointer, task, Env.POSITIVE_LABEL.from(env), segmentHeader,
                segmentPointer, segmentResponsePointer, segmentValues, segmentReference, token, ttl,
                integer(env, Env.MAX_PENDING_LABELS, 1, MAX_PENDING_LABELS), podIp,
                integer(env, Env.MAX_BODY_BYTES, 1024, 64 << 20), integer(env, Env.MAX_CLASSES, 2, 64),
                maxSegments(env, segmentValues, segmentReference), drain, revision, idKey,
                duration(env, Env.HEADER_TIMEOUT, Duration.ofMinutes(5)),
                duration(env, Env.BODY_TIMEOUT, Duration.ofMinutes(10)),
                duration(env, Env.IDLE_TIMEOUT, Duration.ofHours(1)),
                duration(env, Env.TUNNEL_IDLE_TIMEOUT, Duration.ofHours(24)),
                integer(env, Env.MAX_CONNECTIONS, 16, 1_000_000),
                integer(env, Env.MAX_HEADER_BYTES, 1024, 1 << 20),
                duration(env, Env.STREAM_HOLD, Duration.ofSeconds(1), true), features(env),
                duration(env, Env.SKETCH_EPOCH, Duration.ofHours(1)), scorePointer(env, task), transport(env));
    }

    private static String transport(Map<String, String> env) {
        String value = Env.TRANSPORT.from(env);
        if (!value.equals("auto") && !value.equals("epoll") && !value.equals("nio")) {
            throw new InvalidConfig(Env.TRANSPORT, "'" + value + "' must be auto, epoll or nio");
        }
        return value;
    }

    private static String scorePointer(Map<String, String> env, ModelTask task) {
        String pointer = pointer(env, Env.SCORE_POINTER);
        if (pointer != null && task != ModelTask.BINARY_CLASSIFICATION) {
            throw new InvalidConfig(Env.SCORE_POINTER, "reads a binary classifier's scores; MM_TASK is " + task.wireName());
        }
        return pointer;
    }

    private static final Pattern FEATURE_NAME = Pattern.compile(FeatureSpec.NAME);

    /** The declared input features: a JSON array of {name, type, index, pointer}, as spec.model.features. */
    private static List<FeatureSpec> features(Map<String, String> env) {
        JsonNode array = jsonArray(env, Env.FEATURES, FeatureSpec.MAX_FEATURES, "must be a JSON array of 1 to "
                + FeatureSpec.MAX_FEATURES + " features, e.g. [{\"name\":\"amount\",\"type\":\"numerical\"}]");
        if (array == null) {
            return List.of();
        }
        List<FeatureSpec> features = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode f : array) {
            String name = f.path("name").asText("");
            if (!FEATURE_NAME.matcher(name).matches() || !names.add(name)) {
                throw new InvalidConfig(Env.FEATURES, "feature name '" + name + "' must be 1 to 63 letters, digits, "
                        + "'_', '.' or '-', and unique");
            }
            FeatureSpec feature;
            try {
                feature = new FeatureSpec(name, FeatureType.fromWireName(f.path("type").asText("")));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfig(Env.FEATURES, "feature " + name + ": type " + e.getMessage());
            }
            if (f.hasNonNull("index")) {
                int index = f.path("index").asInt(-1);
                if (!f.path("index").canConvertToInt() || index < 0 || index > 4095) {
                    throw new InvalidConfig(Env.FEATURES, "feature " + name + ": index must be 0 to 4095");
                }
                feature.setIndex(index);
            }
            if (f.hasNonNull("pointer")) {
                String pointer = f.path("pointer").asText();
                if (!JSON_POINTER.matcher(pointer).matches() || pointer.length() > 256) {
                    throw new InvalidConfig(Env.FEATURES, "feature " + name + ": pointer '" + pointer
                            + "' is not a JSON pointer (RFC 6901)");
                }
                feature.setPointer(pointer);
            }
            features.add(feature);
        }
        return List.copyOf(features);
    }

    /** The most predictions the pending ring may hold: 33 bytes each, so 500,000 take 16 MiB of the 48 MiB heap. */
    public static final int MAX_PENDING_LABELS = 500_000;

    /** Declared segments, a JSON array of distinct names; each is counted apart, any other value as "other". */
    private static List<String> segmentValues(Map<String, String> env) {
        JsonNode array = jsonArray(env, Env.SEGMENT_VALUES, Integer.MAX_VALUE,
                "must be a non-empty JSON array of strings, e.g. [\"eu\",\"us\"]");
        if (array == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (JsonNode v : array) {
            if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > LabelTable.MAX_SEGMENT_LENGTH) {
                throw new InvalidConfig(Env.SEGMENT_VALUES, "each value must be a string of 1 to "
                        + LabelTable.MAX_SEGMENT_LENGTH + " characters, got " + v);
            }
            if (!values.contains(v.asText())) {
                values.add(v.asText());
            }
        }
        return List.copyOf(values);
    }

    /**
     * A variable holding a JSON array of 1 to {@code max} elements; null when it is unset.
     *
     * @throws InvalidConfig with {@code problem} when it is set to anything else
     */
    private static JsonNode jsonArray(Map<String, String> env, Env variable, int max, String problem) {
        String value = blankToNull(variable.from(env));
        if (value == null) {
            return null;
        }
        JsonNode array;
        try {
            array = new ObjectMapper().readTree(value);
        } catch (IOException e) {
            array = null;
        }
        if (array == null || !array.isArray() || array.isEmpty() || array.size() > max) {
            throw new InvalidConfig(variable, problem);
        }
        return array;
    }

    /** Room for the declared segments, the reference and "none" (requests without one), beside MM_MAX_SEGMENTS. */
    private static int maxSegments(Map<String, String> env, List<String> values, String reference) {
        int max = integer(env, Env.MAX_SEGMENTS, 1, 64);
        Set<String> reserved = new HashSet<>(values);
        reserved.add(PredictionReader.NO_SEGMENT);
        if (reference != null) {
            reserved.add(reference);
        }
        if (values.size() > 64) {
            throw new InvalidConfig(Env.SEGMENT_VALUES, "at most 64 values, got " + values.size());
        }
        return Math.max(max, reserved.size());
    }

    /** The names that hold their segment indexes from the start: "none", the reference, the declared values. */
    public List<String> reservedSegments() {
        List<String> reserved = new ArrayList<>();
        reserved.add(PredictionReader.NO_SEGMENT);
        if (segmentReference != null && !reserved.contains(segmentReference)) {
            reserved.add(segmentReference);
        }
        segmentValues.stream().filter(v -> !reserved.contains(v)).forEach(reserved::add);
        return reserved;
    }

    private static Duration duration(Map<String, String> env, Env variable, Duration max) {
        return duration(env, variable, max, false);
    }

    private static Duration duration(Map<String, String> env, Env variable, Duration max, boolean zeroAllowed) {
        Duration d;
        try {
            d = zeroAllowed ? Durations.parseAllowingZero(variable.from(env)) : Durations.parse(variable.from(env));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(variable, e.getMessage());
        }
        if (d.compareTo(max) > 0) {
            throw new InvalidConfig(variable, "at most " + Durations.format(max));
        }
        return d;
    }

    /** The same configuration, listening on the admin port actually bound (when 0 asked for any). */
    CollectorConfig withAdminPort(int bound) {
        return new CollectorConfig(upstreamHost, upstreamPort, bindAddress, port, bound, protocol, predictionPointer, task,
                positiveLabel, segmentHeader, segmentPointer, segmentResponsePointer, segmentValues, segmentReference,
                feedbackToken, labelTtl, maxPendingLabels, podIp, maxBodyBytes, maxClasses, maxSegments, shutdownDrain,
                revision, idKey, headerTimeout, bodyTimeout, idleTimeout, tunnelIdleTimeout, maxConnections,
                maxHeaderBytes, streamHold, features, sketchEpoch, scorePointer, transport);
    }

    private static URI upstream(String value) {
        try {
            URI uri = URI.create(value);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new InvalidConfig(Env.UPSTREAM_URL, "'" + value + "' must be an http:// URL with a host, "
                        + "e.g. http://127.0.0.1:8080");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(Env.UPSTREAM_URL, "'" + value + "' is not a URL");
        }
    }

    private static int port(Map<String, String> env, Env variable) {
        return integer(env, variable, 0, 65535);
    }

    private static int integer(Map<String, String> env, Env variable, int min, int max) {
        String value = env.get(variable.variable());
        if (value == null || value.isBlank()) {
            return Integer.parseInt(variable.defaultValue());
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new InvalidConfig(variable, "'" + value + "' must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidConfig(variable, "'" + value + "' is not a whole number");
        }
    }

    private static String pointer(Map<String, String> env, Env variable) {
        String value = variable.from(env);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!JSON_POINTER.matcher(value).matches()) {
            throw new InvalidConfig(variable, "'" + value + "' is not a JSON pointer (RFC 6901), e.g. /predictions/0");
        }
        return value;
    }

    private static ModelTask task(String value) {
        for (ModelTask t : ModelTask.values()) {
            if (t.wireName().equals(value)) {
                return t;
            }
        }
        throw new InvalidConfig(Env.TASK, "'" + value + "' must be one of binary-classification, "
                + "multiclass-classification, regression, generation");
    }

    private static String token(Map<String, String> env) {
        String inline = blankToNull(Env.FEEDBACK_TOKEN.from(env));
        String file = blankToNull(Env.FEEDBACK_TOKEN_FILE.from(env));
        if (inline != null && file != null) {
            throw new InvalidConfig(Env.FEEDBACK_TOKEN_FILE, "set either MM_FEEDBACK_TOKEN or MM_FEEDBACK_TOKEN_FILE, not both");
        }
        if (file == null) {
            return inline;
        }
        try {
            String token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new InvalidConfig(Env.FEEDBACK_TOKEN_FILE, file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new InvalidConfig(Env.FEEDBACK_TOKEN_FILE, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Never print the token or the id key. */
    @Override
    public String toString() {
        return "CollectorConfig[upstream=" + upstreamHost + ":" + upstreamPort + ", port=" + port + ", adminPort=" + adminPort
                + ", protocol=" + protocol.wireName() + ", task=" + task.wireName() + ", revision="
                + (revision == null ? "-" : revision) + ", feedbackAuth=" + (feedbackToken == null ? "off" : "on")
                + ", idKey=" + (idKey == null ? "off" : "on") + ", labelTTL=" + Durations.format(labelTtl)
                + ", maxPendingLabels=" + maxPendingLabels + ", shutdownDrain=" + Durations.format(shutdownDrain)
                + ", segments=" + (segmentValues.isEmpty() ? "first " + maxSegments : segmentValues.size() + " declared")
                + ", headerTimeout=" + Durations.format(headerTimeout) + ", bodyTimeout=" + Durations.format(bodyTimeout)
                + ", idleTimeout=" + Durations.format(idleTimeout) + ", tunnelIdleTimeout=" + Durations.format(tunnelIdleTimeout)
                + ", maxConnections=" + maxConnections + ", streamHold=" + Durations.format(streamHold)
                + ", features=" + features.size() + ", transport=" + transport + "]";
    }
}

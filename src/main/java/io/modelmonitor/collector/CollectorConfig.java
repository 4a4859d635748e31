package io.modelmonitor.collector;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import io.modelmonitor.api.v1alpha1.Durations;
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
        Duration idleTimeout,
        int maxConnections,
        int maxHeaderBytes,
        Duration streamHold) {

    private static final Pattern JSON_POINTER = Pattern.compile(ModelSpec.JSON_POINTER);

    /** A start-up configuration error, already phrased for the one line the collector prints. */
    public static final class InvalidConfig extends RuntimeException {
        InvalidConfig(String variable, String problem) {
            super(variable + ": " + problem);
        }
    }

    public boolean classification() {
        return task.isClassification();
    }

    public static CollectorConfig fromEnv(Map<String, String> env) {
        URI upstream = upstream(env.getOrDefault("MM_UPSTREAM_URL", "http://127.0.0.1:8080"));
        String bind = env.getOrDefault("MM_BIND_ADDRESS", "0.0.0.0");
        int port = port(env, "MM_PORT", 9090);
        int adminPort = port(env, "MM_ADMIN_PORT", 9091);
        if (port != 0 && port == adminPort) {
            throw new InvalidConfig("MM_ADMIN_PORT", "must differ from MM_PORT (both are " + port + ")");
        }
        ModelProtocol protocol;
        try {
            protocol = ModelProtocol.fromWireName(env.getOrDefault("MM_PROTOCOL", "kserve-v1"));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig("MM_PROTOCOL", "'" + env.get("MM_PROTOCOL") + "' " + e.getMessage());
        }
        String pointer = pointer(env, "MM_PREDICTION_POINTER");
        if (protocol == ModelProtocol.JSON && pointer == null) {
            throw new InvalidConfig("MM_PREDICTION_POINTER", "is required when MM_PROTOCOL is json");
        }
        ModelTask task = task(env.getOrDefault("MM_TASK", "binary-classification"));
        String segmentHeader = blankToNull(env.get("MM_SEGMENT_HEADER"));
        String segmentPointer = pointer(env, "MM_SEGMENT_POINTER");
        if (segmentHeader != null && segmentPointer != null) {
            throw new InvalidConfig("MM_SEGMENT_POINTER", "set either MM_SEGMENT_HEADER or MM_SEGMENT_POINTER, not both");
        }
        String token = token(env);
        Duration ttl;
        try {
            ttl = Durations.parse(env.getOrDefault("MM_LABEL_TTL", "1h"));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig("MM_LABEL_TTL", e.getMessage());
        }
        Duration drain;
        try {
            drain = Durations.parse(env.getOrDefault("MM_SHUTDOWN_DRAIN", "5s"));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig("MM_SHUTDOWN_DRAIN", e.getMessage());
        }
        if (drain.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new InvalidConfig("MM_SHUTDOWN_DRAIN", "at most 1m (it must end well within the pod's grace period)");
        }
        String podIp = blankToNull(env.get("MM_POD_IP"));
        if (podIp == null) {
            podIp = "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
        }
        String revision = blankToNull(env.get("MM_REVISION"));
        if (revision != null && !revision.matches("[A-Za-z0-9-]{1,63}")) {
            throw new InvalidConfig("MM_REVISION", "'" + revision + "' must be a pod-template hash: letters, digits, '-'");
        }
        String idKey = blankToNull(env.get("MM_ID_KEY"));
        if (idKey != null && idKey.length() < 16) {
            throw new InvalidConfig("MM_ID_KEY", "must be at least 16 characters (the operator generates 32 random bytes)");
        }
        return new CollectorConfig(upstream.getHost(), upstream.getPort() == -1 ? 80 : upstream.getPort(), bind, port,
                adminPort, protocol, pointer, task, env.getOrDefault("MM_POSITIVE_LABEL", "1"), segmentHeader,
                segmentPointer, token, ttl, integer(env, "MM_MAX_PENDING_LABELS", 100_000, 1, 10_000_000), podIp,
                integer(env, "MM_MAX_BODY_BYTES", 1 << 20, 1024, 64 << 20), integer(env, "MM_MAX_CLASSES", 32, 2, 64),
                integer(env, "MM_MAX_SEGMENTS", 32, 1, 64), drain, revision, idKey,
                duration(env, "MM_HEADER_TIMEOUT", "10s", Duration.ofMinutes(5)),
                duration(env, "MM_IDLE_TIMEOUT", "60s", Duration.ofHours(1)),
                integer(env, "MM_MAX_CONNECTIONS", 4096, 16, 1_000_000),
                integer(env, "MM_MAX_HEADER_BYTES", 16 << 10, 1024, 1 << 20),
                durationAllowingZero(env, "MM_STREAM_HOLD", "5ms", Duration.ofSeconds(1)));
    }

    private static Duration duration(Map<String, String> env, String name, String fallback, Duration max) {
        try {
            Duration d = Durations.parse(env.getOrDefault(name, fallback));
            if (d.compareTo(max) > 0) {
                throw new InvalidConfig(name, "at most " + Durations.format(max));
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(name, e.getMessage());
        }
    }

    private static Duration durationAllowingZero(Map<String, String> env, String name, String fallback, Duration max) {
        try {
            Duration d = Durations.parseAllowingZero(env.getOrDefault(name, fallback));
            if (d.compareTo(max) > 0) {
                throw new InvalidConfig(name, "at most " + Durations.format(max));
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig(name, e.getMessage());
        }
    }

    /** The same configuration, listening on the admin port actually bound (when 0 asked for any). */
    CollectorConfig withAdminPort(int bound) {
        return new CollectorConfig(upstreamHost, upstreamPort, bindAddress, port, bound, protocol, predictionPointer, task,
                positiveLabel, segmentHeader, segmentPointer, feedbackToken, labelTtl, maxPendingLabels, podIp, maxBodyBytes,
                maxClasses, maxSegments, shutdownDrain, revision, idKey, headerTimeout, idleTimeout, maxConnections,
                maxHeaderBytes, streamHold);
    }

    private static URI upstream(String value) {
        try {
            URI uri = URI.create(value);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new InvalidConfig("MM_UPSTREAM_URL", "'" + value + "' must be an http:// URL with a host, "
                        + "e.g. http://127.0.0.1:8080");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfig("MM_UPSTREAM_URL", "'" + value + "' is not a URL");
        }
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        return integer(env, name, fallback, 0, 65535);
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new InvalidConfig(name, "'" + value + "' must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidConfig(name, "'" + value + "' is not a whole number");
        }
    }

    private static String pointer(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!JSON_POINTER.matcher(value).matches()) {
            throw new InvalidConfig(name, "'" + value + "' is not a JSON pointer (RFC 6901), e.g. /predictions/0");
        }
        return value;
    }

    private static ModelTask task(String value) {
        for (ModelTask t : ModelTask.values()) {
            if (t.wireName().equals(value)) {
                return t;
            }
        }
        throw new InvalidConfig("MM_TASK", "'" + value + "' must be one of binary-classification, "
                + "multiclass-classification, regression");
    }

    private static String token(Map<String, String> env) {
        String inline = blankToNull(env.get("MM_FEEDBACK_TOKEN"));
        String file = blankToNull(env.get("MM_FEEDBACK_TOKEN_FILE"));
        if (inline != null && file != null) {
            throw new InvalidConfig("MM_FEEDBACK_TOKEN_FILE", "set either MM_FEEDBACK_TOKEN or MM_FEEDBACK_TOKEN_FILE, not both");
        }
        if (file == null) {
            return inline;
        }
        try {
            String token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new InvalidConfig("MM_FEEDBACK_TOKEN_FILE", file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new InvalidConfig("MM_FEEDBACK_TOKEN_FILE", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
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
                + ", headerTimeout=" + Durations.format(headerTimeout) + ", idleTimeout=" + Durations.format(idleTimeout)
                + ", maxConnections=" + maxConnections + ", streamHold=" + Durations.format(streamHold) + "]";
    }
}

package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.api.v1alpha1.ModelTask;

class CollectorConfigTest {

    @Test
    void defaultsMatchWhatTheOperatorInjects() {
        CollectorConfig c = CollectorConfig.fromEnv(Map.of());
        assertThat(c.upstreamHost()).isEqualTo("127.0.0.1");
        assertThat(c.upstreamPort()).isEqualTo(8080);
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.adminPort()).isEqualTo(9091);
        assertThat(c.protocol()).isEqualTo(ModelProtocol.KSERVE_V1);
        assertThat(c.task()).isEqualTo(ModelTask.BINARY_CLASSIFICATION);
        assertThat(c.labelTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(c.maxPendingLabels()).isEqualTo(100_000);
        assertThat(c.feedbackToken()).isNull();
    }

    @Test
    void eachBadValueIsOneLineNamingTheVariable() {
        assertError(Map.of("MM_PORT", "http"), "MM_PORT: 'http' is not a whole number");
        assertError(Map.of("MM_ADMIN_PORT", "70000"), "MM_ADMIN_PORT: '70000' must be between 0 and 65535");
        assertError(Map.of("MM_PORT", "9000", "MM_ADMIN_PORT", "9000"), "MM_ADMIN_PORT: must differ from MM_PORT (both are 9000)");
        assertError(Map.of("MM_PROTOCOL", "grpc"), "MM_PROTOCOL: 'grpc' must be one of kserve-v1, open-inference-v2, json, "
                + "openai, oip-generate");
        assertError(Map.of("MM_PROTOCOL", "openai"), "MM_TASK: generation goes with MM_PROTOCOL openai or oip-generate, "
                + "and those with MM_TASK generation (MM_TASK is binary-classification, MM_PROTOCOL openai)");
        assertError(Map.of("MM_TASK", "generation"), "MM_TASK: generation goes with MM_PROTOCOL openai or oip-generate, "
                + "and those with MM_TASK generation (MM_TASK is generation, MM_PROTOCOL kserve-v1)");
        assertError(Map.of("MM_PROTOCOL", "json"), "MM_PREDICTION_POINTER: is required when MM_PROTOCOL is json");
        assertError(Map.of("MM_PREDICTION_POINTER", "predictions/0"),
                "MM_PREDICTION_POINTER: 'predictions/0' is not a JSON pointer (RFC 6901), e.g. /predictions/0");
        assertError(Map.of("MM_TASK", "ranking"), "MM_TASK: 'ranking' must be one of binary-classification, "
                + "multiclass-classification, regression, generation");
        assertError(Map.of("MM_LABEL_TTL", "1 hour"), "MM_LABEL_TTL: '1 hour' is not a duration such as 500ms, 30s, 5m or 1h30m");
        assertError(Map.of("MM_MAX_PENDING_LABELS", "0"), "MM_MAX_PENDING_LABELS: '0' must be between 1 and 500000");
        assertError(Map.of("MM_UPSTREAM_URL", "https://model:8443"), "MM_UPSTREAM_URL: 'https://model:8443' must be an "
                + "http:// URL with a host, e.g. http://127.0.0.1:8080");
        assertError(Map.of("MM_SEGMENT_HEADER", "X-Segment", "MM_SEGMENT_POINTER", "/region"),
                "MM_SEGMENT_POINTER: set at most one of MM_SEGMENT_HEADER, MM_SEGMENT_POINTER and MM_SEGMENT_RESPONSE_POINTER");
        assertError(Map.of("MM_SEGMENT_POINTER", "/region", "MM_SEGMENT_RESPONSE_POINTER", "/cohort"),
                "MM_SEGMENT_POINTER: set at most one of MM_SEGMENT_HEADER, MM_SEGMENT_POINTER and MM_SEGMENT_RESPONSE_POINTER");
        assertError(Map.of("MM_SHUTDOWN_DRAIN", "5"), "MM_SHUTDOWN_DRAIN: '5' is not a duration such as 500ms, 30s, 5m or 1h30m");
        assertError(Map.of("MM_SHUTDOWN_DRAIN", "2m"),
                "MM_SHUTDOWN_DRAIN: at most 1m (it must end well within the pod's grace period)");
        assertError(Map.of("MM_FEEDBACK_TOKEN_FILE", "/nonexistent/token"),
                "MM_FEEDBACK_TOKEN_FILE: cannot read /nonexistent/token (NoSuchFileException)");
        assertError(Map.of("MM_HEADER_TIMEOUT", "10m"), "MM_HEADER_TIMEOUT: at most 5m");
        assertError(Map.of("MM_IDLE_TIMEOUT", "0s"), "MM_IDLE_TIMEOUT: '0s' must be longer than zero");
        assertError(Map.of("MM_STREAM_HOLD", "2s"), "MM_STREAM_HOLD: at most 1s");
        assertError(Map.of("MM_TRANSPORT", "io_uring"), "MM_TRANSPORT: 'io_uring' must be auto, epoll or nio");
        assertError(Map.of("MM_BODY_TIMEOUT", "11m"), "MM_BODY_TIMEOUT: at most 10m");
        assertError(Map.of("MM_TUNNEL_IDLE_TIMEOUT", "25h"), "MM_TUNNEL_IDLE_TIMEOUT: at most 24h");
        assertError(Map.of("MM_LABEL_TTL", "18446744073709551615ms"),
                "MM_LABEL_TTL: '18446744073709551615ms' is longer than the longest duration allowed, 8760h");
        assertError(Map.of("MM_SEGMENT_VALUES", "eu,us"),
                "MM_SEGMENT_VALUES: must be a non-empty JSON array of strings, e.g. [\"eu\",\"us\"]");
        assertError(Map.of("MM_SEGMENT_VALUES", "[\"" + "x".repeat(65) + "\"]"),
                "MM_SEGMENT_VALUES: each value must be a string of 1 to 64 characters, got \"" + "x".repeat(65) + "\"");
    }

    @Test
    void declaredSegmentsAndTheReferenceHoldTheirPlaces() {
        CollectorConfig c = CollectorConfig.fromEnv(Map.of("MM_SEGMENT_HEADER", "X-Region",
                "MM_SEGMENT_VALUES", "[\"eu\",\"us\",\"eu\"]", "MM_SEGMENT_REFERENCE", "us", "MM_MAX_SEGMENTS", "1"));
        assertThat(c.segmentValues()).containsExactly("eu", "us");
        assertThat(c.reservedSegments()).containsExactly("none", "us", "eu");
        assertThat(c.maxSegments()).as("room for every reserved name, whatever MM_MAX_SEGMENTS says").isEqualTo(3);
    }

    @Test
    void onlyTheStreamHoldMayBeZero() {
        assertThat(CollectorConfig.fromEnv(Map.of("MM_STREAM_HOLD", "0s")).streamHold()).isZero();
        assertThat(CollectorConfig.fromEnv(Map.of("MM_HEADER_TIMEOUT", "30s")).headerTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theTokenComesFromAFileAndIsNeverPrinted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "from-a-file\n");
        CollectorConfig c = CollectorConfig.fromEnv(Map.of("MM_FEEDBACK_TOKEN_FILE", file.toString()));
        assertThat(c.feedbackToken()).isEqualTo("from-a-file");
        assertThat(c.toString()).doesNotContain("from-a-file").contains("feedbackAuth=on");
    }

    private static void assertError(Map<String, String> env, String message) {
        assertThatThrownBy(() -> CollectorConfig.fromEnv(env)).isInstanceOf(CollectorConfig.InvalidConfig.class)
                .hasMessage(message);
    }
}

package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.modelmonitor.metrics.GenerationSnapshot;
import io.modelmonitor.sandbox.DemoLlmServer;

/**
 * The official OpenAI Python client (pinned in src/python/install.sh) talks to a vLLM-like model through the collector,
 * streaming and not: it gets the model's bytes, and the collector counts what the client received.
 */
class OpenAiClientTest extends CollectorTestSupport {

    @Test
    void theOfficialClientGetsTheModelsBytesAndTheCollectorCountsWhatItGot() throws Exception {
        DemoLlmServer llm = closing(DemoLlmServer.start("127.0.0.1", 0, new DemoLlmServer.Behaviour("v1", 20, 2, 10, 0)));
        Collector c = collector(llm.port(), "MM_PROTOCOL", "openai", "MM_TASK", "generation");

        String pythonPath = run(List.of("bash", "src/python/install.sh"), null).strip().lines().reduce((a, b) -> b).orElseThrow();
        JsonNode got = PredictionReader.JSON.readTree(run(List.of("python3", "src/python/openai_client_check.py",
                "http://127.0.0.1:" + c.dataPort() + "/v1"), pythonPath));

        assertThat(got.path("version").asText()).isEqualTo("3.63.0");
        JsonNode streamed = got.path("streamed");
        assertThat(streamed.path("text").asText()).isEqualTo("The model is healthy and its answers are short,");
        assertThat(streamed.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(streamed.path("completion_tokens").asInt()).isEqualTo(10);
        JsonNode raw = got.path("raw");
        List<byte[]> sent = llm.sent();
        assertThat(new String(Base64.getDecoder().decode(raw.path("body").asText()), StandardCharsets.UTF_8))
                .as("the second stream, byte for byte as the model sent it").isEqualTo(new String(sent.get(1), StandardCharsets.UTF_8));
        assertThat(raw.path("prediction_id").asText()).as("an id to give feedback with").isNotBlank().doesNotContain(",");
        assertThat(raw.path("content_type").asText()).startsWith("text/event-stream");
        assertThat(got.path("complete").path("finish_reason").asText()).isEqualTo("length");
        assertThat(got.path("embeddings").path("inputs").asInt()).isEqualTo(2);

        GenerationSnapshot g = snapshot(c).generation();
        assertThat(g.requests()).as("two streams, one answer, one embedding").isEqualTo(4);
        assertThat(g.streamed()).isEqualTo(2);
        assertThat(g.completionTokens()).as("10 from usage, 10 counted from the stream without usage, 4 from usage")
                .isEqualTo(streamed.path("completion_tokens").asInt() + 10 + got.path("complete").path("completion_tokens").asInt());
        assertThat(g.tokensCounted()).isEqualTo(1);
        assertThat(g.tokensFromUsage()).isEqualTo(3);
        assertThat(g.finishReasons()).containsEntry("stop", 2L).containsEntry("length", 1L);
        assertThat(g.embeddingInputs()).isEqualTo(2);
        assertThat(g.unparsed().values()).as("%s", g.unparsed()).allMatch(v -> v == 0);
        assertThat(g.disconnected()).isZero();
    }

    /** Runs a command in the project directory; its stdout, or a failure with its stderr. */
    private static String run(List<String> command, String pythonPath) throws Exception {
        Path errors = java.nio.file.Files.createTempFile("openai-client", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile())
                .redirectError(errors.toFile());
        if (pythonPath != null) {
            pb.environment().put("PYTHONPATH", pythonPath);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
        assertThat(p.exitValue()).as("%s failed: %s", command, java.nio.file.Files.readString(errors)).isZero();
        java.nio.file.Files.delete(errors);
        return out;
    }
}

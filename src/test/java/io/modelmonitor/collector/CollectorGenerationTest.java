package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.modelmonitor.metrics.GenerationSnapshot;
import io.modelmonitor.metrics.LatencyHistogram;
import io.modelmonitor.sandbox.DemoLlmServer;

/** A language model behind the collector, over real HTTP: its answers pass untouched and are measured as they pass. */
class CollectorGenerationTest extends CollectorTestSupport {

    private static final String CHAT = "{\"model\":\"demo-llm\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],"
            + "\"max_tokens\":64,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";

    private DemoLlmServer llm(double firstTokenMs, double tokenMs, int tokens, double truncated) {
        return closing(DemoLlmServer.start("127.0.0.1", 0,
                new DemoLlmServer.Behaviour("v1", firstTokenMs, tokenMs, tokens, truncated)));
    }

    private Collector llmCollector(int port, String... env) {
        String[] all = Arrays.copyOf(new String[] {"MM_PROTOCOL", "openai", "MM_TASK", "generation",
            "MM_SEGMENT_HEADER", "X-Language"}, 6 + env.length);
        System.arraycopy(env, 0, all, 6, env.length);
        return collector(port, all);
    }

    @Test
    void aStreamedAnswerReachesTheClientByteForByteAndIsMeasured() throws Exception {
        DemoLlmServer llm = llm(40, 5, 12, 0);
        Collector c = llmCollector(llm.port());
        HttpResponse<byte[]> answer = post(c, "/v1/chat/completions", CHAT, "Content-Type", "application/json",
                "X-Language", "fr");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).as("the model's own bytes")
                .isEqualTo(new String(llm.sent().get(llm.sent().size() - 1), StandardCharsets.UTF_8));
        assertThat(ids(answer)).as("one id per answer, for feedback").hasSize(1);

        GenerationSnapshot g = snapshot(c).generation();
        assertThat(g.requests()).isEqualTo(1);
        assertThat(g.streamed()).isEqualTo(1);
        assertThat(g.completionTokens()).isEqualTo(12);
        assertThat(g.promptTokens()).as("from usage").isEqualTo(6);
        assertThat(g.tokensFromUsage()).isEqualTo(1);
        assertThat(g.finishReasons()).containsEntry("stop", 1L);
        assertThat(Arrays.stream(g.interTokenBuckets()).sum()).as("12 tokens, 11 gaps").isEqualTo(11);
        double ttft = LatencyHistogram.quantile(g.ttftBuckets(), 0.5);
        assertThat(ttft).as("the first token came after the model's 40 ms").isGreaterThanOrEqualTo(30);
        assertThat(g.ttftBySegment()).as("and in its segment").containsOnlyKeys("fr")
                .hasEntrySatisfying("fr", b -> assertThat(Arrays.stream(b).sum()).isEqualTo(1));
        assertThat(g.unparsed().values()).allMatch(v -> v == 0);
    }

    @Test
    void feedbackOnAnAnswerIsCountedForItsSegmentOnce() throws Exception {
        DemoLlmServer llm = llm(1, 1, 3, 0);
        Collector c = llmCollector(llm.port());
        String fr = ids(post(c, "/v1/chat/completions", CHAT, "X-Language", "fr"))[0];
        String de = ids(post(c, "/v1/chat/completions", CHAT, "X-Language", "de"))[0];
        String scored = ids(post(c, "/v1/chat/completions", CHAT, "X-Language", "de"))[0];
        HttpResponse<String> sent = feedback(c, "[{\"id\":\"" + fr + "\",\"accepted\":true},{\"id\":\"" + de
                + "\",\"accepted\":false},{\"id\":\"" + scored + "\",\"score\":0.25},{\"id\":\"" + fr + "\",\"accepted\":false},"
                + "{\"id\":\"" + de + "\",\"accepted\":\"yes\"},{\"id\":\"" + de + "\",\"score\":1.5},{\"id\":\"" + de + "\"}]");
        assertThat(sent.statusCode()).isEqualTo(202);
        assertThat(sent.body()).contains("\"matched\":3", "\"unmatched\":1", "\"rejected\":3",
                "accepted must be true or false", "score must be a number in [0, 1]", "item needs accepted");
        List<GenerationSnapshot.Acceptance> acceptance = snapshot(c).generation().acceptance();
        assertThat(acceptance).contains(new GenerationSnapshot.Acceptance("fr", 1, 0, 0, 0, 0),
                new GenerationSnapshot.Acceptance("de", 0, 1, 1, 0.25, 0.0625));
    }

    @Test
    void aTruncatedAnswerAndAnEmbeddingAreReadWhenNotStreamed() throws Exception {
        DemoLlmServer llm = llm(1, 1, 100, 0);
        Collector c = llmCollector(llm.port());
        HttpResponse<byte[]> answer = post(c, "/v1/completions",
                "{\"model\":\"demo-llm\",\"prompt\":\"one two three\",\"max_tokens\":8}");
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("\"finish_reason\":\"length\"");
        post(c, "/v1/embeddings", "{\"model\":\"demo-llm\",\"input\":[\"a b\",\"c\",\"d e f\"]}");
        GenerationSnapshot g = snapshot(c).generation();
        assertThat(g.finishReasons()).containsEntry("length", 1L);
        assertThat(g.completionTokens()).isEqualTo(8);
        assertThat(g.embeddingInputs()).isEqualTo(3);
        assertThat(g.promptTokens()).as("3 from the completion, 6 from the embeddings").isEqualTo(9);
        assertThat(g.streamed()).isZero();
    }

    @Test
    void malformedStreamsPassThroughUntouchedAndAreCountedWithTheirReason() throws Exception {
        byte[] body = ("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                + "data: {broken\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"" + "y".repeat(300_000) + "\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        StubModel model = model(r -> StubModel.Response.of(200, "text/event-stream", body, true));
        Collector c = llmCollector(model.port(), "MM_MAX_BODY_BYTES", "65536");
        HttpResponse<byte[]> answer = post(c, "/v1/chat/completions", CHAT);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).as("byte for byte").isEqualTo(body);
        GenerationSnapshot g = snapshot(c).generation();
        assertThat(g.unparsed()).containsEntry("malformed_event", 1L).containsEntry("event_too_large", 1L)
                .containsEntry("no_done", 1L);
        assertThat(g.completionTokens()).as("a and b; the giant event was not read").isEqualTo(2);
        assertThat(g.finishReasons()).containsEntry("stop", 1L);
    }

    @Test
    void aStreamOfAHundredThousandTokensHoldsOneEventAtATime() throws Exception {
        StringBuilder events = new StringBuilder(8_000_000);
        for (int i = 0; i < 100_000; i++) {
            events.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t").append(i).append("\"}}]}\n\n");
        }
        events.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n");
        byte[] body = events.toString().getBytes(StandardCharsets.UTF_8);
        StubModel model = model(r -> StubModel.Response.of(200, "text/event-stream", body, true));
        Collector c = llmCollector(model.port(), "MM_MAX_BODY_BYTES", "4096");
        HttpResponse<byte[]> answer = post(c, "/v1/chat/completions", CHAT);
        assertThat(answer.body()).as("all %d bytes, though the collector may copy 4096", body.length).isEqualTo(body);
        GenerationSnapshot g = snapshot(c).generation();
        assertThat(g.completionTokens()).isEqualTo(100_000);
        assertThat(g.unparsed().values()).allMatch(v -> v == 0);
        assertThat(admin(c, "/metrics")).as("every copy given back").contains("modelmonitor_buffered_bytes{kind=\"bodies\"} 0");
    }

    @Test
    void failedRequestsAreClassed() throws Exception {
        StubModel model = model(r -> new String(r.body(), StandardCharsets.UTF_8).contains("long")
                ? StubModel.Response.of(400, "application/json",
                        "{\"error\":{\"code\":\"context_length_exceeded\"}}".getBytes(StandardCharsets.UTF_8), false)
                : StubModel.Response.of(429, "application/json", "{\"error\":{}}".getBytes(StandardCharsets.UTF_8), false));
        Collector c = llmCollector(model.port());
        assertThat(post(c, "/v1/chat/completions", "{\"messages\":[{\"content\":\"long\"}]}").statusCode()).isEqualTo(400);
        assertThat(post(c, "/v1/chat/completions", "{}").statusCode()).isEqualTo(429);
        assertThat(snapshot(c).generation().errors()).containsEntry("context_too_long", 1L).containsEntry("rate_limited", 1L);
    }

    @Test
    void aClientThatLeavesMidStreamIsCountedAsADisconnect() throws Exception {
        DemoLlmServer llm = llm(5, 50, 200, 0);
        Collector c = llmCollector(llm.port());
        HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + c.dataPort() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = stream.body()) {
            assertThat(in.readNBytes(16)).hasSize(16);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(snapshot(c).generation().disconnected()).isEqualTo(1));
        assertThat(snapshot(c).generation().requests()).isZero();
    }

    @Test
    void theOpenInferenceGenerateExtensionIsReadStreamedAndNot() throws Exception {
        StubModel model = model(r -> r.uri().endsWith("/generate_stream")
                ? StubModel.Response.of(200, "text/event-stream", ("data: {\"model_name\":\"llama\",\"text_output\":\"Hi\"}\n\n"
                        + "data: {\"model_name\":\"llama\",\"text_output\":\" there\"}\n\n"
                        + "data: {\"model_name\":\"llama\",\"text_output\":\"\",\"finish_reason\":\"length\"}\n\n")
                        .getBytes(StandardCharsets.UTF_8), true)
                : StubModel.Response.json("{\"model_name\":\"llama\",\"text_output\":\"Hi there\"}"));
        Collector c = collector(model.port(), "MM_PROTOCOL", "oip-generate", "MM_TASK", "generation");
        String ask = "{\"text_input\":\"hello\",\"parameters\":{\"max_tokens\":2}}";
        assertThat(ids(post(c, "/v2/models/llama/generate_stream", ask))).hasSize(1);
        assertThat(ids(post(c, "/v2/models/llama/generate", ask))).hasSize(1);
        GenerationSnapshot g = snapshot(c).generation();
        assertThat(g.requests()).isEqualTo(2);
        assertThat(g.streamed()).isEqualTo(1);
        assertThat(g.completionTokens()).as("two output events; no usage, and no tokenizer for the answer").isEqualTo(2);
        assertThat(g.tokensCounted()).isEqualTo(1);
        assertThat(g.finishReasons()).containsEntry("length", 1L).as("the plain answer gave none").containsEntry("none", 1L);
        assertThat(g.unparsed().values()).as("a generate stream has no [DONE]").allMatch(v -> v == 0);
    }

    @Test
    void aClassifierHasNoGenerationFigures() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\": [1]}"));
        Collector c = collector(model);
        post(c, "/v1/models/m:predict", "{\"instances\": [[1]]}");
        assertThat(snapshot(c).generation()).isNull();
    }
}

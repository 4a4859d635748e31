package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.modelmonitor.metrics.GenerationSnapshot;
import io.modelmonitor.metrics.LatencyHistogram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** The generation meter reads an answer's events as they pass, whatever chunks they come in. */
class GenerationMeterTest {

    private static final String STREAM = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"\"},\"finish_reason\":null}]}\n\n"
            + ": a comment line, ignored\n"
            + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\r\n\r\n"
            + "event: message\n"
            + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\r\n"
            + "data: \"finish_reason\":null}]}\r\r"
            + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n"
            + "data: [DONE]\n\n";

    private final MemoryBudget budget = new MemoryBudget("bodies", 1 << 20);
    private final GenerationStats stats = new GenerationStats(new LabelTable(8, 64, java.util.List.of(), false));

    private GenerationMeter meter(GenerationMeter.Endpoint endpoint) {
        return new GenerationMeter(stats, endpoint, 0, 4096, budget);
    }

    /** Feeds {@code body} in chunks cut at {@code cuts}, each chunk arriving 10 ms after the previous. */
    private void feed(GenerationMeter m, byte[] body, int... cuts) {
        int from = 0;
        long now = 100_000_000L;
        int[] all = Arrays.copyOf(cuts, cuts.length + 1);
        all[cuts.length] = body.length;
        for (int cut : all) {
            ByteBuf chunk = Unpooled.wrappedBuffer(body, from, cut - from);
            int before = chunk.readerIndex();
            m.content(chunk, now);
            assertThat(chunk.readerIndex()).as("nothing consumed: the chunk goes on to the client whole").isEqualTo(before);
            from = cut;
            now += 10_000_000L;
        }
        m.end(now, true);
    }

    @Test
    void aStreamReadsTheSameWhereverItsChunksAreCut() {
        byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < body.length; cut++) {
            GenerationStats one = new GenerationStats(new LabelTable(8, 64, java.util.List.of(), false));
            GenerationMeter m = new GenerationMeter(one, GenerationMeter.Endpoint.CHAT, 0, 4096, budget);
            m.head(200, "text/event-stream", null);
            feed(m, body, cut);
            GenerationSnapshot s = one.snapshot();
            assertThat(s.completionTokens()).as("cut at %d", cut).isEqualTo(3);
            assertThat(s.promptTokens()).isEqualTo(9);
            assertThat(s.tokensFromUsage()).isEqualTo(1);
            assertThat(s.finishReasons()).containsEntry("stop", 1L).containsEntry("none", 0L);
            assertThat(s.unparsed().values()).as("cut at %d: %s", cut, s.unparsed()).allMatch(v -> v == 0);
            assertThat(Arrays.stream(s.interTokenBuckets()).sum()).as("three output events, two gaps").isEqualTo(2);
            assertThat(Arrays.stream(s.ttftBuckets()).sum()).isEqualTo(1);
        }
        assertThat(budget.used()).as("every copy went back to the budget").isZero();
    }

    @Test
    void theFirstTokenIsTheFirstEventWithOutputAndGapsAreTimedAsTheyArrive() {
        GenerationMeter m = meter(GenerationMeter.Endpoint.CHAT);
        m.head(200, "text/event-stream; charset=utf-8", null);
        byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
        int role = STREAM.indexOf("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"");
        int second = STREAM.indexOf("event: message");
        // The role chunk at 100 ms, "Hel" at 110 ms, "lo" and "!" at 120 ms: the first token is at 110 ms.
        feed(m, body, role, second);
        GenerationSnapshot s = stats.snapshot();
        assertThat(s.ttftBuckets()[LatencyHistogram.bucketOf(110)]).isEqualTo(1);
        assertThat(s.interTokenBuckets()[LatencyHistogram.bucketOf(10)]).as("Hel to lo").isEqualTo(1);
        assertThat(s.interTokenBuckets()[LatencyHistogram.bucketOf(0)]).as("lo to ! in the same read").isEqualTo(1);
    }

    @Test
    void withoutUsageTheOutputEventsAreCountedAndSaidToBe() {
        GenerationMeter m = meter(GenerationMeter.Endpoint.COMPLETIONS);
        m.head(200, "text/event-stream", null);
        feed(m, ("data: {\"choices\":[{\"text\":\"a\",\"finish_reason\":null}]}\n\n"
                + "data: {\"choices\":[{\"text\":\"b\",\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n")
                .getBytes(StandardCharsets.UTF_8));
        GenerationSnapshot s = stats.snapshot();
        assertThat(s.completionTokens()).isEqualTo(2);
        assertThat(s.tokensCounted()).isEqualTo(1);
        assertThat(s.tokensFromUsage()).isZero();
        assertThat(s.finishReasons()).containsEntry("length", 1L);
    }

    @Test
    void badEventsAreCountedByReasonAndTheRestIsStillRead() {
        GenerationMeter m = meter(GenerationMeter.Endpoint.CHAT);
        m.head(200, "text/event-stream", null);
        byte[] giant = ("data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(5000) + "\"}}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] notUtf8 = {'d', 'a', 't', 'a', ':', ' ', '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n',
            '\n'};
        byte[] rest = ("data: {not json\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":0}}\n\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[giant.length + notUtf8.length + rest.length];
        System.arraycopy(giant, 0, body, 0, giant.length);
        System.arraycopy(notUtf8, 0, body, giant.length, notUtf8.length);
        System.arraycopy(rest, 0, body, giant.length + notUtf8.length, rest.length);
        feed(m, body, 100, giant.length + 3);
        GenerationSnapshot s = stats.snapshot();
        assertThat(s.unparsed()).containsEntry("event_too_large", 1L).containsEntry("not_utf8", 1L)
                .containsEntry("malformed_event", 1L)
                .as("usage says 0 completion tokens, the stream carried one").containsEntry("usage_contradicts_stream", 1L)
                .as("the stream ended without [DONE]").containsEntry("no_done", 1L);
        assertThat(s.finishReasons()).containsEntry("stop", 1L);
        assertThat(budget.used()).isZero();
    }

    @Test
    void aNonStreamedAnswerIsReadAtItsEndAndAnEmbeddingPerInput() {
        GenerationMeter m = meter(GenerationMeter.Endpoint.CHAT);
        m.head(200, "application/json", null);
        feed(m, ("{\"choices\":[{\"message\":{\"content\":\"hi\"},\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":16}}").getBytes(StandardCharsets.UTF_8), 20);
        GenerationMeter e = meter(GenerationMeter.Endpoint.EMBEDDINGS);
        e.head(200, "application/json", null);
        feed(e, "{\"data\":[{\"embedding\":[0.1]},{\"embedding\":[0.2]}],\"usage\":{\"prompt_tokens\":4}}"
                .getBytes(StandardCharsets.UTF_8));
        GenerationSnapshot s = stats.snapshot();
        assertThat(s.requests()).isEqualTo(2);
        assertThat(s.streamed()).isZero();
        assertThat(s.completionTokens()).isEqualTo(16);
        assertThat(s.promptTokens()).isEqualTo(9);
        assertThat(s.finishReasons()).containsEntry("length", 1L);
        assertThat(s.embeddingInputs()).isEqualTo(2);
        assertThat(Arrays.stream(s.ttftBuckets()).sum()).as("no first token without a stream").isZero();
    }

    @Test
    void failuresAreClassedByStatusAndWhatTheErrorSays() {
        String[][] cases = {{"429", "{\"error\":{\"message\":\"slow down\"}}"},
            {"400", "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens\","
                    + "\"code\":\"context_length_exceeded\"}}"},
            {"400", "{\"error\":{\"message\":\"temperature must be at most 2\"}}"}, {"503", "{}"}};
        for (String[] c : cases) {
            GenerationMeter m = meter(GenerationMeter.Endpoint.CHAT);
            m.head(Integer.parseInt(c[0]), "application/json", null);
            feed(m, c[1].getBytes(StandardCharsets.UTF_8));
        }
        assertThat(stats.snapshot().errors()).containsEntry("rate_limited", 1L).containsEntry("context_too_long", 1L)
                .containsEntry("client_error", 1L).containsEntry("server_error", 1L);
    }

    @Test
    void aClientThatLeavesMidStreamIsADisconnectNotAnAnswer() {
        GenerationMeter m = meter(GenerationMeter.Endpoint.CHAT);
        m.head(200, "text/event-stream", null);
        m.content(Unpooled.wrappedBuffer("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n".getBytes(
                StandardCharsets.UTF_8)), 5);
        m.clientGone();
        m.end(10, false);
        GenerationSnapshot s = stats.snapshot();
        assertThat(s.disconnected()).isEqualTo(1);
        assertThat(s.requests()).isZero();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aCompressedAnswerIsPassedOnUnread() {
        GenerationMeter m = meter(GenerationMeter.Endpoint.CHAT);
        m.head(200, "text/event-stream", "gzip");
        feed(m, new byte[] {0x1f, (byte) 0x8b, 8, 0});
        assertThat(stats.snapshot().unparsed()).containsEntry("encoded", 1L).containsEntry("no_done", 0L);
    }

    @Test
    void pathsNameTheEndpointAndOthersAreNotGenerations() {
        var openai = io.modelmonitor.api.v1alpha1.ModelProtocol.OPENAI;
        var oip = io.modelmonitor.api.v1alpha1.ModelProtocol.OIP_GENERATE;
        assertThat(GenerationMeter.Endpoint.of(openai, "/v1/chat/completions")).isEqualTo(GenerationMeter.Endpoint.CHAT);
        assertThat(GenerationMeter.Endpoint.of(openai, "/openai/v1/completions")).isEqualTo(GenerationMeter.Endpoint.COMPLETIONS);
        assertThat(GenerationMeter.Endpoint.of(openai, "/v1/embeddings")).isEqualTo(GenerationMeter.Endpoint.EMBEDDINGS);
        assertThat(GenerationMeter.Endpoint.of(openai, "/v1/models")).isNull();
        assertThat(GenerationMeter.Endpoint.of(oip, "/v2/models/llama/generate_stream"))
                .isEqualTo(GenerationMeter.Endpoint.GENERATE_STREAM);
        assertThat(GenerationMeter.Endpoint.of(oip, "/v2/models/llama/versions/2/generate"))
                .isEqualTo(GenerationMeter.Endpoint.GENERATE);
        assertThat(GenerationMeter.Endpoint.of(oip, "/v2/models/llama/infer")).isNull();
    }
}

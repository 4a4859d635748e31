package io.modelmonitor.collector;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;

import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.collector.GenerationStats.ErrorClass;
import io.modelmonitor.collector.GenerationStats.FinishReason;
import io.modelmonitor.collector.GenerationStats.Unparsed;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Reads one generative answer as it passes through, never holding it back: a server-sent event stream is scanned
 * line by line as each chunk goes on to the client (only the event being read is copied, within the bodies' budget),
 * a JSON answer is copied within the body limit and read at its end. From it: the time to the first event that
 * carries output, the gaps between such events, the tokens (from {@code usage}, else one per output event), the
 * finish reasons, the error class of a failure. One instance per request, used on its connection's event loop.
 */
final class GenerationMeter {

    /** What a request asks for, by its path. */
    enum Endpoint {
        CHAT, COMPLETIONS, EMBEDDINGS, GENERATE, GENERATE_STREAM;

        /** The endpoint of a path under a protocol, or null: not a generation (model lists, health, metrics). */
        static Endpoint of(ModelProtocol protocol, String path) {
            if (protocol == ModelProtocol.OPENAI) {
                if (path.endsWith("/chat/completions")) {
                    return CHAT;
                }
                if (path.endsWith("/completions")) {
                    return COMPLETIONS;
                }
                return path.endsWith("/embeddings") ? EMBEDDINGS : null;
            }
            if (protocol == ModelProtocol.OIP_GENERATE && path.startsWith("/v2/models/")) {
                if (path.endsWith("/generate_stream")) {
                    return GENERATE_STREAM;
                }
                return path.endsWith("/generate") ? GENERATE : null;
            }
            return null;
        }
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};
    private static final ByteProcessor LINE_END = ByteProcessor.FIND_CRLF;

    private final GenerationStats stats;
    private final Endpoint endpoint;
    private final long startNanos;
    private final BodyCapture line;
    private final BodyCapture data;
    private BodyCapture body;
    private int status;
    private boolean stream;
    private boolean skipLf;
    private boolean lineTooLarge;
    private boolean eventTooLarge;
    private boolean done;
    private boolean stopped;
    private long firstOutputNanos;
    private long lastOutputNanos;
    private long outputEvents;
    private long promptTokens = -1;
    private long completionTokens = -1;
    private boolean finishSeen;
    private boolean errorInStream;
    private boolean ended;
    /** The request's segment in the collector's table, or -1 before it is known. */
    private int segment = -1;

    GenerationMeter(GenerationStats stats, Endpoint endpoint, long startNanos, int maxBytes, MemoryBudget budget) {
        this.stats = stats;
        this.endpoint = endpoint;
        this.startNanos = startNanos;
        this.line = new BodyCapture(maxBytes, budget);
        this.data = new BodyCapture(maxBytes, budget);
        this.body = new BodyCapture(maxBytes, budget);
    }

    /** The answer's head: a stream of events, a JSON document, or something not to read. */
    void head(int status, String contentType, String contentEncoding) {
        this.status = status;
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (contentEncoding != null && !contentEncoding.isBlank() && !contentEncoding.equalsIgnoreCase("identity")) {
            stats.unparsed(Unparsed.ENCODED);
            stop();
            return;
        }
        stream = type.startsWith("text/event-stream");
        if (stream) {
            body.release();
            body = null;
        } else if (!type.isEmpty() && !type.contains("json")) {
            if (status < 400) {
                stats.unparsed(Unparsed.NOT_JSON);
            }
            stop();
        }
    }

    /** The request's segment (an index of the collector's segment table), for its time to first token. */
    void segment(int index) {
        this.segment = index;
    }

    /** Whether the request asks for an answer people can give feedback on (embeddings are not one). */
    boolean answers() {
        return endpoint != Endpoint.EMBEDDINGS;
    }

    /** A part of the answer, read without being consumed, just before it goes on to the client. */
    void content(ByteBuf chunk, long nowNanos) {
        if (stopped || !chunk.isReadable()) {
            return;
        }
        if (!stream) {
            if (!body.append(chunk)) {
                stats.unparsed(body.overflow() == BodyCapture.Overflow.OVER_BUDGET ? Unparsed.OVER_BUDGET : Unparsed.TOO_LARGE);
                stop();
            }
            return;
        }
        int i = chunk.readerIndex();
        int end = chunk.writerIndex();
        while (i < end && !stopped) {
            if (skipLf) {
                skipLf = false;
                if (chunk.getByte(i) == '\n') {
                    i++;
                    continue;
                }
            }
            int eol = chunk.forEachByte(i, end - i, LINE_END);
            if (eol < 0) {
                appendLine(chunk, i, end - i);
                return;
            }
            appendLine(chunk, i, eol - i);
            skipLf = chunk.getByte(eol) == '\r';
            lineEnded(nowNanos);
            i = eol + 1;
        }
    }

    private void appendLine(ByteBuf chunk, int from, int length) {
        if (length > 0 && !lineTooLarge && !line.append(chunk.slice(from, length))) {
            if (line.overflow() == BodyCapture.Overflow.OVER_BUDGET) {
                stats.unparsed(Unparsed.OVER_BUDGET);
                stop();
                return;
            }
            lineTooLarge = true;
        }
    }

    /** A line of the event stream (WHATWG HTML, server-sent events): a blank one dispatches the event. */
    private void lineEnded(long nowNanos) {
        if (lineTooLarge) {
            // The rest of this event is skipped; its blank line still ends it.
            lineTooLarge = false;
            eventTooLarge = true;
            line.clear();
            return;
        }
        int n = line.length();
        byte[] b = line.bytes();
        if (n == 0) {
            dispatch(nowNanos);
            return;
        }
        if (n >= DATA.length && b[0] == 'd' && b[1] == 'a' && b[2] == 't' && b[3] == 'a' && b[4] == ':') {
            int from = n > DATA.length && b[DATA.length] == ' ' ? DATA.length + 1 : DATA.length;
            if (data.length() > 0) {
                appendData(new byte[] {'\n'}, 0, 1);
            }
            appendData(b, from, n - from);
        }
        line.clear();
    }

    private void appendData(byte[] bytes, int from, int length) {
        if (!eventTooLarge && !data.append(io.netty.buffer.Unpooled.wrappedBuffer(bytes, from, length))) {
            if (data.overflow() == BodyCapture.Overflow.OVER_BUDGET) {
                stats.unparsed(Unparsed.OVER_BUDGET);
                stop();
                return;
            }
            eventTooLarge = true;
        }
    }

    private void dispatch(long nowNanos) {
        if (eventTooLarge) {
            stats.unparsed(Unparsed.EVENT_TOO_LARGE);
            eventTooLarge = false;
            data.clear();
            return;
        }
        int n = data.length();
        if (n == 0) {
            return;
        }
        byte[] b = data.bytes();
        if (n == 6 && b[0] == '[' && b[1] == 'D' && b[2] == 'O' && b[3] == 'N' && b[4] == 'E' && b[5] == ']') {
            done = true;
            data.clear();
            return;
        }
        JsonNode event = parse(b, n);
        data.clear();
        if (event == null) {
            return;
        }
        if (event.hasNonNull("error")) {
            errorInStream = true;
            return;
        }
        boolean output = read(event);
        if (output) {
            if (outputEvents == 0) {
                firstOutputNanos = nowNanos;
            } else {
                GenerationStats.record(stats.interToken, (nowNanos - lastOutputNanos) / 1e6);
            }
            lastOutputNanos = nowNanos;
            outputEvents++;
        }
    }

    private JsonNode parse(byte[] bytes, int length) {
        try {
            JsonNode node = PredictionReader.JSON.readTree(bytes, 0, length);
            if (node != null && node.isObject()) {
                return node;
            }
            stats.unparsed(Unparsed.MALFORMED_EVENT);
        } catch (JsonParseException e) {
            stats.unparsed(e.getOriginalMessage() != null && e.getOriginalMessage().contains("UTF-8")
                    ? Unparsed.NOT_UTF8 : Unparsed.MALFORMED_EVENT);
        } catch (IOException | RuntimeException e) {
            stats.unparsed(Unparsed.MALFORMED_EVENT);
        }
        return null;
    }

    /** Reads one event or whole answer: its usage and finish reasons; true when it carries output. */
    private boolean read(JsonNode node) {
        usage(node);
        if (endpoint == Endpoint.GENERATE || endpoint == Endpoint.GENERATE_STREAM) {
            JsonNode text = node.get("text_output");
            JsonNode reason = node.path("details").get("finish_reason");
            if (reason == null) {
                reason = node.get("finish_reason");
            }
            finish(reason);
            return text != null && text.isTextual() && !text.asText().isEmpty();
        }
        boolean output = false;
        JsonNode choices = node.get("choices");
        if (choices != null && choices.isArray()) {
            int i = 0;
            for (JsonNode choice : choices) {
                if (++i > 256) {
                    break;
                }
                JsonNode delta = choice.has("delta") ? choice.get("delta") : choice.get("message");
                if (nonEmpty(choice.get("text")) || delta != null && (nonEmpty(delta.get("content"))
                        || nonEmpty(delta.get("reasoning_content")) || delta.path("tool_calls").size() > 0)) {
                    output = true;
                }
                finish(choice.get("finish_reason"));
            }
        }
        return output;
    }

    /** The tokens an answer (or its last event) reports; a negative or non-integer count is none. */
    private void usage(JsonNode node) {
        JsonNode usage = node.get("usage");
        if (usage != null && usage.isObject()) {
            if (usage.path("prompt_tokens").canConvertToLong()) {
                promptTokens = Math.max(0, usage.path("prompt_tokens").asLong());
            }
            if (usage.path("completion_tokens").canConvertToLong()) {
                completionTokens = Math.max(0, usage.path("completion_tokens").asLong());
            }
        }
    }

    private void finish(JsonNode reason) {
        if (reason != null && reason.isTextual()) {
            finishSeen = true;
            stats.finish(FinishReason.of(reason.asText()));
        }
    }

    private static boolean nonEmpty(JsonNode text) {
        return text != null && text.isTextual() && !text.asText().isEmpty();
    }

    private void stop() {
        stopped = true;
        release();
    }

    private void release() {
        line.release();
        data.release();
        if (body != null) {
            body.release();
        }
    }

    /** The model finished its answer (complete) or hung up (not complete). */
    void end(long nowNanos, boolean complete) {
        if (ended) {
            return;
        }
        ended = true;
        if (status >= 400) {
            stats.error(errorClass());
        } else if (status >= 200 && status < 300 && !stopped) {
            if (!stream && body.length() > 0) {
                JsonNode answer = parse(body.bytes(), body.length());
                if (answer != null) {
                    if (endpoint == Endpoint.EMBEDDINGS) {
                        usage(answer);
                        embeddings(answer, nowNanos);
                    } else if (read(answer) && firstOutputNanos == 0) {
                        // Not streamed: the whole answer is its first token, as the client sees it.
                        outputEvents = 1;
                    }
                }
            }
            if (stream && complete && !done && endpoint != Endpoint.GENERATE_STREAM && !errorInStream) {
                stats.unparsed(Unparsed.NO_DONE);
            }
            if (errorInStream) {
                stats.error(ErrorClass.SERVER_ERROR);
            }
            tokens(nowNanos);
        }
        stats.requests.increment();
        if (stream) {
            stats.streamed.increment();
            if (outputEvents > 0) {
                stats.firstToken(segment, (firstOutputNanos - startNanos) / 1e6);
            }
        }
        release();
    }

    /** The client went away before the answer ended. */
    void clientGone() {
        if (!ended) {
            ended = true;
            stats.disconnected.increment();
            release();
        }
    }

    private void tokens(long nowNanos) {
        if (endpoint == Endpoint.EMBEDDINGS) {
            return;
        }
        if (!finishSeen && (stream || outputEvents > 0)) {
            stats.finish(FinishReason.NONE);
        }
        long completion = completionTokens;
        if (completionTokens >= 0) {
            stats.tokensFromUsage.increment();
            if (promptTokens > 0) {
                stats.promptTokens.add(promptTokens);
            }
            if (stream && completionTokens < outputEvents) {
                stats.unparsed(Unparsed.USAGE_CONTRADICTS_STREAM);
            }
        } else if (stream && outputEvents > 0) {
            completion = outputEvents;
            stats.tokensCounted.increment();
        }
        if (completion > 0) {
            stats.completionTokens.add(completion);
            double seconds = (nowNanos - startNanos) / 1e9;
            if (seconds > 0) {
                GenerationStats.record(stats.outputRate, completion / seconds);
            }
        }
    }

    private void embeddings(JsonNode answer, long nowNanos) {
        JsonNode items = answer.get("data");
        int inputs = items != null && items.isArray() ? items.size() : 0;
        if (promptTokens > 0) {
            stats.promptTokens.add(promptTokens);
            stats.tokensFromUsage.increment();
        }
        if (inputs > 0) {
            stats.embeddingInputs.add(inputs);
            GenerationStats.record(stats.embeddingPerInput, (nowNanos - startNanos) / 1e6 / inputs);
        }
    }

    /** A failed request's class: by status, and for a refused request by what its error says (context length). */
    private ErrorClass errorClass() {
        if (status == 429) {
            return ErrorClass.RATE_LIMITED;
        }
        if (status >= 500) {
            return ErrorClass.SERVER_ERROR;
        }
        if (body != null && body.length() > 0 && !body.overflowed()) {
            String text = new String(body.bytes(), 0, Math.min(body.length(), 4096),
                    java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            if (text.contains("context_length_exceeded") || text.contains("maximum context length")
                    || text.contains("context length") || text.contains("too many tokens")) {
                return ErrorClass.CONTEXT_TOO_LONG;
            }
        }
        return ErrorClass.CLIENT_ERROR;
    }
}

package io.modelmonitor.sandbox;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A language "model" speaking the OpenAI API as vLLM does, for the sandbox, the tests and the benchmarks:
 * {@code /v1/chat/completions} and {@code /v1/completions}, streamed (server-sent events, one token per event, the
 * finish reason in the last choice, a usage chunk when {@code stream_options.include_usage} asks for it, then
 * {@code data: [DONE]}) or not, {@code /v1/embeddings} and {@code /v1/models}. Its version's behaviour is all the
 * operator can tell apart: how long before the first token, how long between tokens, how long its answers are and
 * how often it runs into {@code max_tokens}. It keeps the last few bodies it sent, so a test can compare them with
 * what a client received through the collector.
 */
public final class DemoLlmServer implements DemoServer {

    /**
     * How this version behaves: ms before the first token, ms between tokens, tokens in a full answer, and the share
     * of answers that run on until {@code max_tokens} (finish reason length).
     */
    public record Behaviour(String version, double firstTokenMs, double tokenMs, int answerTokens, double truncatedShare) {
    }

    public static final String MODEL = "demo-llm";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = {"The", " model", " is", " healthy", " and", " its", " answers", " are",
        " short", ",", " clear", " and", " on", " time", "."};
    private static final int KEPT = 16;

    private final Vertx vertx;
    private final HttpServer server;
    private volatile Behaviour behaviour;
    private final SplittableRandom random = new SplittableRandom();
    private final AtomicLong ids = new AtomicLong();
    private final ArrayDeque<byte[]> sent = new ArrayDeque<>();

    private DemoLlmServer(Vertx vertx, HttpServer server, Behaviour behaviour) {
        this.vertx = vertx;
        this.server = server;
        this.behaviour = behaviour;
    }

    public static DemoLlmServer start(String host, int port, Behaviour behaviour) {
        return DemoServer.start("demo LLM", host, port, (vertx, server) -> {
            DemoLlmServer model = new DemoLlmServer(vertx, server, behaviour);
            server.requestHandler(model::handle);
            return model;
        });
    }

    public int port() {
        return server.actualPort();
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public void behave(Behaviour next) {
        this.behaviour = next;
    }

    /** The bodies of the last answers sent, oldest first (at most 16). */
    public synchronized List<byte[]> sent() {
        return new ArrayList<>(sent);
    }

    private synchronized void keep(byte[] body) {
        if (sent.size() == KEPT) {
            sent.removeFirst();
        }
        sent.addLast(body);
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if ("GET".equals(request.method().name()) && path.equals("/v1/models")) {
            json(request.response(), 200, "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\","
                    + "\"owned_by\":\"model-monitor\"}]}");
            return;
        }
        if (!"POST".equals(request.method().name())) {
            request.response().setStatusCode("/health".equals(path) ? 200 : 404).end();
            return;
        }
        request.body().onSuccess(body -> {
            JsonNode ask;
            try {
                ask = JSON.readTree(body.getBytes());
            } catch (IOException e) {
                json(request.response(), 400, "{\"error\":{\"message\":\"request is not JSON\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            switch (path) {
                case "/v1/chat/completions" -> complete(request.response(), ask, true);
                case "/v1/completions" -> complete(request.response(), ask, false);
                case "/v1/embeddings" -> embed(request.response(), ask);
                default -> json(request.response(), 404, "{\"error\":{\"message\":\"no route " + path + "\"}}");
            }
        });
    }

    private void complete(HttpServerResponse response, JsonNode ask, boolean chat) {
        Behaviour b = behaviour;
        int maxTokens = ask.path("max_tokens").asInt(ask.path("max_completion_tokens").asInt(256));
        boolean truncated = nextDouble() < b.truncatedShare() || b.answerTokens() >= maxTokens;
        int tokens = Math.max(1, truncated ? maxTokens : b.answerTokens());
        String finish = truncated ? "length" : "stop";
        int prompt = promptTokens(ask);
        String id = (chat ? "chatcmpl-" : "cmpl-") + b.version() + "-" + ids.incrementAndGet();
        long created = System.currentTimeMillis() / 1000;
        if (!ask.path("stream").asBoolean(false)) {
            long delay = Math.round(b.firstTokenMs() + b.tokenMs() * (tokens - 1));
            vertx.setTimer(Math.max(1, delay), t -> {
                ObjectNode answer = JSON.createObjectNode().put("id", id)
                        .put("object", chat ? "chat.completion" : "text_completion").put("created", created)
                        .put("model", MODEL);
                ObjectNode choice = answer.putArray("choices").addObject().put("index", 0);
                if (chat) {
                    choice.putObject("message").put("role", "assistant").put("content", text(0, tokens));
                } else {
                    choice.put("text", text(0, tokens));
                }
                choice.putNull("logprobs").put("finish_reason", finish);
                answer.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", tokens)
                        .put("total_tokens", prompt + tokens);
                json(response, 200, answer.toString());
            });
            return;
        }
        boolean usage = ask.path("stream_options").path("include_usage").asBoolean(false);
        response.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache");
        Buffer all = Buffer.buffer();
        String object = chat ? "chat.completion.chunk" : "text_completion";
        vertx.setTimer(Math.max(1, Math.round(b.firstTokenMs())), t -> {
            if (chat) {
                send(response, all, chunk(id, object, created, chat, "", null, true));
            }
            stream(response, all, id, object, created, chat, 0, tokens, finish, usage ? new int[] {prompt, tokens} : null, b);
        });
    }

    /** Token {@code i} of {@code tokens}, then the next after the behaviour's gap; the finish, usage and [DONE] last. */
    private void stream(HttpServerResponse response, Buffer all, String id, String object, long created, boolean chat,
            int i, int tokens, String finish, int[] usage, Behaviour b) {
        if (response.closed()) {
            return;
        }
        boolean last = i == tokens - 1;
        send(response, all, chunk(id, object, created, chat, text(i, i + 1), last ? finish : null, false));
        if (!last) {
            vertx.setTimer(Math.max(1, Math.round(b.tokenMs() * (0.5 + nextDouble()))), t ->
                    stream(response, all, id, object, created, chat, i + 1, tokens, finish, usage, b));
            return;
        }
        if (usage != null) {
            ObjectNode u = JSON.createObjectNode().put("id", id).put("object", object).put("created", created)
                    .put("model", MODEL);
            u.putArray("choices");
            u.putObject("usage").put("prompt_tokens", usage[0]).put("completion_tokens", usage[1])
                    .put("total_tokens", usage[0] + usage[1]);
            send(response, all, u.toString());
        }
        Buffer done = Buffer.buffer("data: [DONE]\n\n");
        all.appendBuffer(done);
        keep(all.getBytes());
        response.end(done);
    }

    private static String chunk(String id, String object, long created, boolean chat, String text, String finish,
            boolean role) {
        ObjectNode c = JSON.createObjectNode().put("id", id).put("object", object).put("created", created)
                .put("model", MODEL);
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (role) {
                delta.put("role", "assistant");
            }
            delta.put("content", text);
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return c.toString();
    }

    private static void send(HttpServerResponse response, Buffer all, String json) {
        Buffer event = Buffer.buffer("data: " + json + "\n\n");
        all.appendBuffer(event);
        response.write(event);
    }

    private void embed(HttpServerResponse response, JsonNode ask) {
        JsonNode input = ask.path("input");
        List<String> inputs = new ArrayList<>();
        if (input.isArray()) {
            input.forEach(i -> inputs.add(i.asText()));
        } else {
            inputs.add(input.asText());
        }
        ObjectNode answer = JSON.createObjectNode().put("object", "list").put("model", MODEL);
        ArrayNode data = answer.putArray("data");
        int prompt = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ArrayNode vector = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            int h = inputs.get(i).hashCode();
            for (int d = 0; d < 8; d++) {
                vector.add(((h >> d) & 0xff) / 255.0);
            }
            prompt += words(inputs.get(i));
        }
        answer.putObject("usage").put("prompt_tokens", prompt).put("total_tokens", prompt);
        vertx.setTimer(Math.max(1, Math.round(behaviour.firstTokenMs() / 4 * inputs.size())), t ->
                json(response, 200, answer.toString()));
    }

    private static int promptTokens(JsonNode ask) {
        int n = 0;
        for (JsonNode m : ask.path("messages")) {
            n += 4 + words(m.path("content").asText(""));
        }
        return n + words(ask.path("prompt").asText(""));
    }

    private static int words(String text) {
        return text.isBlank() ? 0 : text.trim().split("\\s+").length;
    }

    private static String text(int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append(WORDS[i % WORDS.length]);
        }
        return s.toString();
    }

    private void json(HttpServerResponse response, int status, String body) {
        keep(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public void close() {
        vertx.close();
    }

    /** {@code demo-llm [port] [firstTokenMs] [tokenMs] [host]}: the model alone, e.g. as a pod's model container. */
    public static void main(String... args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        double first = args.length > 1 ? Double.parseDouble(args[1]) : 80;
        double gap = args.length > 2 ? Double.parseDouble(args[2]) : 20;
        String host = args.length > 3 ? args[3] : "127.0.0.1";
        DemoLlmServer model = start(host, port, new Behaviour("v1", first, gap, 24, 0.02));
        System.out.println("demo LLM listening on " + host + ":" + model.port());
        Thread.currentThread().join();
    }
}

package io.modelmonitor.operator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/** A webhook endpoint (on loopback unless told) that records what it receives and can fail the first N deliveries. */
public final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    volatile int failFirst;

    WebhookReceiver() throws IOException {
        this("127.0.0.1");
    }

    /** A receiver on {@code host}, e.g. the test cluster's pod gateway, where the operator's pods reach it. */
    public WebhookReceiver(String host) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, 0), 16);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int attempt = attempts.incrementAndGet();
            int status = attempt <= failFirst ? 500 : 200;
            if (status == 200) {
                received.add(JSON.readTree(body));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/hooks/model-monitor";
    }

    /** Webhook payloads of one event kind. */
    public List<JsonNode> events(String event) {
        return received.stream().filter(j -> event.equals(j.path("event").asText())).toList();
    }

    /** Slack payloads whose text contains the words. */
    List<JsonNode> slackMessages(String words) {
        return received.stream().filter(j -> j.has("text") && j.get("text").asText().contains(words)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

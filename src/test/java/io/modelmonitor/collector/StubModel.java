package io.modelmonitor.collector;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

/** A model server on loopback, written for the tests: answers each request with whatever the test says. */
final class StubModel implements AutoCloseable {

    static {
        // Without it the JDK server's header and body writes meet delayed ACKs: ~40 ms per response.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    record Request(String method, String uri, Map<String, List<String>> headers, byte[] body) {
    }

    record Response(int status, String contentType, byte[] body, boolean chunked, Map<String, String> headers) {

        static Response json(String body) {
            return new Response(200, "application/json", body.getBytes(), false, Map.of());
        }

        static Response of(int status, String contentType, byte[] body, boolean chunked) {
            return new Response(status, contentType, body, chunked, Map.of());
        }
    }

    private final HttpServer server;
    final List<Request> received = new CopyOnWriteArrayList<>();
    volatile Function<Request, Response> answer;

    StubModel(Function<Request, Response> answer) throws IOException {
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            received.add(request);
            Response response = this.answer.apply(request);
            if (response.contentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", response.contentType());
            }
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            boolean empty = response.body().length == 0;
            exchange.sendResponseHeaders(response.status(), response.chunked() ? 0 : empty ? -1 : response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (response.chunked()) {
                    for (int i = 0; i < response.body().length; i += 8192) {
                        out.write(response.body(), i, Math.min(8192, response.body().length - i));
                        out.flush();
                    }
                } else {
                    out.write(response.body());
                }
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}

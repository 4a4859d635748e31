package io.modelmonitor.sandbox;

import java.io.IOException;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A fraud-detection "model" speaking KServe v1, for the sandbox and the benchmarks. Each instance carries its
 * true class in {@code truth} (the traffic generator knows it); the model answers correctly with probability
 * {@code accuracy}, so a worse version is simply a lower number. It can also add latency and fail a share of
 * requests, which is all the operator can tell apart. Beside each prediction it gives its probability of fraud (the
 * confidence it answers with), and an amount beyond anything it was trained on ({@link #UNSEEN_AMOUNT}) it takes for
 * fraud, sure of it: what a model does with inputs from a broken feature pipeline.
 */
public final class DemoModelServer implements DemoServer {

    /**
     * How this version of the model behaves. {@code unfairTo}, when set, names a region whose true positives the
     * model finds only with probability {@code recallThere} (a model that fails one group while its overall
     * accuracy looks fine).
     */
    public record Behaviour(String version, double accuracy, double latencyMs, double errorRate, String unfairTo,
            double recallThere) {

        public Behaviour(String version, double accuracy, double latencyMs, double errorRate) {
            this(version, accuracy, latencyMs, errorRate, null, 0);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Amounts are 10 to 1,000 in the traffic it was trained on; one beyond this is out of its world. */
    public static final double UNSEEN_AMOUNT = 5_000;

    private final Vertx vertx;
    private final HttpServer server;
    private volatile Behaviour behaviour;
    // Unseeded: two replicas with one seed would make the same mistakes on the same request numbers, and the
    // demo's groups would differ by more than chance.
    private final SplittableRandom random = new SplittableRandom();

    private DemoModelServer(Vertx vertx, HttpServer server, Behaviour behaviour) {
        this.vertx = vertx;
        this.server = server;
        this.behaviour = behaviour;
    }

    public static DemoModelServer start(String host, int port, Behaviour behaviour) {
        return DemoServer.start("demo model", host, port, (vertx, server) -> {
            DemoModelServer model = new DemoModelServer(vertx, server, behaviour);
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

    private void handle(HttpServerRequest request) {
        if (request.path().startsWith("/v1/models/") && request.path().endsWith(":predict")) {
            request.body().onSuccess(body -> {
                Behaviour b = behaviour;
                if (b.errorRate() > 0 && nextDouble() < b.errorRate()) {
                    request.response().setStatusCode(500).end("{\"error\":\"demo model failure\"}");
                    return;
                }
                String answer = predict(body.getBytes(), b);
                long delay = Math.round(b.latencyMs() * (0.5 + nextDouble()));
                if (delay <= 0) {
                    reply(request, answer);
                } else {
                    vertx.setTimer(delay, t -> reply(request, answer));
                }
            });
            return;
        }
        if (request.path().startsWith("/v1/models/")) {
            request.response().putHeader("Content-Type", "application/json")
                    .end("{\"name\":\"fraud-detector\",\"ready\":true,\"version\":\"" + behaviour.version() + "\"}");
            return;
        }
        request.response().setStatusCode("/healthz".equals(request.path()) ? 200 : 404).end();
    }

    private static void reply(HttpServerRequest request, String answer) {
        request.response().putHeader("Content-Type", "application/json").end(answer);
    }

    private String predict(byte[] body, Behaviour b) {
        ArrayNode predictions = JSON.createArrayNode();
        ArrayNode probabilities = JSON.createArrayNode();
        try {
            JsonNode instances = JSON.readTree(body).path("instances");
            for (JsonNode instance : instances) {
                if (instance.path("amount").asDouble(0) > UNSEEN_AMOUNT) {
                    predictions.add(1);
                    probabilities.add(0.99);
                    continue;
                }
                int truth = instance.path("truth").asInt(0);
                double right = b.unfairTo() != null && truth == 1 && b.unfairTo().equals(instance.path("region").asText())
                        ? b.recallThere() : b.accuracy();
                int predicted = nextDouble() < right ? truth : 1 - truth;
                predictions.add(predicted);
                probabilities.add(Math.round((predicted == 1 ? right : 1 - right) * 1000) / 1000.0);
            }
        } catch (IOException e) {
            return "{\"error\":\"request is not JSON\"}";
        }
        return "{\"predictions\":" + predictions + ",\"probabilities\":" + probabilities + ",\"model_version\":\""
                + b.version() + "\"}";
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public void close() {
        vertx.close();
    }

    /**
     * {@code demo-model [port] [accuracy] [latencyMs] [host]}: the model alone, e.g. as the benchmarks' backend
     * (on 127.0.0.1) or as the model container of a pod (host 0.0.0.0, as a model server listens in its pod).
     */
    public static void main(String... args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        double accuracy = args.length > 1 ? Double.parseDouble(args[1]) : 0.95;
        double latency = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        String host = args.length > 3 ? args[3] : "127.0.0.1";
        DemoModelServer model = start(host, port, new Behaviour("accuracy-" + accuracy, accuracy, latency, 0));
        System.out.println("demo model listening on " + host + ":" + model.port());
        Thread.currentThread().join();
    }
}

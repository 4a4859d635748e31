package io.modelmonitor.collector;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.modelmonitor.collector.CollectorStats.Feedback;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

/**
 * Ground-truth labels: {@code POST /modelmonitor/v1/feedback} on the data port. A label names a prediction by
 * its id, or carries its prediction with it. Ids issued by another replica are forwarded to that replica's admin
 * port, so a client may send every label to the Service. With a token configured, every request must present it:
 * forged labels could force a rollback.
 */
final class FeedbackHandler {

    static final String FORWARDED_PATH = "/modelmonitor/v1/feedback/forwarded";
    static final int MAX_ITEMS = 10_000;
    private static final long FORWARD_TIMEOUT_MS = 5_000;

    private final CollectorConfig config;
    private final CollectorStats stats;
    private final PendingPredictions pending;
    private final PredictionIds ids;
    private final HttpClient peers;
    private final byte[] token;

    FeedbackHandler(CollectorConfig config, CollectorStats stats, PendingPredictions pending, PredictionIds ids,
            HttpClient peers) {
        this.config = config;
        this.stats = stats;
        this.pending = pending;
        this.ids = ids;
        this.peers = peers;
        this.token = config.feedbackToken() == null ? null : config.feedbackToken().getBytes(StandardCharsets.UTF_8);
    }

    /** Labels from clients, on the data port. */
    void handle(HttpServerRequest request) {
        receive(request, false);
    }

    /** Labels another replica forwarded, on the admin port; never forwarded again. */
    void handleForwarded(HttpServerRequest request) {
        receive(request, true);
    }

    private void receive(HttpServerRequest request, boolean forwarded) {
        if (!authorized(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            request.response().setStatusCode(401)
                    .putHeader("WWW-Authenticate", "Bearer realm=\"model-monitor feedback\"")
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{\"error\":\"a valid Authorization: Bearer token is required\"}");
            return;
        }
        BodyCapture body = new BodyCapture(config.maxBodyBytes());
        request.handler(chunk -> {
            if (!body.append(chunk)) {
                request.handler(null);
                request.response().setStatusCode(413).putHeader(HttpHeaders.CONNECTION, "close")
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end("{\"error\":\"feedback body is larger than " + config.maxBodyBytes() + " bytes\"}");
            }
        });
        request.endHandler(v -> {
            if (body.overflowed()) {
                return;
            }
            JsonNode root;
            try {
                root = PredictionReader.JSON.readTree(body.bytes(), 0, body.length());
            } catch (java.io.IOException e) {
                root = null;
            }
            if (root == null || !(root.isObject() || root.isArray()) || root.size() > MAX_ITEMS && root.isArray()) {
                request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end("{\"error\":\"body must be a JSON object or an array of at most " + MAX_ITEMS
                                + " objects\"}");
                return;
            }
            List<JsonNode> items = new ArrayList<>();
            if (root.isArray()) {
                root.forEach(items::add);
            } else {
                items.add(root);
            }
            process(items, forwarded).onComplete(ar -> request.response().setStatusCode(202)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(ar.result().toJson()));
        });
    }

    private boolean authorized(String header) {
        if (token == null) {
            return true;
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Constant time, so the token cannot be guessed byte by byte from response times.
        return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    /** The outcome of one feedback request, in the shape the endpoint answers with. */
    static final class Outcome {
        int matched;
        int unmatched;
        final List<Object[]> rejections = new ArrayList<>();

        void reject(int index, String reason) {
            rejections.add(new Object[] {index, reason});
        }

        String toJson() {
            ObjectNode json = PredictionReader.JSON.createObjectNode();
            json.put("accepted", matched + unmatched);
            json.put("matched", matched);
            json.put("unmatched", unmatched);
            json.put("rejected", rejections.size());
            ArrayNode list = json.putArray("rejections");
            rejections.stream().sorted((a, b) -> Integer.compare((int) a[0], (int) b[0]))
                    .forEach(r -> list.addObject().put("index", (int) r[0]).put("reason", (String) r[1]));
            return json.toString();
        }
    }

    private Future<Outcome> process(List<JsonNode> items, boolean forwarded) {
        Outcome outcome = new Outcome();
        Map<String, List<Integer>> byPeer = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        pending.expireUpTo(now);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String problem = apply(item, now, outcome, forwarded, byPeer, i);
            if (problem != null) {
                outcome.reject(i, problem);
                stats.feedback(Feedback.REJECTED);
            }
        }
        if (byPeer.isEmpty()) {
            return Future.succeededFuture(outcome);
        }
        List<Future<?>> calls = new ArrayList<>();
        byPeer.forEach((peer, indexes) -> calls.add(forward(peer, items, indexes, outcome)));
        return Future.join(calls).transform(ar -> Future.succeededFuture(outcome));
    }

    /** Applies one item; returns why it is rejected, or null. */
    private String apply(JsonNode item, long now, Outcome outcome, boolean forwarded, Map<String, List<Integer>> byPeer,
            int index) {
        if (!item.isObject()) {
            return "item is not a JSON object";
        }
        JsonNode label = item.get("label");
        if (label == null || label.isNull()) {
            return "label is missing";
        }
        String actual = PredictionReader.canonical(label);
        if (actual == null) {
            return "label must be a string, number or boolean";
        }
        if (!config.classification() && !label.isNumber()) {
            return "label must be a number for a regression model";
        }
        if (item.hasNonNull("id")) {
            PredictionIds.Parsed id = PredictionIds.parse(item.get("id").asText());
            if (id == null) {
                return "id is not an X-Prediction-Id issued by model-monitor";
            }
            if (!ids.isOwnAddress(id)) {
                if (forwarded) {
                    return "id was issued by another collector; forwarded labels are not forwarded again";
                }
                byPeer.computeIfAbsent(id.host() + ":" + id.port(), k -> new ArrayList<>()).add(index);
                return null;
            }
            PendingPredictions.Pending prediction = ids.isOwn(id) ? pending.take(id.seq(), now) : null;
            if (prediction == null) {
                // Unknown, already labeled, expired, evicted, or issued before this collector restarted.
                outcome.unmatched++;
                stats.feedback(Feedback.UNMATCHED);
                return null;
            }
            record(prediction.segmentIndex(), prediction.classIndex(), prediction.value(), actual, label);
            outcome.matched++;
            return null;
        }
        if (item.has("prediction")) {
            JsonNode predicted = item.get("prediction");
            String predictedClass = PredictionReader.canonical(predicted);
            if (predictedClass == null || (!config.classification() && !predicted.isNumber())) {
                return config.classification() ? "prediction must be a string, number or boolean"
                        : "prediction must be a number for a regression model";
            }
            String segment = PredictionReader.canonical(item.get("segment"));
            int segmentIndex = stats.segments.indexOf(segment == null || segment.isBlank() ? ProxyHandler.NO_SEGMENT : segment);
            int cls = config.classification() ? stats.classes.indexOf(predictedClass) : 0;
            record(segmentIndex, cls, predicted.asDouble(), actual, label);
            outcome.matched++;
            return null;
        }
        return "item needs an id (from X-Prediction-Id) or a prediction";
    }

    private void record(int segment, int predictedClass, double predictedValue, String actual, JsonNode label) {
        if (config.classification()) {
            stats.label(segment, predictedClass, stats.classes.indexOf(actual));
        } else {
            stats.regressionLabel(predictedValue, label.asDouble());
        }
    }

    private static JsonNode parse(Buffer body) {
        try {
            return PredictionReader.JSON.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("peer answered with invalid JSON", e);
        }
    }

    private Future<Void> forward(String peer, List<JsonNode> items, List<Integer> indexes, Outcome outcome) {
        ArrayNode body = PredictionReader.JSON.createArrayNode();
        for (int i : indexes) {
            ObjectNode item = body.addObject();
            item.set("id", items.get(i).get("id"));
            item.set("label", items.get(i).get("label"));
        }
        int colon = peer.lastIndexOf(':');
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setHost(peer.substring(0, colon).replace("[", "").replace("]", ""))
                .setPort(Integer.parseInt(peer.substring(colon + 1)))
                .setURI(FORWARDED_PATH)
                .setTimeout(FORWARD_TIMEOUT_MS)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (config.feedbackToken() != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + config.feedbackToken());
        }
        stats.forwarded.add(indexes.size());
        return peers.request(options)
                .compose(request -> request.send(Buffer.buffer(body.toString())))
                .compose(response -> response.body().map(b -> {
                    if (response.statusCode() != 202) {
                        throw new IllegalStateException("status " + response.statusCode());
                    }
                    return b;
                }))
                .map(b -> {
                    JsonNode answer = parse(b);
                    synchronized (outcome) {
                        outcome.matched += answer.path("matched").asInt();
                        outcome.unmatched += answer.path("unmatched").asInt();
                        answer.path("rejections").forEach(r ->
                                outcome.reject(indexes.get(r.path("index").asInt()), r.path("reason").asText()));
                    }
                    return (Void) null;
                })
                .recover(error -> {
                    // The owner is gone (restarted, scaled in) or unreachable: its predictions cannot be joined.
                    synchronized (outcome) {
                        outcome.unmatched += indexes.size();
                    }
                    for (int i = 0; i < indexes.size(); i++) {
                        stats.feedback(Feedback.UNMATCHED);
                    }
                    return Future.succeededFuture();
                });
    }
}

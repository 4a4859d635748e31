package io.modelmonitor.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.modelmonitor.collector.CollectorStats.Feedback;

/**
 * Ground-truth labels, whichever port they came in on: {@code POST /modelmonitor/v1/feedback} on the data port from
 * clients, or forwarded by another replica to the admin port. A label names a prediction by its id, or carries its
 * prediction with it. An id must carry a valid signature (see {@link PredictionIds}); one issued by another replica
 * is forwarded to the address inside it, and only then, signed with the monitor's key; an id older than the label TTL
 * is not forwarded. With a token configured, every client request must present it: forged labels could force a
 * rollback.
 */
final class FeedbackService {

    static final int MAX_ITEMS = 10_000;

    /** An HTTP answer, whichever server sends it. */
    record Answer(int status, String json, boolean authenticate) {
    }

    static final Answer UNAUTHORIZED = new Answer(401, "{\"error\":\"a valid Authorization: Bearer token is required\"}",
            true);

    /**
     * Sends labels on to the replica that issued their ids, signed with the monitor's key (never with the feedback
     * token); completes with its answer if that answer is signed with the same key, or exceptionally.
     */
    interface Peers {
        CompletableFuture<JsonNode> forward(String host, int port, byte[] json);
    }

    private final CollectorConfig config;
    private final CollectorStats stats;
    /** A generative model's feedback counters (accept, reject, score), or null for other models. */
    private final GenerationStats generation;
    private final PendingPredictions pending;
    private final PredictionIds ids;
    private final Peers peers;
    private final byte[] token;

    FeedbackService(CollectorConfig config, CollectorStats stats, GenerationStats generation, PendingPredictions pending,
            PredictionIds ids, Peers peers) {
        this.config = config;
        this.stats = stats;
        this.generation = generation;
        this.pending = pending;
        this.ids = ids;
        this.peers = peers;
        this.token = config.feedbackToken() == null ? null : config.feedbackToken().getBytes(StandardCharsets.UTF_8);
    }

    /** Handles one feedback request: its body (already bounded by the server), its Authorization header. */
    CompletableFuture<Answer> handle(byte[] body, int length, String authorization, boolean forwarded) {
        if (!forwarded && !authorized(authorization)) {
            return CompletableFuture.completedFuture(UNAUTHORIZED);
        }
        JsonNode root;
        try {
            root = parseOneDocument(body, length);
        } catch (InvalidBody e) {
            return CompletableFuture.completedFuture(error(e.getMessage()));
        }
        if (root == null || !(root.isObject() || root.isArray()) || root.isArray() && root.size() > MAX_ITEMS) {
            return CompletableFuture.completedFuture(error("body must be a JSON object or an array of at most " + MAX_ITEMS
                    + " objects"));
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        return process(items, forwarded).thenApply(o -> new Answer(202, o.toJson(), false));
    }

    /** Why a body is refused, phrased for the client. */
    private static final class InvalidBody extends Exception {
        InvalidBody(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * One JSON document per request: trailing data (a second document, garbage) is refused, not ignored, so what a
     * client meant and what was applied cannot differ. Whitespace after the document is fine.
     */
    static JsonNode parseOneDocument(byte[] body, int length) throws InvalidBody {
        try (JsonParser parser = PredictionReader.JSON.getFactory().createParser(body, 0, length)) {
            JsonNode root;
            try {
                root = PredictionReader.JSON.readTree(parser);
            } catch (JsonProcessingException e) {
                throw new InvalidBody("body is not valid JSON at offset " + offset(e.getLocation()));
            }
            if (root == null) {
                throw new InvalidBody("body is empty; send a JSON object or array");
            }
            long end = parser.currentLocation().getByteOffset();
            boolean more;
            try {
                more = parser.nextToken() != null;
            } catch (JsonProcessingException e) {
                more = true;
            }
            if (more) {
                throw new InvalidBody("body must be exactly one JSON document; there is more data after it at offset " + end);
            }
            return root;
        } catch (IOException e) {
            throw new InvalidBody("body is not valid JSON");
        }
    }

    private static long offset(JsonLocation location) {
        return location == null ? -1 : location.getByteOffset();
    }

    private static Answer error(String message) {
        ObjectNode json = PredictionReader.JSON.createObjectNode().put("error", message);
        return new Answer(400, json.toString(), false);
    }

    /** Whether a client's Authorization header carries the feedback token (always, when none is configured). */
    boolean authorized(String header) {
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

    private CompletableFuture<Outcome> process(List<JsonNode> items, boolean forwarded) {
        Outcome outcome = new Outcome();
        Map<String, List<Integer>> byPeer = new LinkedHashMap<>();
        Map<String, PredictionIds.Parsed> peerIds = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        pending.expireUpTo(now);
        for (int i = 0; i < items.size(); i++) {
            String problem = apply(items.get(i), now, outcome, forwarded, byPeer, peerIds, i);
            if (problem != null) {
                outcome.reject(i, problem);
                stats.feedback(Feedback.REJECTED);
            }
        }
        if (byPeer.isEmpty()) {
            return CompletableFuture.completedFuture(outcome);
        }
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        byPeer.forEach((peer, indexes) -> calls.add(forward(peerIds.get(peer), items, indexes, outcome)));
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> outcome);
    }

    /** Applies one item; returns why it is rejected, or null. */
    private String apply(JsonNode item, long now, Outcome outcome, boolean forwarded, Map<String, List<Integer>> byPeer,
            Map<String, PredictionIds.Parsed> peerIds, int index) {
        if (!item.isObject()) {
            return "item is not a JSON object";
        }
        if (generation != null) {
            return applyToAnswer(item, now, outcome, forwarded, byPeer, peerIds, index);
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
            Resolved resolved = resolve(item, now, outcome, forwarded, byPeer, peerIds, index);
            if (resolved.pending() != null) {
                PendingPredictions.Pending prediction = resolved.pending();
                record(segmentOf(prediction, item), prediction.classIndex(), prediction.value(), actual, label);
                outcome.matched++;
            }
            return resolved.problem();
        }
        if (item.has("prediction")) {
            JsonNode predicted = item.get("prediction");
            String predictedClass = PredictionReader.canonical(predicted);
            if (predictedClass == null || (!config.classification() && !predicted.isNumber())) {
                return config.classification() ? "prediction must be a string, number or boolean"
                        : "prediction must be a number for a regression model";
            }
            String segment = PredictionReader.canonical(item.get("segment"));
            int segmentIndex = stats.segments.indexOf(segment == null || segment.isBlank() ? PredictionReader.NO_SEGMENT : segment);
            int cls = config.classification() ? stats.classes.indexOf(predictedClass) : 0;
            record(segmentIndex, cls, config.classification() ? Double.NaN : predicted.asDouble(), actual, label);
            outcome.matched++;
            return null;
        }
        return "item needs an id (from X-Prediction-Id) or a prediction";
    }

    /**
     * Feedback on a generative model's answer, by the answer's id: {@code accepted} (true or false), a {@code score} in
     * [0, 1], or both. An answer takes one feedback: its id is spent by the first.
     */
    private String applyToAnswer(JsonNode item, long now, Outcome outcome, boolean forwarded,
            Map<String, List<Integer>> byPeer, Map<String, PredictionIds.Parsed> peerIds, int index) {
        JsonNode accepted = item.get("accepted");
        JsonNode score = item.get("score");
        boolean hasAccepted = accepted != null && !accepted.isNull();
        boolean hasScore = score != null && !score.isNull();
        if (!hasAccepted && !hasScore) {
            return "item needs accepted (true or false) or score (a number in [0, 1]) for a generative model's answer";
        }
        if (hasAccepted && !accepted.isBoolean()) {
            return "accepted must be true or false";
        }
        if (hasScore && (!score.isNumber() || !(score.asDouble() >= 0 && score.asDouble() <= 1))) {
            return "score must be a number in [0, 1]";
        }
        if (!item.hasNonNull("id")) {
            return "id is required: the X-Prediction-Id of the answer";
        }
        Resolved resolved = resolve(item, now, outcome, forwarded, byPeer, peerIds, index);
        if (resolved.pending() != null) {
            generation.feedback(segmentOf(resolved.pending(), item), hasAccepted ? accepted.booleanValue() : null,
                    hasScore ? score.asDouble() : Double.NaN);
            stats.feedback(Feedback.MATCHED);
            outcome.matched++;
        }
        return resolved.problem();
    }

    /** An item's id resolved: why it is refused, or its prediction taken (null: unmatched or sent on, and counted). */
    private record Resolved(String problem, PendingPredictions.Pending pending) {
    }

    private Resolved resolve(JsonNode item, long now, Outcome outcome, boolean forwarded,
            Map<String, List<Integer>> byPeer, Map<String, PredictionIds.Parsed> peerIds, int index) {
        if (!item.get("id").isTextual()) {
            return new Resolved("id must be a string (a value of X-Prediction-Id)", null);
        }
        PredictionIds.Verified verified = ids.verify(item.get("id").asText());
        if (verified.problem() != null) {
            // Refused before anything is looked up or called: a forged id reaches no address.
            return new Resolved(verified.problem(), null);
        }
        PredictionIds.Parsed id = verified.id();
        if (id.expired(now, config.labelTtl().toMillis())) {
            // Its prediction has expired wherever it was made; and the address in an old id may be another pod's.
            outcome.unmatched++;
            stats.feedback(Feedback.UNMATCHED);
            return new Resolved(null, null);
        }
        if (!ids.isOwnAddress(id)) {
            if (forwarded) {
                return new Resolved("id was issued by another collector; forwarded labels are not forwarded again", null);
            }
            String peer = id.host() + ":" + id.port();
            byPeer.computeIfAbsent(peer, k -> new ArrayList<>()).add(index);
            peerIds.putIfAbsent(peer, id);
            return new Resolved(null, null);
        }
        PendingPredictions.Pending prediction = ids.isOwn(id) ? pending.take(id.seq(), now) : null;
        if (prediction == null) {
            // Unknown, already labeled, expired, evicted, or issued before this collector restarted.
            outcome.unmatched++;
            stats.feedback(Feedback.UNMATCHED);
        }
        return new Resolved(null, prediction);
    }

    /**
     * The prediction's segment; when the request carried none, the label's own {@code segment} (the group is often
     * known only where the ground truth comes from). The prediction itself stays counted under "none".
     */
    private int segmentOf(PendingPredictions.Pending prediction, JsonNode item) {
        int none = stats.segments.indexOf(PredictionReader.NO_SEGMENT);
        if (prediction.segmentIndex() != none || !item.hasNonNull("segment")) {
            return prediction.segmentIndex();
        }
        String segment = PredictionReader.canonical(item.get("segment"));
        return segment == null || segment.isBlank() ? none : stats.segments.indexOf(segment);
    }

    private void record(int segment, int predictedClass, double predictedValue, String actual, JsonNode label) {
        if (config.classification()) {
            int actualClass = stats.classes.indexOf(actual);
            stats.label(segment, predictedClass, actualClass);
            stats.labeledScore(predictedClass, actualClass, predictedValue);
        } else {
            stats.regressionLabel(predictedValue, label.asDouble());
        }
    }

    private CompletableFuture<Void> forward(PredictionIds.Parsed owner, List<JsonNode> items, List<Integer> indexes,
            Outcome outcome) {
        ArrayNode body = PredictionReader.JSON.createArrayNode();
        for (int i : indexes) {
            ObjectNode item = body.addObject();
            item.set("id", items.get(i).get("id"));
            for (String field : new String[] {"label", "accepted", "score"}) {
                if (items.get(i).has(field)) {
                    item.set(field, items.get(i).get(field));
                }
            }
            if (items.get(i).hasNonNull("segment")) {
                item.set("segment", items.get(i).get("segment"));
            }
        }
        stats.forwarded.add(indexes.size());
        return peers.forward(owner.host(), owner.port(), body.toString().getBytes(StandardCharsets.UTF_8))
                .thenAccept(answer -> {
                    synchronized (outcome) {
                        outcome.matched += answer.path("matched").asInt();
                        outcome.unmatched += answer.path("unmatched").asInt();
                        answer.path("rejections").forEach(r -> {
                            int at = r.path("index").asInt(-1);
                            if (at >= 0 && at < indexes.size()) {
                                outcome.reject(indexes.get(at), r.path("reason").asText());
                            }
                        });
                    }
                })
                .exceptionally(error -> {
                    // The owner is gone (restarted, scaled in) or unreachable: its predictions cannot be joined.
                    synchronized (outcome) {
                        outcome.unmatched += indexes.size();
                    }
                    for (int i = 0; i < indexes.size(); i++) {
                        stats.feedback(Feedback.UNMATCHED);
                    }
                    return null;
                });
    }
}

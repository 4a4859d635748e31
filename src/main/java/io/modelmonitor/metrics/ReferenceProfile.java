package io.modelmonitor.metrics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a model was trained or validated on, feature by feature, in the sketches the collectors make: the reference
 * that input drift and the reference-range checks compare a window with. Written by the jar's {@code profile}
 * command into a ConfigMap (key {@link #KEY}), read by the operator. The text comes from a user, so reading it
 * checks every bound and names the first thing wrong.
 */
public record ReferenceProfile(long rows, Map<String, Feature> features, Scores scores) {

    public ReferenceProfile(long rows, Map<String, Feature> features) {
        this(rows, features, null);
    }

    /**
     * A binary classifier's scores on the reference, with their labels: per score bin ({@link ScoreCounts#BINS}), the
     * predictions and how many of them were positive. What calibrates the estimate made without labels.
     */
    public record Scores(long[] counts, long[] positives) {
    }

    /** The ConfigMap key that holds the profile. */
    public static final String KEY = "profile.json";
    /** What the profile says it is: a different format is refused, not guessed at. */
    public static final String FORMAT = "modelmonitor.io/profile/v1";
    /** A ConfigMap holds at most 1 MiB; a profile of 64 features at their largest fits within it. */
    public static final int MAX_CHARS = 1 << 20;
    /** As many features as a monitor may declare. */
    public static final int MAX_FEATURES = 64;

    /** One feature of the reference: its values and missing rows, and its distribution. */
    public record Feature(String type, long values, long missing, FeatureSketch sketch) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("rows", rows);
        ArrayNode list = root.putArray("features");
        features.forEach((name, f) -> list.addObject().put("name", name).put("type", f.type()).put("values", f.values())
                .put("missing", f.missing()).put("sketch", Base64.getEncoder().encodeToString(f.sketch().toBytes())));
        if (scores != null) {
            ObjectNode s = root.putObject("scores");
            ArrayNode counts = s.putArray("counts");
            ArrayNode positives = s.putArray("positives");
            for (int b = 0; b < ScoreCounts.BINS; b++) {
                counts.add(scores.counts()[b]);
                positives.add(scores.positives()[b]);
            }
        }
        return root.toPrettyString();
    }

    /**
     * @throws IllegalArgumentException with a message that names what is wrong, for the monitor's condition
     */
    public static ReferenceProfile parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("has no " + KEY);
        }
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("holds a " + KEY + " of " + text.length() + " characters, more than "
                    + MAX_CHARS);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("holds a " + KEY + " that is not JSON");
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException("holds a " + KEY + " whose format is not " + FORMAT
                    + " (write it with the profile command)");
        }
        Scores scores = scores(root.path("scores"));
        JsonNode list = root.path("features");
        if (!list.isArray() || (list.isEmpty() && scores == null) || list.size() > MAX_FEATURES) {
            throw new IllegalArgumentException("must list 1 to " + MAX_FEATURES + " features, or scores");
        }
        Map<String, Feature> features = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode f : list) {
            String name = f.path("name").asText("");
            String type = f.path("type").asText("");
            if (name.isEmpty() || name.length() > InputCounts.MAX_NAME_LENGTH || features.containsKey(name)) {
                throw new IllegalArgumentException("has a feature whose name is empty, longer than "
                        + InputCounts.MAX_NAME_LENGTH + " characters or repeated: '" + abbreviate(name) + "'");
            }
            try {
                byte[] bytes = Base64.getDecoder().decode(f.path("sketch").asText(""));
                features.put(name, new Feature(type, Math.max(0, f.path("values").asLong()),
                        Math.max(0, f.path("missing").asLong()), FeatureSketch.of(type, bytes)));
            } catch (IllegalArgumentException e) {
                problems.add(name + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("has features that cannot be read: " + String.join("; ", problems));
        }
        return new ReferenceProfile(Math.max(0, root.path("rows").asLong()), features, scores);
    }

    private static Scores scores(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        JsonNode counts = node.path("counts");
        JsonNode positives = node.path("positives");
        if (!counts.isArray() || !positives.isArray() || counts.size() != ScoreCounts.BINS
                || positives.size() != ScoreCounts.BINS) {
            throw new IllegalArgumentException("has scores that are not " + ScoreCounts.BINS + " counts and "
                    + ScoreCounts.BINS + " positives");
        }
        long[] c = new long[ScoreCounts.BINS];
        long[] p = new long[ScoreCounts.BINS];
        for (int b = 0; b < c.length; b++) {
            c[b] = Math.max(0, counts.get(b).asLong());
            p[b] = Math.max(0, Math.min(c[b], positives.get(b).asLong()));
        }
        return new Scores(c, p);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}

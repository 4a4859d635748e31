package io.modelmonitor.collector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.api.v1alpha1.ModelTask;

/**
 * Reads the predictions out of a model's response: KServe v1 {@code predictions[]}, Open Inference Protocol v2
 * {@code outputs[0].data} (rows of a [batch, k] output are one prediction each), or the value at a JSON pointer.
 * A batch gives one prediction per instance. A vector prediction (scores or probabilities) is read as the index
 * of its largest element.
 */
final class PredictionReader {

    /**
     * Predictions of one response, or why there are none; for a binary classifier that gives them, {@code scores}
     * holds each prediction's probability of the positive class (NaN where a prediction has none), else null.
     */
    record Result(List<String> classes, double[] values, CollectorStats.Unparsed failure, double[] scores) {

        Result(List<String> classes, double[] values, CollectorStats.Unparsed failure) {
            this(classes, values, failure, null);
        }

        static Result failed(CollectorStats.Unparsed reason) {
            return new Result(List.of(), new double[0], reason);
        }

        Result withScores(double[] scores) {
            return new Result(classes, values, failure, scores);
        }

        /** The positive-class probability of prediction {@code i}, or NaN. */
        double score(int i) {
            return scores == null || i >= scores.length ? Double.NaN : scores[i];
        }

        int size() {
            return Math.max(classes.size(), values.length);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    /** The segment of requests that carry none. */
    static final String NO_SEGMENT = "none";

    private final ModelProtocol protocol;
    private final JsonPointer pointer;
    private final boolean classification;
    private final boolean binary;
    private final JsonPointer scorePointer;
    private final String positiveLabel;

    PredictionReader(CollectorConfig config) {
        this.protocol = config.protocol();
        this.pointer = config.predictionPointer() == null ? null : JsonPointer.compile(config.predictionPointer());
        this.classification = config.classification();
        this.binary = config.task() == ModelTask.BINARY_CLASSIFICATION;
        this.scorePointer = config.scorePointer() == null ? null : JsonPointer.compile(config.scorePointer());
        this.positiveLabel = config.positiveLabel();
    }

    Result read(byte[] body, int length) {
        JsonNode root;
        try {
            root = JSON.readTree(body, 0, length);
        } catch (IOException e) {
            return Result.failed(CollectorStats.Unparsed.NOT_JSON);
        }
        if (root == null) {
            return Result.failed(CollectorStats.Unparsed.NOT_JSON);
        }
        List<JsonNode> instances = instances(root);
        if (instances.isEmpty()) {
            return Result.failed(CollectorStats.Unparsed.NO_PREDICTION);
        }
        if (!classification) {
            return values(instances);
        }
        Result result = classes(instances);
        return result.failure() != null || !binary ? result : result.withScores(scores(root, instances));
    }

    /**
     * Each prediction's probability of the positive class: from the scores at {@code scorePointer} (a number per
     * instance, a vector of two, a map by class; or, for a [batch, 2] tensor's flat data, the second of each pair),
     * else from the prediction itself where it is a vector of two probabilities. Null when there are none.
     */
    private double[] scores(JsonNode root, List<JsonNode> instances) {
        List<JsonNode> nodes = instances;
        if (scorePointer != null) {
            JsonNode at = root.at(scorePointer);
            if (at.isArray() && at.size() == 2 * instances.size() && instances.size() > 1 && at.get(0).isNumber()) {
                double[] pairs = new double[instances.size()];
                for (int i = 0; i < pairs.length; i++) {
                    pairs[i] = probability(at.get(2 * i + positiveIndex()));
                }
                return pairs;
            }
            nodes = at.isMissingNode() || at.isNull() ? List.of() : elements(at);
            if (nodes.size() != instances.size() && instances.size() == 1) {
                nodes = List.of(at);
            }
        }
        if (nodes.size() != instances.size()) {
            return null;
        }
        double[] scores = new double[nodes.size()];
        boolean any = false;
        for (int i = 0; i < scores.length; i++) {
            JsonNode node = nodes.get(i);
            scores[i] = node.isArray() && node.size() == 2 ? probability(node.get(positiveIndex()))
                    : node.isObject() ? probability(node.get(positiveLabel))
                    : scorePointer != null ? probability(node) : Double.NaN;
            any |= !Double.isNaN(scores[i]);
        }
        return any ? scores : null;
    }

    /** In a vector of two class probabilities, the positive class's: its index, as argmax names classes. */
    private int positiveIndex() {
        return "0".equals(positiveLabel) ? 0 : 1;
    }

    /** A probability, or NaN for anything that is not a number in [0, 1]. */
    private static double probability(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return Double.NaN;
        }
        double p = node.asDouble();
        return p >= 0 && p <= 1 ? p : Double.NaN;
    }

    /** The predictions of one Open Inference Protocol v2 output, {@code {shape, data}} (e.g. decoded from gRPC). */
    Result readOpenInferenceOutput(JsonNode output) {
        List<JsonNode> instances = openInference(output);
        if (instances.isEmpty()) {
            return Result.failed(CollectorStats.Unparsed.NO_PREDICTION);
        }
        if (!classification) {
            return values(instances);
        }
        Result result = classes(instances);
        return result.failure() != null || !binary ? result : result.withScores(scores(output, instances));
    }

    private List<JsonNode> instances(JsonNode root) {
        if (pointer != null) {
            JsonNode value = root.at(pointer);
            return value.isMissingNode() || value.isNull() ? List.of() : elements(value);
        }
        if (protocol == ModelProtocol.OPEN_INFERENCE_V2) {
            return openInference(root.path("outputs").path(0));
        }
        JsonNode predictions = root.path("predictions");
        return predictions.isArray() ? elements(predictions) : List.of();
    }

    private static List<JsonNode> elements(JsonNode value) {
        List<JsonNode> list = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(list::add);
        } else {
            list.add(value);
        }
        return list;
    }

    /** Splits an OIP v2 output's flat, row-major data into one node per row of its shape. */
    private static List<JsonNode> openInference(JsonNode output) {
        JsonNode data = output.path("data");
        if (!data.isArray() || data.isEmpty()) {
            return List.of();
        }
        JsonNode shape = output.path("shape");
        int rows = shape.isArray() && shape.size() > 0 ? shape.get(0).asInt(data.size()) : data.size();
        if (rows <= 0 || data.size() % rows != 0) {
            return List.of();
        }
        int width = data.size() / rows;
        List<JsonNode> list = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            if (width == 1) {
                list.add(data.get(r));
            } else {
                var row = JSON.createArrayNode();
                for (int c = 0; c < width; c++) {
                    row.add(data.get(r * width + c));
                }
                list.add(row);
            }
        }
        return list;
    }

    private static Result classes(List<JsonNode> instances) {
        List<String> classes = new ArrayList<>(instances.size());
        for (JsonNode node : instances) {
            String cls = classOf(node);
            if (cls == null) {
                return Result.failed(CollectorStats.Unparsed.NO_PREDICTION);
            }
            classes.add(cls);
        }
        return new Result(classes, new double[0], null);
    }

    private static Result values(List<JsonNode> instances) {
        double[] values = new double[instances.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode node = instances.get(i);
            if (node.isArray() && node.size() == 1) {
                node = node.get(0);
            }
            if (!node.isNumber()) {
                return Result.failed(CollectorStats.Unparsed.NO_PREDICTION);
            }
            values[i] = node.asDouble();
        }
        return new Result(List.of(), values, null);
    }

    /** A class label from a scalar, or the argmax index of a score vector. */
    static String classOf(JsonNode node) {
        if (node.isArray()) {
            if (node.isEmpty()) {
                return null;
            }
            if (node.size() == 1) {
                return classOf(node.get(0));
            }
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < node.size(); i++) {
                if (!node.get(i).isNumber()) {
                    return null;
                }
                if (node.get(i).asDouble() > bestScore) {
                    bestScore = node.get(i).asDouble();
                    best = i;
                }
            }
            return Integer.toString(best);
        }
        return canonical(node);
    }

    /** One spelling per label: 1, 1.0 and "1" are the same class, so labels match predictions. */
    static String canonical(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainerNode()) {
            return null;
        }
        if (node.isNumber()) {
            double d = node.asDouble();
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return node.asText();
        }
        String text = node.asText();
        return text.length() > 128 ? text.substring(0, 128) : text;
    }

    /** The segment of a request from its JSON body, or null when it is not there. */
    static String segmentFromBody(byte[] body, int length, JsonPointer pointer) {
        try {
            JsonNode root = JSON.readTree(body, 0, length);
            return root == null ? null : canonical(root.at(pointer));
        } catch (IOException e) {
            return null;
        }
    }
}

package io.modelmonitor.collector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modelmonitor.api.v1alpha1.ModelProtocol;

/**
 * Reads the predictions out of a model's response: KServe v1 {@code predictions[]}, Open Inference Protocol v2
 * {@code outputs[0].data} (rows of a [batch, k] output are one prediction each), or the value at a JSON pointer.
 * A batch gives one prediction per instance. A vector prediction (scores or probabilities) is read as the index
 * of its largest element.
 */
final class PredictionReader {

    /** Predictions of one response, or why there are none. */
    record Result(List<String> classes, double[] values, CollectorStats.Unparsed failure) {

        static Result failed(CollectorStats.Unparsed reason) {
            return new Result(List.of(), new double[0], reason);
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

    PredictionReader(CollectorConfig config) {
        this.protocol = config.protocol();
        this.pointer = config.predictionPointer() == null ? null : JsonPointer.compile(config.predictionPointer());
        this.classification = config.classification();
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
        return classification ? classes(instances) : values(instances);
    }

    /** The predictions of one Open Inference Protocol v2 output, {@code {shape, data}} (e.g. decoded from gRPC). */
    Result readOpenInferenceOutput(JsonNode output) {
        List<JsonNode> instances = openInference(output);
        if (instances.isEmpty()) {
            return Result.failed(CollectorStats.Unparsed.NO_PREDICTION);
        }
        return classification ? classes(instances) : values(instances);
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

package io.modelmonitor.collector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

import io.modelmonitor.api.v1alpha1.FeatureSpec;
import io.modelmonitor.api.v1alpha1.FeatureType;
import io.modelmonitor.api.v1alpha1.ModelProtocol;

/**
 * Reads the declared features out of a request body, row by row: KServe v1 {@code instances} (objects by key, arrays
 * by index), Open Inference Protocol v2 {@code inputs} (a tensor per feature by name, or a column of the first
 * tensor by index), or a pointer inside each instance. What it cannot read is reported, never thrown: the request
 * has already gone on to the model untouched.
 */
final class InputReader {

    /** One value of one feature in one row. */
    sealed interface Value permits Number, Category, Missing, WrongType {
    }

    record Number(double value) implements Value {
    }

    record Category(String value) implements Value {
    }

    record Missing() implements Value {
    }

    record WrongType() implements Value {
    }

    static final Value MISSING = new Missing();
    static final Value WRONG_TYPE = new WrongType();

    /** An object instance with more members than this is not a feature row but a payload meant to cost us time. */
    static final int MAX_MEMBERS = 4096;

    /** The rows of one request, a value per declared feature in spec order; or, when null, the shape did not match. */
    record Rows(List<Value[]> rows) {

        boolean violation() {
            return rows == null;
        }
    }

    static final Rows VIOLATION = new Rows(null);

    private final ModelProtocol protocol;
    private final List<FeatureSpec> features;
    private final JsonPointer[] pointers;

    InputReader(ModelProtocol protocol, List<FeatureSpec> features) {
        this.protocol = protocol;
        this.features = List.copyOf(features);
        this.pointers = new JsonPointer[features.size()];
        for (int i = 0; i < pointers.length; i++) {
            String p = features.get(i).getPointer();
            pointers[i] = p == null ? null : JsonPointer.compile(p);
        }
    }

    int size() {
        return features.size();
    }

    Rows read(byte[] body, int length) {
        try {
            return read(PredictionReader.JSON.readTree(body, 0, length));
        } catch (IOException e) {
            return VIOLATION;
        }
    }

    /** The rows of a request body already parsed (null: it was empty). */
    Rows read(JsonNode root) {
        if (root == null || !root.isObject()) {
            return VIOLATION;
        }
        if (protocol == ModelProtocol.OPEN_INFERENCE_V2 && root.has("inputs")) {
            return tensors(root.path("inputs"));
        }
        JsonNode instances = root.has("instances") ? root.get("instances") : root.has("inputs") ? root.get("inputs") : null;
        if (instances == null) {
            // Other shapes: the body itself is one instance, read by the features' pointers or names.
            return rowsOf(List.of(root));
        }
        if (!instances.isArray() || instances.isEmpty()) {
            return VIOLATION;
        }
        List<JsonNode> list = new ArrayList<>(instances.size());
        instances.forEach(list::add);
        return rowsOf(list);
    }

    private Rows rowsOf(List<JsonNode> instances) {
        List<Value[]> rows = new ArrayList<>(instances.size());
        for (JsonNode instance : instances) {
            if (instance.size() > MAX_MEMBERS) {
                return VIOLATION;
            }
            Value[] row = new Value[features.size()];
            boolean any = false;
            for (int f = 0; f < row.length; f++) {
                JsonNode node = locate(instance, f);
                if (node == null) {
                    return VIOLATION;
                }
                row[f] = value(node, features.get(f).getType());
                any |= !(row[f] instanceof Missing);
            }
            if (!any && !instance.isObject()) {
                return VIOLATION;
            }
            rows.add(row);
        }
        return new Rows(rows);
    }

    /** The feature's node in one instance; missing where absent; null where the instance has the wrong shape. */
    private JsonNode locate(JsonNode instance, int f) {
        FeatureSpec feature = features.get(f);
        if (pointers[f] != null) {
            return instance.at(pointers[f]);
        }
        if (feature.getIndex() != null) {
            return instance.isArray() ? instance.path(feature.getIndex()) : null;
        }
        return instance.isObject() ? instance.path(feature.getName()) : null;
    }

    /** The rows of a gRPC ModelInfer request's input tensors, decoded to their JSON form (null: not readable). */
    Rows readTensors(JsonNode request) {
        return request == null ? VIOLATION : tensors(request.path("inputs"));
    }

    /** OIP v2: a tensor per feature by name, or columns of the first tensor; rows from the first dimension. */
    private Rows tensors(JsonNode inputs) {
        if (!inputs.isArray() || inputs.isEmpty()) {
            return VIOLATION;
        }
        int rows = -1;
        JsonNode[] tensors = new JsonNode[features.size()];
        for (int f = 0; f < tensors.length; f++) {
            FeatureSpec feature = features.get(f);
            JsonNode tensor = null;
            for (JsonNode input : inputs) {
                if (feature.getName().equals(input.path("name").asText(null))) {
                    tensor = input;
                    break;
                }
            }
            if (tensor == null && feature.getIndex() != null) {
                tensor = inputs.get(0);
            }
            tensors[f] = tensor;
            if (tensor != null) {
                int r = rowsOf(tensor);
                if (r <= 0 || (rows >= 0 && r != rows)) {
                    return VIOLATION;
                }
                rows = r;
            }
        }
        if (rows < 0) {
            return VIOLATION;
        }
        List<Value[]> list = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            Value[] row = new Value[features.size()];
            for (int f = 0; f < row.length; f++) {
                JsonNode tensor = tensors[f];
                if (tensor == null) {
                    row[f] = MISSING;
                    continue;
                }
                JsonNode data = tensor.path("data");
                int width = data.size() / rows;
                Integer index = features.get(f).getIndex();
                JsonNode node;
                if (width == 1) {
                    node = data.get(r);
                } else if (index != null && index < width) {
                    node = data.get(r * width + index);
                } else {
                    return VIOLATION;
                }
                row[f] = value(node, features.get(f).getType());
            }
            list.add(row);
        }
        return new Rows(list);
    }

    /** The first dimension of a tensor whose flat data divides by it; 0 when the tensor is not that. */
    private static int rowsOf(JsonNode tensor) {
        JsonNode data = tensor.path("data");
        if (!data.isArray() || data.isEmpty()) {
            return 0;
        }
        JsonNode shape = tensor.path("shape");
        int rows = shape.isArray() && shape.size() > 0 ? shape.get(0).asInt(0) : data.size();
        return rows > 0 && data.size() % rows == 0 ? rows : 0;
    }

    static Value value(JsonNode node, FeatureType type) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return MISSING;
        }
        if (type == FeatureType.NUMERICAL) {
            if (!node.isNumber()) {
                return WRONG_TYPE;
            }
            double d = node.asDouble();
            return Double.isFinite(d) ? new Number(d) : WRONG_TYPE;
        }
        if (node.isContainerNode()) {
            return WRONG_TYPE;
        }
        // One spelling per category: 1, 1.0 and "1" are the same category, as they are the same class.
        return new Category(PredictionReader.canonical(node));
    }
}

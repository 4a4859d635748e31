package io.modelmonitor.cluster;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One bad spec per rule of the CRD's schema, read from the schema itself: each enum, pattern, bound, length,
 * required field and item count under {@code spec} gives a spec that breaks exactly that rule (starting from a
 * valid spec that sets every optional object), so a rule added to the API is tried without a test being written.
 */
final class SchemaViolations {

    /** A spec that breaks one rule, and what the API server's message must say about it. */
    record Violation(String rule, String path, ObjectNode spec, String expected) {

        @Override
        public String toString() {
            return rule + " at " + path;
        }
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<String> NOT_MATCHING = List.of("!!", "has spaces", "UPPER_case!", "/~2", "9");

    private final List<Violation> found = new ArrayList<>();
    private final ObjectNode valid;

    private SchemaViolations(ObjectNode valid) {
        this.valid = valid;
    }

    /** Every violation of the schema of {@code spec} ({@code properties.spec} of the CRD) that {@code valid} allows. */
    static List<Violation> of(JsonNode specSchema, ObjectNode valid) {
        SchemaViolations walk = new SchemaViolations(valid);
        walk.object(specSchema, "spec", List.of());
        return walk.found;
    }

    private void object(JsonNode schema, String path, List<Object> where) {
        JsonNode properties = schema.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> property = it.next();
            String name = property.getKey();
            if (name.equals("resources")) {
                continue; // core/v1 ResourceRequirements: Kubernetes' own rules
            }
            property(property.getValue(), path + "." + name, append(where, name));
        }
        for (JsonNode required : schema.path("required")) {
            add("required", path + "." + required.asText(), append(where, required.asText()), null, "Required value");
        }
    }

    private void property(JsonNode schema, String path, List<Object> where) {
        if (schema.has("enum")) {
            add("enum", path, where, JSON.textNode("not-a-valid-choice"), "Unsupported value");
        }
        if (schema.has("pattern")) {
            Pattern pattern = Pattern.compile(schema.get("pattern").asText());
            String bad = NOT_MATCHING.stream().filter(v -> !pattern.matcher(v).find()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no non-matching value for " + pattern));
            add("pattern", path, where, JSON.textNode(bad), "should match");
        }
        if (schema.has("maxLength")) {
            add("maxLength", path, where, JSON.textNode("a".repeat(schema.get("maxLength").asInt() + 1)), "Too long");
        }
        if (schema.has("minimum")) {
            add("minimum", path, where, number(schema, schema.get("minimum").asDouble() - 1), "greater than or equal to");
        }
        if (schema.has("maximum")) {
            add("maximum", path, where, number(schema, schema.get("maximum").asDouble() + 1), "less than or equal to");
        }
        if ("array".equals(schema.path("type").asText())) {
            if (schema.has("maxItems")) {
                add("maxItems", path, where, copies(where, schema.get("maxItems").asInt() + 1), "Too many");
            }
            if (schema.has("minItems")) {
                add("minItems", path, where, JSON.arrayNode(), "should have at least");
            }
            if (at(valid, where) instanceof ArrayNode items && !items.isEmpty()) {
                object(schema.path("items"), path + "[0]", append(where, 0));
                property(withoutArrayRules(schema.path("items")), path + "[0]", append(where, 0));
            }
        } else if ("object".equals(schema.path("type").asText())) {
            if (at(valid, where) != null) {
                object(schema, path, where);
            }
        }
    }

    /** An item's own constraints (an enum of a list of strings, say); the item object's fields are walked apart. */
    private static JsonNode withoutArrayRules(JsonNode items) {
        ObjectNode copy = JSON.objectNode();
        items.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("properties") && !f.getKey().equals("required") && !f.getKey().equals("type")) {
                copy.set(f.getKey(), f.getValue());
            }
        });
        return copy;
    }

    private static JsonNode number(JsonNode schema, double value) {
        return "integer".equals(schema.path("type").asText()) ? JSON.numberNode((long) value) : JSON.numberNode(value);
    }

    private ArrayNode copies(List<Object> where, int n) {
        ArrayNode list = JSON.arrayNode();
        JsonNode existing = at(valid, where);
        JsonNode item = existing instanceof ArrayNode a && !a.isEmpty() ? a.get(0) : JSON.textNode("x");
        for (int i = 0; i < n; i++) {
            list.add(item.deepCopy());
        }
        return list;
    }

    /** Records the violation if the place it goes exists in the valid spec (its parent object, at least). */
    private void add(String rule, String path, List<Object> where, JsonNode value, String expected) {
        ObjectNode spec = valid.deepCopy();
        JsonNode parent = at(spec, where.subList(0, where.size() - 1));
        Object last = where.get(where.size() - 1);
        if (parent instanceof ObjectNode o && last instanceof String name) {
            if (value == null) {
                if (!o.has(name)) {
                    return;
                }
                o.remove(name);
            } else {
                o.set(name, value);
            }
        } else if (parent instanceof ArrayNode a && last instanceof Integer i && i < a.size() && value != null) {
            a.set(i, value);
        } else {
            return;
        }
        found.add(new Violation(rule, path, spec, expected));
    }

    private static JsonNode at(JsonNode root, List<Object> where) {
        JsonNode node = root;
        for (Object step : where) {
            if (node == null) {
                return null;
            }
            node = step instanceof Integer i ? node.get(i) : node.get((String) step);
        }
        return node;
    }

    private static List<Object> append(List<Object> where, Object step) {
        List<Object> longer = new ArrayList<>(where);
        longer.add(step);
        return longer;
    }
}

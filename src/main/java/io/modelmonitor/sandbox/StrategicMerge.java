package io.modelmonitor.sandbox;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Strategic merge patch, as kubectl apply and helm upgrade send for built-in kinds: like a JSON merge patch, except
 * that lists of named things (containers, env, volumes, ports, ...) merge element by element on their merge key
 * instead of being replaced, and the {@code $patch}, {@code $setElementOrder}, {@code $deleteFromPrimitiveList} and
 * {@code $retainKeys} directives apply. The API server reads merge keys from each Go type; this reads them from the
 * field's name, which is the same for the core types' lists (a list it does not know is replaced, as for a CRD).
 */
final class StrategicMerge {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"), Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"), Map.entry("env", "name"), Map.entry("volumes", "name"),
            Map.entry("volumeMounts", "mountPath"), Map.entry("volumeDevices", "devicePath"),
            Map.entry("imagePullSecrets", "name"), Map.entry("hostAliases", "ip"), Map.entry("conditions", "type"),
            Map.entry("ownerReferences", "uid"), Map.entry("resourceClaims", "name"),
            Map.entry("topologySpreadConstraints", "topologyKey"));
    /** Lists of plain values whose patch adds to them rather than replacing them. */
    private static final Set<String> MERGED_VALUE_LISTS = Set.of("finalizers");

    private StrategicMerge() {
    }

    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        JsonNode merged = mergeObject(target != null && target.isObject() ? (ObjectNode) target : JSON.createObjectNode(),
                (ObjectNode) patch);
        return merged == null ? JSON.createObjectNode() : merged;
    }

    /** The merged object, or null when the patch says {@code $patch: delete}. */
    private static ObjectNode mergeObject(ObjectNode target, ObjectNode patch) {
        String directive = patch.path("$patch").asText("merge");
        if (directive.equals("delete")) {
            return null;
        }
        if (directive.equals("replace")) {
            return withoutDirectives(patch);
        }
        ObjectNode result = target.deepCopy();
        List<Map.Entry<String, JsonNode>> orders = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.startsWith("$setElementOrder/")) {
                orders.add(field);
            } else if (key.startsWith("$deleteFromPrimitiveList/")) {
                String list = key.substring("$deleteFromPrimitiveList/".length());
                if (result.get(list) instanceof ArrayNode values) {
                    result.set(list, filter(values, v -> !contains(value, v)));
                }
            } else if (key.startsWith("$")) {
                continue; // $patch, $retainKeys: handled around the loop
            } else if (value.isNull()) {
                result.remove(key);
            } else if (value.isObject()) {
                ObjectNode merged = mergeObject(result.get(key) instanceof ObjectNode o ? o : JSON.createObjectNode(),
                        (ObjectNode) value);
                if (merged == null) {
                    result.remove(key);
                } else {
                    result.set(key, merged);
                }
            } else if (value.isArray()) {
                result.set(key, mergeList(key, result.get(key), (ArrayNode) value));
            } else {
                result.set(key, value);
            }
        }
        for (var order : orders) {
            String list = order.getKey().substring("$setElementOrder/".length());
            if (result.get(list) instanceof ArrayNode values) {
                result.set(list, reorder(values, order.getValue(), mergeKey(list, values)));
            }
        }
        if (patch.get("$retainKeys") instanceof ArrayNode retain) {
            result.properties().removeIf(e -> !contains(retain, JSON.getNodeFactory().textNode(e.getKey())));
        }
        return result;
    }

    private static JsonNode mergeList(String field, JsonNode current, ArrayNode patch) {
        ArrayNode target = current instanceof ArrayNode a ? a : JSON.createArrayNode();
        if (MERGED_VALUE_LISTS.contains(field)) {
            ArrayNode union = target.deepCopy();
            patch.forEach(v -> {
                if (!contains(union, v)) {
                    union.add(v);
                }
            });
            return union;
        }
        String mergeKey = mergeKey(field, patch);
        for (JsonNode element : patch) {
            if ("replace".equals(element.path("$patch").asText())) {
                return filter(patch, e -> !e.has("$patch"));
            }
        }
        if (mergeKey == null) {
            return patch;
        }
        ArrayNode result = target.deepCopy();
        for (JsonNode element : patch) {
            int at = indexOf(result, mergeKey, element.get(mergeKey));
            if ("delete".equals(element.path("$patch").asText())) {
                if (at >= 0) {
                    result.remove(at);
                }
            } else if (at >= 0 && element.isObject() && result.get(at).isObject()) {
                result.set(at, mergeObject((ObjectNode) result.get(at), (ObjectNode) element));
            } else {
                result.add(element.isObject() ? withoutDirectives((ObjectNode) element) : element);
            }
        }
        return result;
    }

    /** A list's merge key; ports key on containerPort in containers and on port in Services. */
    private static String mergeKey(String field, ArrayNode sample) {
        if (field.equals("ports")) {
            return sample.size() > 0 && sample.get(0).has("containerPort") ? "containerPort" : "port";
        }
        return MERGE_KEYS.get(field);
    }

    /** The list in the order {@code $setElementOrder} gives; elements it does not name keep their place after. */
    private static ArrayNode reorder(ArrayNode values, JsonNode order, String mergeKey) {
        ArrayNode result = JSON.createArrayNode();
        ArrayNode rest = values.deepCopy();
        for (JsonNode wanted : order) {
            JsonNode key = mergeKey == null ? wanted : wanted.get(mergeKey);
            int at = mergeKey == null ? indexOfValue(rest, key) : indexOf(rest, mergeKey, key);
            if (at >= 0) {
                result.add(rest.remove(at));
            }
        }
        result.addAll(rest);
        return result;
    }

    private static int indexOf(ArrayNode list, String mergeKey, JsonNode key) {
        for (int i = 0; key != null && i < list.size(); i++) {
            if (key.equals(list.get(i).get(mergeKey))) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfValue(ArrayNode list, JsonNode value) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).equals(value)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(JsonNode list, JsonNode value) {
        return list instanceof ArrayNode a && indexOfValue(a, value) >= 0;
    }

    private static ArrayNode filter(ArrayNode list, Predicate<JsonNode> keep) {
        ArrayNode result = JSON.createArrayNode();
        list.forEach(v -> {
            if (keep.test(v)) {
                result.add(v);
            }
        });
        return result;
    }

    private static ObjectNode withoutDirectives(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        copy.properties().removeIf(e -> e.getKey().startsWith("$"));
        return copy;
    }
}

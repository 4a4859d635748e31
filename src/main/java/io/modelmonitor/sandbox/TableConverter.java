package io.modelmonitor.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;

/**
 * Server-side printing, as {@code kubectl get} asks for it (meta.k8s.io/v1 Table): a CRD's additionalPrinterColumns
 * evaluated on each object, or a few familiar columns for the built-in kinds.
 */
final class TableConverter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Column(String name, String type, String jsonPath, int priority) {
    }

    private TableConverter() {
    }

    static String table(ApiDiscovery.Kind kind, JsonNode listOrObject) {
        List<Column> columns = columns(kind);
        ObjectNode table = JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata").put("resourceVersion", listOrObject.path("metadata").path("resourceVersion").asText(""));
        ArrayNode definitions = table.putArray("columnDefinitions");
        definitions.addObject().put("name", "Name").put("type", "string").put("format", "name").put("priority", 0)
                .put("description", "Name must be unique within a namespace.");
        for (Column c : columns) {
            definitions.addObject().put("name", c.name()).put("type", c.type()).put("format", "").put("priority", c.priority())
                    .put("description", c.jsonPath());
        }
        ArrayNode rows = table.putArray("rows");
        List<JsonNode> items = new ArrayList<>();
        if (listOrObject.has("items")) {
            listOrObject.get("items").forEach(items::add);
        } else {
            items.add(listOrObject);
        }
        for (JsonNode item : items) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            cells.add(item.path("metadata").path("name").asText());
            for (Column c : columns) {
                JsonNode value = at(item, c.jsonPath());
                if (value == null || value.isMissingNode() || value.isNull()) {
                    cells.addNull();
                } else if ("date".equals(c.type())) {
                    cells.add(age(value.asText()));
                } else {
                    cells.add(value);
                }
            }
            ObjectNode object = row.putObject("object").put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
            object.set("metadata", item.path("metadata"));
        }
        return table.toString();
    }

    private static List<Column> columns(ApiDiscovery.Kind kind) {
        List<Column> columns = new ArrayList<>();
        if (kind.crd() != null) {
            kind.crd().getSpec().getVersions().stream().filter(v -> v.getName().equals(kind.version())).findFirst()
                    .ifPresent(v -> {
                        if (v.getAdditionalPrinterColumns() == null || v.getAdditionalPrinterColumns().isEmpty()) {
                            columns.add(new Column("Age", "date", ".metadata.creationTimestamp", 0));
                            return;
                        }
                        for (CustomResourceColumnDefinition c : v.getAdditionalPrinterColumns()) {
                            columns.add(new Column(c.getName(), c.getType(), c.getJsonPath(),
                                    c.getPriority() == null ? 0 : c.getPriority()));
                        }
                    });
            return columns;
        }
        switch (kind.kind()) {
            case "Pod" -> {
                columns.add(new Column("Status", "string", ".status.phase", 0));
                columns.add(new Column("IP", "string", ".status.podIP", 1));
            }
            case "Deployment" -> {
                columns.add(new Column("Replicas", "integer", ".spec.replicas", 0));
                columns.add(new Column("Ready", "integer", ".status.readyReplicas", 0));
                columns.add(new Column("Revision", "string", ".metadata.annotations.deployment\\.kubernetes\\.io/revision", 0));
            }
            case "ReplicaSet" -> {
                columns.add(new Column("Desired", "integer", ".spec.replicas", 0));
                columns.add(new Column("Revision", "string", ".metadata.annotations.deployment\\.kubernetes\\.io/revision", 0));
            }
            case "Service" -> columns.add(new Column("Type", "string", ".spec.type", 0));
            case "Event" -> {
                columns.add(new Column("Type", "string", ".type", 0));
                columns.add(new Column("Reason", "string", ".reason", 0));
                columns.add(new Column("Message", "string", ".message", 0));
            }
            default -> {
            }
        }
        columns.add(new Column("Age", "date", ".metadata.creationTimestamp", 0));
        return columns;
    }

    /** A simple JSON path in dot notation; {@code \.} escapes a dot inside a key. */
    static JsonNode at(JsonNode node, String path) {
        List<String> keys = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        for (int i = 1; i < path.length(); i++) {
            char ch = path.charAt(i);
            if (ch == '\\' && i + 1 < path.length()) {
                key.append(path.charAt(++i));
            } else if (ch == '.') {
                keys.add(key.toString());
                key.setLength(0);
            } else {
                key.append(ch);
            }
        }
        keys.add(key.toString());
        JsonNode current = node;
        for (String k : keys) {
            if (current == null || k.isEmpty()) {
                continue;
            }
            current = current.get(k);
        }
        return current;
    }

    /** Ages as kubectl prints them: 45s, 3m12s, 5h, 2d. */
    static String age(String timestamp) {
        try {
            Duration d = Duration.between(Instant.parse(timestamp), Instant.now());
            long s = Math.max(0, d.getSeconds());
            if (s < 120) {
                return s + "s";
            }
            if (s < 600) {
                return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
            }
            if (s < 3 * 3600) {
                return (s / 60) + "m";
            }
            if (s < 48 * 3600) {
                return (s / 3600) + "h";
            }
            return (s / 86400) + "d";
        } catch (RuntimeException e) {
            return timestamp;
        }
    }
}

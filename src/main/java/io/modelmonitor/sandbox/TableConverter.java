package io.modelmonitor.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;

/**
 * Server-side printing, as {@code kubectl get} asks for it (meta.k8s.io/v1 Table): a CRD's additionalPrinterColumns
 * evaluated on each object, or, for the built-in kinds, the columns the API server prints (READY and RESTARTS for
 * pods, TYPE and PORT(S) for Services, OBJECT for Events, ...; priority 1 columns appear with {@code -o wide}).
 */
final class TableConverter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One column: its header, its type for kubectl, its priority (0 always shown, 1 with -o wide), its cell. */
    private record Column(String name, String type, int priority, Function<JsonNode, JsonNode> cell) {

        static Column of(String name, int priority, Function<JsonNode, String> text) {
            return new Column(name, "string", priority, item -> {
                String value = text.apply(item);
                return value == null ? null : TextNode.valueOf(value);
            });
        }
    }

    private static final Column NAME = Column.of("Name", 0, item -> item.path("metadata").path("name").asText());
    private static final Column AGE = Column.of("Age", 0, item -> age(item.path("metadata").path("creationTimestamp").asText()));

    private TableConverter() {
    }

    /** A Table for one object or a list, with column definitions. */
    static ObjectNode table(ApiDiscovery.Kind kind, JsonNode listOrObject) {
        List<Column> columns = columns(kind);
        ObjectNode table = JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata").put("resourceVersion", listOrObject.path("metadata").path("resourceVersion").asText(""));
        ArrayNode definitions = table.putArray("columnDefinitions");
        for (Column c : columns) {
            definitions.addObject().put("name", c.name()).put("type", c.type()).put("format", c == NAME ? "name" : "")
                    .put("priority", c.priority()).put("description", "");
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
            for (Column c : columns) {
                JsonNode value = c.cell().apply(item);
                if (value == null || value.isMissingNode() || value.isNull()) {
                    cells.addNull();
                } else {
                    cells.add(value);
                }
            }
            ObjectNode object = row.putObject("object").put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
            object.set("metadata", item.path("metadata"));
        }
        return table;
    }

    private static List<Column> columns(ApiDiscovery.Kind kind) {
        if (kind.crd() != null) {
            return crdColumns(kind);
        }
        return switch (kind.kind()) {
            case "Pod" -> List.of(NAME, Column.of("Ready", 0, TableConverter::podReady),
                    Column.of("Status", 0, TableConverter::podStatus),
                    new Column("Restarts", "integer", 0, item -> JSON.getNodeFactory().numberNode(
                            stream(item.path("status").path("containerStatuses")).mapToInt(s -> s.path("restartCount").asInt()).sum())),
                    AGE, Column.of("IP", 1, item -> orNone(item.path("status").path("podIP").asText(null))),
                    Column.of("Node", 1, item -> orNone(item.path("spec").path("nodeName").asText(null))));
            case "Service" -> List.of(NAME, Column.of("Type", 0, item -> item.path("spec").path("type").asText("ClusterIP")),
                    Column.of("Cluster-IP", 0, item -> orNone(item.path("spec").path("clusterIP").asText(null))),
                    Column.of("External-IP", 0, item -> "<none>"),
                    Column.of("Port(s)", 0, TableConverter::servicePorts), AGE,
                    Column.of("Selector", 1, item -> orNone(pairs(item.path("spec").path("selector")))));
            case "Event" -> List.of(Column.of("Last Seen", 0, TableConverter::lastSeen),
                    Column.of("Type", 0, item -> item.path("type").asText()),
                    Column.of("Reason", 0, item -> item.path("reason").asText()),
                    Column.of("Object", 0, item -> item.path("involvedObject").path("kind").asText().toLowerCase(Locale.ROOT)
                            + "/" + item.path("involvedObject").path("name").asText()),
                    Column.of("Message", 0, item -> item.path("message").asText()),
                    Column.of("Source", 1, item -> item.path("source").path("component").asText(
                            item.path("reportingComponent").asText(""))),
                    new Column("Count", "integer", 1, item -> JSON.getNodeFactory().numberNode(item.path("count").asInt(1))),
                    new Column("Name", "string", 1, NAME.cell()));
            case "Deployment" -> List.of(NAME,
                    Column.of("Ready", 0, item -> item.path("status").path("readyReplicas").asInt() + "/"
                            + item.path("spec").path("replicas").asInt(1)),
                    number("Up-to-date", ".status.updatedReplicas"), number("Available", ".status.availableReplicas"), AGE,
                    Column.of("Containers", 1, item -> containers(item, "name")),
                    Column.of("Images", 1, item -> containers(item, "image")),
                    Column.of("Selector", 1, item -> pairs(item.path("spec").path("selector").path("matchLabels"))));
            case "ReplicaSet" -> List.of(NAME, number("Desired", ".spec.replicas"), number("Current", ".status.replicas"),
                    number("Ready", ".status.readyReplicas"), AGE,
                    Column.of("Containers", 1, item -> containers(item, "name")),
                    Column.of("Images", 1, item -> containers(item, "image")),
                    Column.of("Selector", 1, item -> pairs(item.path("spec").path("selector").path("matchLabels"))));
            case "Namespace" -> List.of(NAME, Column.of("Status", 0, item -> item.path("status").path("phase").asText("Active")), AGE);
            case "Secret" -> List.of(NAME, Column.of("Type", 0, item -> item.path("type").asText("Opaque")),
                    new Column("Data", "integer", 0, item -> JSON.getNodeFactory().numberNode(
                            item.path("data").size() + item.path("stringData").size())), AGE);
            case "ConfigMap" -> List.of(NAME, new Column("Data", "integer", 0,
                    item -> JSON.getNodeFactory().numberNode(item.path("data").size() + item.path("binaryData").size())), AGE);
            default -> List.of(NAME, AGE);
        };
    }

    private static List<Column> crdColumns(ApiDiscovery.Kind kind) {
        List<Column> columns = new ArrayList<>(List.of(NAME));
        kind.crd().getSpec().getVersions().stream().filter(v -> v.getName().equals(kind.version())).findFirst()
                .ifPresent(v -> {
                    if (v.getAdditionalPrinterColumns() == null || v.getAdditionalPrinterColumns().isEmpty()) {
                        columns.add(AGE);
                        return;
                    }
                    for (CustomResourceColumnDefinition c : v.getAdditionalPrinterColumns()) {
                        String path = c.getJsonPath();
                        boolean date = "date".equals(c.getType());
                        columns.add(new Column(c.getName(), c.getType(), c.getPriority() == null ? 0 : c.getPriority(), item -> {
                            JsonNode value = at(item, path);
                            return date && value != null && !value.isMissingNode() && !value.isNull()
                                    ? TextNode.valueOf(age(value.asText())) : value;
                        }));
                    }
                });
        return columns;
    }

    private static Column number(String name, String path) {
        return new Column(name, "integer", 0, item -> JSON.getNodeFactory().numberNode(at(item, path) == null ? 0
                : at(item, path).asInt()));
    }

    private static String podReady(JsonNode pod) {
        int total = pod.path("spec").path("containers").size();
        long ready = stream(pod.path("status").path("containerStatuses")).filter(s -> s.path("ready").asBoolean()).count();
        return ready + "/" + total;
    }

    /** As kubectl shows it: Terminating, a waiting container's reason (CrashLoopBackOff), else the phase. */
    private static String podStatus(JsonNode pod) {
        if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
            return "Terminating";
        }
        return stream(pod.path("status").path("containerStatuses"))
                .map(s -> s.path("state").path("waiting").path("reason").asText(""))
                .filter(r -> !r.isEmpty()).findFirst()
                .orElse(pod.path("status").path("phase").asText("Pending"));
    }

    private static String servicePorts(JsonNode service) {
        String ports = stream(service.path("spec").path("ports"))
                .map(p -> p.path("port").asText() + (p.hasNonNull("nodePort") ? ":" + p.path("nodePort").asText() : "")
                        + "/" + p.path("protocol").asText("TCP"))
                .collect(Collectors.joining(","));
        return ports.isEmpty() ? "<none>" : ports;
    }

    private static String lastSeen(JsonNode event) {
        for (String field : List.of("lastTimestamp", "eventTime", "firstTimestamp")) {
            if (event.hasNonNull(field) && !event.path(field).asText().isEmpty()) {
                return age(event.path(field).asText());
            }
        }
        return age(event.path("metadata").path("creationTimestamp").asText());
    }

    private static String containers(JsonNode workload, String field) {
        return stream(workload.path("spec").path("template").path("spec").path("containers")).map(c -> c.path(field).asText())
                .collect(Collectors.joining(","));
    }

    /** A label map as a selector: {@code a=x,b=y}. */
    static String pairs(JsonNode map) {
        List<String> pairs = new ArrayList<>();
        map.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(",", pairs);
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? "<none>" : value;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
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

package io.modelmonitor.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;

/**
 * The OpenAPI v3 documents {@code kubectl explain} reads: {@code /openapi/v3} lists one document per group
 * version, and each CRD version's document carries its {@code openAPIV3Schema} as a component schema tagged with
 * {@code x-kubernetes-group-version-kind}, as the API server publishes it. Only custom resources are described;
 * the built-in kinds have no document here (explain them against a real cluster).
 */
final class OpenApiDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<CustomResourceDefinition> crds;

    OpenApiDocuments(List<CustomResourceDefinition> crds) {
        this.crds = crds;
    }

    /** The index: {@code paths} maps "apis/GROUP/VERSION" to the address of its document. */
    String index() {
        ObjectNode index = JSON.createObjectNode();
        ObjectNode paths = index.putObject("paths");
        for (CustomResourceDefinition crd : crds) {
            for (var version : crd.getSpec().getVersions()) {
                if (served(version)) {
                    String path = "apis/" + crd.getSpec().getGroup() + "/" + version.getName();
                    paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash="
                            + Integer.toHexString(document(crd.getSpec().getGroup(), version.getName()).orElseThrow().hashCode()));
                }
            }
        }
        return index.toString();
    }

    /** The document of one group version, or empty when no CRD serves it. */
    Optional<String> document(String group, String version) {
        ObjectNode schemas = JSON.createObjectNode();
        ObjectNode paths = JSON.createObjectNode();
        for (CustomResourceDefinition crd : crds) {
            if (!crd.getSpec().getGroup().equals(group)) {
                continue;
            }
            crd.getSpec().getVersions().stream().filter(v -> v.getName().equals(version) && served(v)).findFirst().ifPresent(v -> {
                JsonNode schema = v.getSchema() == null || v.getSchema().getOpenAPIV3Schema() == null
                        ? JSON.createObjectNode().put("type", "object")
                        : JSON.valueToTree(v.getSchema().getOpenAPIV3Schema());
                ObjectNode published = ((ObjectNode) schema).deepCopy();
                ObjectNode properties = published.has("properties") ? (ObjectNode) published.get("properties")
                        : published.putObject("properties");
                properties.putObject("apiVersion").put("type", "string").put("description", "APIVersion defines the "
                        + "versioned schema of this representation of an object.");
                properties.putObject("kind").put("type", "string").put("description", "Kind is a string value "
                        + "representing the REST resource this object represents.");
                if (!properties.has("metadata") || properties.get("metadata").size() <= 1) {
                    properties.putObject("metadata").put("type", "object").put("description", "Standard object's metadata.");
                }
                published.putArray("x-kubernetes-group-version-kind").addObject().put("group", group)
                        .put("kind", crd.getSpec().getNames().getKind()).put("version", version);
                String schemaName = reversed(group) + "." + version + "." + crd.getSpec().getNames().getKind();
                schemas.set(schemaName, published);
                // explain finds a resource's kind through the operations on its paths.
                String collection = "/apis/" + group + "/" + version
                        + ("Namespaced".equals(crd.getSpec().getScope()) ? "/namespaces/{namespace}/" : "/")
                        + crd.getSpec().getNames().getPlural();
                for (String path : List.of(collection, collection + "/{name}")) {
                    ObjectNode get = paths.putObject(path).putObject("get").put("x-kubernetes-action", path.endsWith("}") ? "get" : "list");
                    get.putObject("x-kubernetes-group-version-kind").put("group", group)
                            .put("kind", crd.getSpec().getNames().getKind()).put("version", version);
                    if (!path.endsWith("}")) {
                        continue;
                    }
                    get.putObject("responses").putObject("200").put("description", "OK").putObject("content")
                            .putObject("application/json").putObject("schema")
                            .put("$ref", "#/components/schemas/" + schemaName);
                }
            });
        }
        if (schemas.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode document = JSON.createObjectNode().put("openapi", "3.0.0");
        document.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0-model-monitor-sandbox");
        document.set("paths", paths);
        document.putObject("components").set("schemas", schemas);
        return Optional.of(document.toString());
    }

    private static boolean served(CustomResourceDefinitionVersion version) {
        return !Boolean.FALSE.equals(version.getServed());
    }

    /** modelmonitor.io becomes io.modelmonitor, as in the API server's schema names. */
    private static String reversed(String group) {
        List<String> parts = new ArrayList<>(List.of(group.split("\\.")));
        Collections.reverse(parts);
        return String.join(".", parts);
    }
}

package io.modelmonitor.sandbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

/**
 * The discovery documents kubectl and Helm read first (/api, /apis, /api/v1, /apis/GROUP/VERSION): the built-in
 * kinds the sandbox uses, plus every CustomResourceDefinition stored in the local API.
 */
final class ApiDiscovery {

    /** One kind of resource as discovery describes it. */
    record Kind(String group, String version, String plural, String singular, String kind, boolean namespaced,
            List<String> shortNames, boolean hasStatus, CustomResourceDefinition crd) {

        String groupVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");

    private static final List<Kind> BUILT_IN = List.of(
            builtIn("", "v1", "pods", "Pod", true, true, "po"),
            builtIn("", "v1", "services", "Service", true, true, "svc"),
            builtIn("", "v1", "secrets", "Secret", true, false),
            builtIn("", "v1", "configmaps", "ConfigMap", true, false, "cm"),
            builtIn("", "v1", "events", "Event", true, false, "ev"),
            builtIn("", "v1", "namespaces", "Namespace", false, true, "ns"),
            builtIn("", "v1", "serviceaccounts", "ServiceAccount", true, false, "sa"),
            builtIn("", "v1", "endpoints", "Endpoints", true, false, "ep"),
            builtIn("apps", "v1", "deployments", "Deployment", true, true, "deploy"),
            builtIn("apps", "v1", "replicasets", "ReplicaSet", true, true, "rs"),
            builtIn("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, true,
                    "crd", "crds"),
            builtIn("rbac.authorization.k8s.io", "v1", "roles", "Role", true, false),
            builtIn("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, false),
            builtIn("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, false),
            builtIn("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, false),
            builtIn("coordination.k8s.io", "v1", "leases", "Lease", true, false),
            builtIn("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false, "netpol"),
            builtIn("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, true, "pdb"));

    private static Kind builtIn(String group, String version, String plural, String kind, boolean namespaced,
            boolean status, String... shortNames) {
        return new Kind(group, version, plural, kind.toLowerCase(), kind, namespaced, List.of(shortNames), status, null);
    }

    private final List<Kind> kinds;

    ApiDiscovery(List<CustomResourceDefinition> crds) {
        List<Kind> all = new ArrayList<>(BUILT_IN);
        for (CustomResourceDefinition crd : crds) {
            var names = crd.getSpec().getNames();
            for (var version : crd.getSpec().getVersions()) {
                if (Boolean.FALSE.equals(version.getServed())) {
                    continue;
                }
                all.add(new Kind(crd.getSpec().getGroup(), version.getName(), names.getPlural(),
                        names.getSingular() == null ? names.getKind().toLowerCase() : names.getSingular(), names.getKind(),
                        "Namespaced".equals(crd.getSpec().getScope()),
                        names.getShortNames() == null ? List.of() : names.getShortNames(),
                        version.getSubresources() != null && version.getSubresources().getStatus() != null, crd));
            }
        }
        this.kinds = all;
    }

    Optional<Kind> find(String group, String version, String plural) {
        return kinds.stream().filter(k -> k.group().equals(group) && k.version().equals(version) && k.plural().equals(plural))
                .findFirst();
    }

    String apiVersions(String address) {
        ObjectNode json = JSON.createObjectNode().put("kind", "APIVersions");
        json.putArray("versions").add("v1");
        json.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", address);
        return json.toString();
    }

    String apiGroupList() {
        ObjectNode json = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = json.putArray("groups");
        Map<String, List<String>> versions = new LinkedHashMap<>();
        kinds.stream().filter(k -> !k.group().isEmpty()).forEach(k -> {
            List<String> list = versions.computeIfAbsent(k.group(), g -> new ArrayList<>());
            if (!list.contains(k.version())) {
                list.add(k.version());
            }
        });
        versions.forEach((group, list) -> {
            ObjectNode g = groups.addObject().put("name", group);
            ArrayNode vs = g.putArray("versions");
            list.forEach(v -> vs.addObject().put("groupVersion", group + "/" + v).put("version", v));
            g.putObject("preferredVersion").put("groupVersion", group + "/" + list.get(0)).put("version", list.get(0));
        });
        return json.toString();
    }

    Optional<String> resourceList(String group, String version) {
        List<Kind> matching = kinds.stream().filter(k -> k.group().equals(group) && k.version().equals(version)).toList();
        if (matching.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode json = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", matching.get(0).groupVersion());
        ArrayNode resources = json.putArray("resources");
        for (Kind k : matching) {
            ObjectNode r = resources.addObject().put("name", k.plural()).put("singularName", k.singular())
                    .put("namespaced", k.namespaced()).put("kind", k.kind());
            ArrayNode verbs = r.putArray("verbs");
            VERBS.forEach(verbs::add);
            if (!k.shortNames().isEmpty()) {
                ArrayNode shortNames = r.putArray("shortNames");
                k.shortNames().forEach(shortNames::add);
            }
            if (k.crd() != null) {
                r.putArray("categories").add("all");
            }
            if (k.hasStatus()) {
                ObjectNode status = resources.addObject().put("name", k.plural() + "/status").put("singularName", "")
                        .put("namespaced", k.namespaced()).put("kind", k.kind());
                status.putArray("verbs").add("get").add("patch").add("update");
            }
            if (k.crd() == null && (k.kind().equals("Deployment") || k.kind().equals("ReplicaSet"))) {
                ObjectNode scale = resources.addObject().put("name", k.plural() + "/scale").put("singularName", "")
                        .put("namespaced", true).put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
                scale.putArray("verbs").add("get").add("patch").add("update");
            }
        }
        return Optional.of(json.toString());
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

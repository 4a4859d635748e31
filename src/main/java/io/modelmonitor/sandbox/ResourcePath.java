package io.modelmonitor.sandbox;

import java.util.ArrayList;
import java.util.List;

/** A parsed resource path: /api/v1/... or /apis/GROUP/VERSION/..., with optional namespace, name, subresource. */
record ResourcePath(String group, String version, String namespace, String plural, String name, String subresource) {

    static ResourcePath parse(String path) {
        List<String> parts = new ArrayList<>(List.of(path.replaceAll("^/+|/+$", "").split("/")));
        String group;
        String version;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            parts = parts.subList(2, parts.size());
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            version = parts.get(2);
            parts = parts.subList(3, parts.size());
        } else {
            return null;
        }
        String namespace = null;
        if (parts.size() >= 3 && parts.get(0).equals("namespaces")) {
            namespace = parts.get(1);
            parts = parts.subList(2, parts.size());
        }
        String plural = parts.isEmpty() ? null : parts.get(0);
        String name = parts.size() > 1 ? parts.get(1) : null;
        String sub = parts.size() > 2 ? parts.get(2) : null;
        if (namespace == null && "namespaces".equals(plural) && parts.size() == 1) {
            return new ResourcePath(group, version, null, "namespaces", null, null);
        }
        return new ResourcePath(group, version, namespace, plural, name, sub);
    }

    String prefix() {
        return (group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version)
                + (namespace == null ? "" : "/namespaces/" + namespace);
    }

    String collectionPath() {
        return prefix() + "/" + plural;
    }

    String objectPath() {
        return collectionPath() + "/" + name;
    }
}

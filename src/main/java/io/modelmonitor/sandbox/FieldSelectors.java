package io.modelmonitor.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

/** Field selectors as kubectl sends them: {@code a.b=x,c!=y}, on any field path of the object. */
final class FieldSelectors {

    private FieldSelectors() {
    }

    /** The name a selector pins ({@code metadata.name=x}), or null. */
    static String name(String selector) {
        if (selector == null) {
            return null;
        }
        for (String term : selector.split(",")) {
            String[] kv = term.split("==?", 2);
            if (kv.length == 2 && !term.contains("!=") && kv[0].trim().equals("metadata.name")) {
                return kv[1].trim();
            }
        }
        return null;
    }

    static boolean matches(String selector, JsonNode object) {
        for (String term : selector.split(",")) {
            if (term.isBlank()) {
                continue;
            }
            boolean negate = term.contains("!=");
            String[] kv = term.split(negate ? "!=" : "==?", 2);
            if (kv.length != 2) {
                continue;
            }
            JsonNode node = object;
            for (String key : kv[0].trim().split("\\.")) {
                node = node == null ? null : node.get(key);
            }
            String actual = node == null || node.isNull() ? "" : node.asText();
            if (actual.equals(kv[1].trim()) == negate) {
                return false;
            }
        }
        return true;
    }
}

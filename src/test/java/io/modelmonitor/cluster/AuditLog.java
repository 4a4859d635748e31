package io.modelmonitor.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The API server's audit log (policy in {@link ControlPlane}): every request a ServiceAccount outside kube-system
 * made, with the authorizer's own decision. What the operator was allowed or denied, as the real RBAC said it.
 */
final class AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One completed request. */
    record Call(String user, String verb, String apiGroup, String resource, String subresource, String namespace,
            String name, int code, String decision, String reason, String uri) {

        /** apiGroup/resource[/subresource] verb, as an RBAC rule names it. */
        String permission() {
            return (apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource + (subresource.isEmpty() ? "" : "/" + subresource)
                    + " " + verb;
        }

        boolean forbidden() {
            return code == 403 || "forbid".equals(decision);
        }

        @Override
        public String toString() {
            return verb + " " + uri + " -> " + code + " (" + decision + ": " + reason + ")";
        }
    }

    private AuditLog() {
    }

    /** Every call {@code user} made so far. */
    static List<Call> calls(Path log, String user) {
        List<Call> calls = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try {
            for (String line : Files.readAllLines(log)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event = JSON.readTree(line);
                // A watch is logged when its response starts and again when it ends: count each request once.
                if (!user.equals(event.path("user").path("username").asText())
                        || !seen.add(event.path("auditID").asText())) {
                    continue;
                }
                JsonNode ref = event.path("objectRef");
                calls.add(new Call(user, event.path("verb").asText(), ref.path("apiGroup").asText(""),
                        ref.path("resource").asText(""), ref.path("subresource").asText(""),
                        ref.path("namespace").asText(""), ref.path("name").asText(""),
                        event.path("responseStatus").path("code").asInt(),
                        event.path("annotations").path("authorization.k8s.io/decision").asText(""),
                        event.path("annotations").path("authorization.k8s.io/reason").asText(""),
                        event.path("requestURI").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return calls;
    }

    static String serviceAccount(String namespace, String name) {
        return "system:serviceaccount:" + namespace + ":" + name;
    }
}

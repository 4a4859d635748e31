package io.modelmonitor.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The local API's store: the mock's CRUD dispatcher, plus answers to the self-reviews clients ask before they act.
 * The local API authorizes nothing, so a {@code SelfSubjectRulesReview} truthfully answers "every verb on every
 * resource"; JOSDK asks one before it runs for a leader-election Lease. A write that removes the last finalizer of an
 * object being deleted is answered as the API server answers it: 200 with the object's final state (the mock
 * answers 202 with no body, which JOSDK's finalizer removal cannot read).
 */
final class LocalStoreDispatcher extends KubernetesCrudDispatcher {

    private static final String EVERYTHING_ALLOWED = """
            {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","metadata":{},
             "spec":{"namespace":"%s"},
             "status":{"incomplete":false,"nonResourceRules":[{"verbs":["*"],"nonResourceURLs":["*"]}],
                       "resourceRules":[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}]}}""";

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        if (request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
            String namespace = ApiDiscovery.tree(request.getUtf8Body()).path("spec").path("namespace").asText("");
            return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                    .setBody(EVERYTHING_ALLOWED.formatted(namespace));
        }
        return super.handleCreate(request);
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        return withFinalState(request, super::handlePatch);
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
        return withFinalState(request, super::handleUpdate);
    }

    private MockResponse withFinalState(RecordedRequest request, Function<RecordedRequest, MockResponse> write) {
        String path = request.getPath() == null ? "" : request.getPath().split("\\?", 2)[0];
        MockResponse before = handleGet(path);
        MockResponse after = write.apply(request);
        boolean removed = after.code() == 202 && (after.getBody() == null || after.getBody().size() == 0);
        if (!removed || before.code() != 200 || before.getBody() == null) {
            return after;
        }
        ObjectNode last = (ObjectNode) ApiDiscovery.tree(new String(before.getBody().getBytes(), StandardCharsets.UTF_8));
        if (last.get("metadata") instanceof ObjectNode metadata) {
            metadata.putArray("finalizers");
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(last.toString());
    }
}

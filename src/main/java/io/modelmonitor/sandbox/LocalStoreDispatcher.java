package io.modelmonitor.sandbox;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The local API's store: the mock's CRUD dispatcher, plus answers to the self-reviews clients ask before they act.
 * The local API authorizes nothing, so a {@code SelfSubjectRulesReview} truthfully answers "every verb on every
 * resource"; JOSDK asks one before it runs for a leader-election Lease.
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
}

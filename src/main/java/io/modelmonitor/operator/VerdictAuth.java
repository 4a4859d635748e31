package io.modelmonitor.operator;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Who may read a verdict: the caller's bearer token is checked by the API server itself (TokenReview), and the
 * user it names must be allowed {@code get} on that ModelMonitor (SubjectAccessReview), as {@code kubectl get} would
 * need. The token is never logged, echoed or kept.
 */
@ApplicationScoped
public class VerdictAuth {

    public enum Mode {
        token,
        none
    }

    /** The decision: an HTTP status (200 when allowed) and, when refused, why in words. */
    public record Decision(int status, String message) {

        static final Decision ALLOWED = new Decision(200, null);

        boolean allowed() {
            return status == 200;
        }
    }

    private final KubernetesClient client;
    private final Mode mode;

    public VerdictAuth(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.mode = config.verdict().auth();
    }

    Mode mode() {
        return mode;
    }

    Decision check(String authorization, String namespace, String name) {
        if (mode == Mode.none) {
            return Decision.ALLOWED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return new Decision(401, "send a ServiceAccount token: Authorization: Bearer <token>");
        }
        try {
            TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec()
                    .withToken(authorization.substring(7).trim()).endSpec().build()).create();
            if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
                return new Decision(401, "the API server did not accept the token");
            }
            UserInfo user = review.getStatus().getUser();
            SubjectAccessReview access = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                    .withUser(user.getUsername()).withGroups(user.getGroups()).withUid(user.getUid())
                    .withExtra(user.getExtra() == null ? null : new java.util.HashMap<>(user.getExtra()))
                    .withNewResourceAttributes().withGroup("modelmonitor.io").withResource("modelmonitors")
                    .withVerb("get").withNamespace(namespace).withName(name).endResourceAttributes()
                    .endSpec().build()).create();
            if (access.getStatus() == null || !Boolean.TRUE.equals(access.getStatus().getAllowed())) {
                return new Decision(403, user.getUsername() + " may not get modelmonitors/" + name + " in namespace "
                        + namespace);
            }
            return Decision.ALLOWED;
        } catch (KubernetesClientException e) {
            return new Decision(503, "cannot check the token with the API server now (HTTP " + e.getCode() + ")");
        }
    }
}

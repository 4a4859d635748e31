package io.modelmonitor.operator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * need. The token is never logged, echoed or kept; only its SHA-256 keys a short cache of decisions, so a rollout
 * tool asking every few seconds costs the API server two reviews per {@link #ALLOWED_FOR}, not per request (the API
 * server's own webhook authenticator caches likewise). A refusal is kept shorter, an API server error not at all.
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

    /** How long a decision is reused: RBAC changes and revoked tokens take effect within this. */
    static final Duration ALLOWED_FOR = Duration.ofSeconds(30);
    static final Duration REFUSED_FOR = Duration.ofSeconds(5);
    /** Decisions kept at most (least recently used go first): a flood of distinct tokens cannot grow it. */
    static final int MAX_DECISIONS = 1024;

    private record Kept(Decision decision, Instant until) {
    }

    private final KubernetesClient client;
    private final Mode mode;
    private final Clock clock;
    private final Map<String, Kept> decisions = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
            return size() > MAX_DECISIONS;
        }
    };

    @jakarta.inject.Inject
    public VerdictAuth(KubernetesClient client, OperatorConfig config, Clock clock) {
        this(client, config.verdict().auth(), clock);
    }

    VerdictAuth(KubernetesClient client, Mode mode, Clock clock) {
        this.client = client;
        this.mode = mode;
        this.clock = clock;
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
        String token = authorization.substring(7).trim();
        String key = sha256(token) + "/" + namespace + "/" + name;
        Instant now = clock.instant();
        synchronized (decisions) {
            Kept kept = decisions.get(key);
            if (kept != null && now.isBefore(kept.until())) {
                return kept.decision();
            }
        }
        Decision decision = review(token, namespace, name);
        if (decision.status() != 503) {
            synchronized (decisions) {
                decisions.put(key, new Kept(decision, now.plus(decision.allowed() ? ALLOWED_FOR : REFUSED_FOR)));
            }
        }
        return decision;
    }

    private Decision review(String token, String namespace, String name) {
        try {
            TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec()
                    .withToken(token).endSpec().build()).create();
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

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

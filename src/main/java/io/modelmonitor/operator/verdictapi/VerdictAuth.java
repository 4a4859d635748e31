package io.modelmonitor.operator.verdictapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelmonitor.operator.config.OperatorConfig.Verdict.AuthMode;
import io.modelmonitor.operator.config.OperatorConfig;

/**
 * Who may read a verdict: the caller's bearer token is checked by the API server itself (TokenReview), for the
 * verdict API's own audience ({@code modelmonitor.verdict.audience}, "model-monitor"): a token good for the whole
 * Kubernetes API is refused, so a caller never hands the operator a credential it could use elsewhere. The user it
 * names must be allowed {@code get} on that ModelMonitor (SubjectAccessReview), as {@code kubectl get} would need. The
 * token is never logged, echoed or kept; only its SHA-256 keys a short cache of decisions, so a rollout tool asking
 * every few seconds costs the API server two reviews per {@link #ALLOWED_FOR}, not per request (the API server's own
 * webhook authenticator caches likewise). A refusal is kept shorter, an API server error not at all. A token not in
 * the cache costs a review, so each client address may have at most {@code reviews-per-second} reviewed (a burst of
 * {@code review-burst}); past it, 429.
 */
@ApplicationScoped
public class VerdictAuth {

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

    /** Clients whose review budget is tracked at most (least recently seen go first). */
    static final int MAX_CLIENTS = 1024;

    private final KubernetesClient client;
    private final AuthMode mode;
    private final Clock clock;
    private final String audience;
    private final double reviewsPerSecond;
    private final int burst;
    /** Per client address: review tokens left, and when they were last counted. */
    private final Map<String, double[]> budgets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_CLIENTS;
        }
    };
    private final Map<String, Kept> decisions = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
            return size() > MAX_DECISIONS;
        }
    };

    @Inject
    public VerdictAuth(KubernetesClient client, OperatorConfig config, Clock clock) {
        this(client, config.verdict().auth(), clock, config.verdict().audience(), config.verdict().reviewsPerSecond(),
                config.verdict().reviewBurst());
    }

    VerdictAuth(KubernetesClient client, AuthMode mode, Clock clock, String audience, double reviewsPerSecond, int burst) {
        this.client = client;
        this.mode = mode;
        this.clock = clock;
        this.audience = audience;
        this.reviewsPerSecond = reviewsPerSecond;
        this.burst = burst;
    }

    String audience() {
        return audience;
    }

    AuthMode mode() {
        return mode;
    }

    Decision check(String authorization, String namespace, String name) {
        return check(authorization, namespace, name, "-");
    }

    /** @param client the caller's address: each may have a limited number of new tokens reviewed per second */
    Decision check(String authorization, String namespace, String name, String client) {
        if (mode == AuthMode.none) {
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
        if (!takeReview(client, now)) {
            return new Decision(429, "too many new tokens from " + client + "; retry in a second");
        }
        Decision decision = review(token, namespace, name);
        if (decision.status() != 503) {
            synchronized (decisions) {
                decisions.put(key, new Kept(decision, now.plus(decision.allowed() ? ALLOWED_FOR : REFUSED_FOR)));
            }
        }
        return decision;
    }

    /** A token bucket per client address: {@code burst} reviews at once, refilled at {@code reviewsPerSecond}. */
    private boolean takeReview(String client, Instant now) {
        double seconds = now.toEpochMilli() / 1000.0;
        synchronized (budgets) {
            double[] budget = budgets.computeIfAbsent(client, k -> new double[] {burst, seconds});
            budget[0] = Math.min(burst, budget[0] + (seconds - budget[1]) * reviewsPerSecond);
            budget[1] = seconds;
            if (budget[0] < 1) {
                return false;
            }
            budget[0]--;
            return true;
        }
    }

    private Decision review(String token, String namespace, String name) {
        try {
            TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec()
                    .withToken(token).withAudiences(audience).endSpec().build()).create();
            if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                    || review.getStatus().getAudiences() == null || !review.getStatus().getAudiences().contains(audience)) {
                return new Decision(401, "the API server did not accept the token for audience " + audience
                        + " (a token for the Kubernetes API is not one: kubectl create token <account> --audience "
                        + audience + ", or a projected token with that audience)");
            }
            UserInfo user = review.getStatus().getUser();
            SubjectAccessReview access = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                    .withUser(user.getUsername()).withGroups(user.getGroups()).withUid(user.getUid())
                    .withExtra(user.getExtra() == null ? null : new HashMap<>(user.getExtra()))
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

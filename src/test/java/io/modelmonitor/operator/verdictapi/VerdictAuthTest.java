package io.modelmonitor.operator.verdictapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.modelmonitor.operator.config.OperatorConfig.Verdict.AuthMode;

/**
 * The verdict API's reviews are reused briefly, per token and monitor, and never when the API server failed; they ask
 * for the verdict API's own audience; and each client may have only so many new tokens reviewed per second.
 */
@EnableKubernetesMockClient
class VerdictAuthTest {

    private static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
    private static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    KubernetesMockServer server;
    KubernetesClient client;
    private final MovableClock clock = new MovableClock();
    private VerdictAuth auth;

    @BeforeEach
    void answerAsTheApiServer() {
        auth = new VerdictAuth(client, AuthMode.token, clock, "model-monitor", 1000, 10_000);
    }

    @Test
    void anAllowedCallerIsReviewedOnceForAWhileThenAgain() {
        authenticated(true);
        allowed(true);

        assertThat(auth.check("Bearer argo", "ml", "fraud").status()).isEqualTo(200);
        assertThat(auth.check("Bearer argo", "ml", "fraud").status()).isEqualTo(200);
        assertThat(server.getRequestCount()).as("one TokenReview and one SubjectAccessReview").isEqualTo(2);

        clock.move(VerdictAuth.ALLOWED_FOR);
        assertThat(auth.check("Bearer argo", "ml", "fraud").status()).isEqualTo(200);
        assertThat(server.getRequestCount()).as("reviewed again once the decision expired").isEqualTo(4);
    }

    @Test
    void aDecisionIsForOneTokenAndOneMonitor() {
        authenticated(true);
        allowed(true);

        auth.check("Bearer argo", "ml", "fraud");
        auth.check("Bearer argo", "ml", "iris");
        auth.check("Bearer flagger", "ml", "fraud");

        assertThat(server.getRequestCount()).isEqualTo(6);
    }

    @Test
    void aRefusalIsKeptShorterThanAnAllowance() {
        authenticated(true);
        allowed(false);

        assertThat(auth.check("Bearer nosy", "ml", "fraud").status()).isEqualTo(403);
        assertThat(auth.check("Bearer nosy", "ml", "fraud").status()).isEqualTo(403);
        assertThat(server.getRequestCount()).isEqualTo(2);
        clock.move(VerdictAuth.REFUSED_FOR);
        auth.check("Bearer nosy", "ml", "fraud");
        assertThat(server.getRequestCount()).isEqualTo(4);
        assertThat(VerdictAuth.REFUSED_FOR).isLessThan(VerdictAuth.ALLOWED_FOR);
    }

    @Test
    void anApiServerErrorIsNotKept() {
        // Refused to the operator itself (a 5xx would first be retried by the client): the caller is not judged.
        server.expect().post().withPath(TOKEN_REVIEWS).andReturn(403, "forbidden").always();

        assertThat(auth.check("Bearer argo", "ml", "fraud").status()).isEqualTo(503);
        assertThat(auth.check("Bearer argo", "ml", "fraud").status()).isEqualTo(503);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aTokenForTheKubernetesApiIsNotOneForTheVerdictApi() throws Exception {
        // What the API server answers for a token whose audiences do not include the one asked for.
        server.expect().post().withPath(TOKEN_REVIEWS).andReturn(201, new TokenReviewBuilder().withNewStatus()
                .withAuthenticated(false).withError("token audiences [https://kubernetes.default.svc] is invalid for the "
                        + "target audiences [model-monitor]").endStatus().build()).always();

        VerdictAuth.Decision decision = auth.check("Bearer for-the-api", "ml", "fraud");

        assertThat(decision.status()).isEqualTo(401);
        assertThat(decision.message()).contains("audience model-monitor", "kubectl create token");
        assertThat(server.getLastRequest().getBody().readUtf8()).as("the review names the audience")
                .contains("\"audiences\":[\"model-monitor\"]");
    }

    @Test
    void eachClientHasItsNewTokensReviewedAtALimitedRate() {
        authenticated(true);
        allowed(true);
        VerdictAuth limited = new VerdictAuth(client, AuthMode.token, clock, "model-monitor", 2, 5);

        for (int i = 0; i < 5; i++) {
            assertThat(limited.check("Bearer random-" + i, "ml", "fraud", "10.0.0.9").status()).isEqualTo(200);
        }
        VerdictAuth.Decision flooded = limited.check("Bearer random-5", "ml", "fraud", "10.0.0.9");
        assertThat(flooded.status()).isEqualTo(429);
        assertThat(server.getRequestCount()).as("no review for the refused one").isEqualTo(10);
        assertThat(limited.check("Bearer random-0", "ml", "fraud", "10.0.0.9").status())
                .as("a token already decided costs nothing and is not limited").isEqualTo(200);
        assertThat(limited.check("Bearer argo", "ml", "fraud", "10.0.0.7").status()).as("another client").isEqualTo(200);
        clock.move(Duration.ofSeconds(1));
        assertThat(limited.check("Bearer random-6", "ml", "fraud", "10.0.0.9").status()).as("refilled").isEqualTo(200);
    }

    @Test
    void theCacheHoldsAtMostItsBoundAndForgetsTheLeastRecentlyUsed() {
        authenticated(true);
        allowed(true);

        auth.check("Bearer first", "ml", "fraud");
        for (int i = 0; i < VerdictAuth.MAX_DECISIONS; i++) {
            auth.check("Bearer flood-" + i, "ml", "fraud");
        }
        int before = server.getRequestCount();
        auth.check("Bearer first", "ml", "fraud");
        assertThat(server.getRequestCount()).as("the first decision was evicted").isEqualTo(before + 2);
        auth.check("Bearer flood-" + (VerdictAuth.MAX_DECISIONS - 1), "ml", "fraud");
        assertThat(server.getRequestCount()).as("a recent one was kept").isEqualTo(before + 2);
    }

    private void authenticated(boolean yes) {
        server.expect().post().withPath(TOKEN_REVIEWS).andReturn(201, new TokenReviewBuilder().withNewStatus()
                .withAuthenticated(yes).withAudiences("model-monitor").withNewUser()
                .withUsername("system:serviceaccount:argo:rollouts").endUser().endStatus().build()).always();
    }

    private void allowed(boolean yes) {
        server.expect().post().withPath(ACCESS_REVIEWS).andReturn(201, new SubjectAccessReviewBuilder().withNewStatus()
                .withAllowed(yes).endStatus().build()).always();
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-30T12:00:00Z");

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}

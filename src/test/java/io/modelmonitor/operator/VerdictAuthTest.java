package io.modelmonitor.operator;

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

/** The verdict API's reviews are reused briefly, per token and monitor, and never when the API server failed. */
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
        auth = new VerdictAuth(client, VerdictAuth.Mode.token, clock);
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
                .withAuthenticated(yes).withNewUser().withUsername("system:serviceaccount:argo:rollouts").endUser()
                .endStatus().build()).always();
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

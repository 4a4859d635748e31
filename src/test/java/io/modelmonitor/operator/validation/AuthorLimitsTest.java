package io.modelmonitor.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What a monitor's author may have the operator do with its rights (issue 27): the rules, without the API. */
class AuthorLimitsTest {

    private static final String OWN = "ghcr.io/modelmonitor/model-monitor:0.1.0";

    @Test
    void onlyTheOperatorsImageOrAnAllowedOneRunsInTheModelsPods() {
        assertThat(AuthorLimits.imageProblem(null, OWN, List.of())).isEmpty();
        assertThat(AuthorLimits.imageProblem("", OWN, List.of())).isEmpty();
        assertThat(AuthorLimits.imageProblem(OWN, OWN, List.of())).isEmpty();
        assertThat(AuthorLimits.imageProblem("evil.example/miner:1", OWN, List.of())).get().asString()
                .contains("is not allowed", "which is empty");
        List<String> allowed = List.of("registry.corp/mm/", "ghcr.io/modelmonitor/model-monitor:0.2.0");
        assertThat(AuthorLimits.imageProblem("registry.corp/mm/collector:2", OWN, allowed)).isEmpty();
        assertThat(AuthorLimits.imageProblem("ghcr.io/modelmonitor/model-monitor:0.2.0", OWN, allowed)).isEmpty();
        assertThat(AuthorLimits.imageProblem("registry.corp/mm-evil/x:1", OWN, allowed)).as("a prefix ends at a /")
                .isPresent();
        assertThat(AuthorLimits.imageProblem("ghcr.io/modelmonitor/model-monitor:0.2.0-evil", OWN, allowed))
                .as("an exact image is exact").isPresent();
    }

    @Test
    void aUrlIsUnderAPrefixOnlyWithTheSameSchemeHostPortAndAPathBelowIt() {
        List<String> prefixes = List.of("http://prometheus.monitoring:9090/");
        assertThat(AuthorLimits.under("http://prometheus.monitoring:9090", prefixes)).as("no path is /").isTrue();
        assertThat(AuthorLimits.under("http://prometheus.monitoring:9090/", prefixes)).isTrue();
        assertThat(AuthorLimits.under("http://prometheus.monitoring:9090/prometheus", prefixes)).isTrue();
        assertThat(AuthorLimits.under("http://prometheus.monitoring.evil.com:9090/", prefixes)).isFalse();
        assertThat(AuthorLimits.under("http://prometheus.monitoring:9091/", prefixes)).isFalse();
        assertThat(AuthorLimits.under("https://prometheus.monitoring:9090/", prefixes)).isFalse();
        assertThat(AuthorLimits.under("http://user:pw@prometheus.monitoring:9090/", prefixes)).isFalse();
        List<String> underPath = List.of("http://gateway:80/prometheus/");
        assertThat(AuthorLimits.under("http://gateway/prometheus/api", underPath)).isTrue();
        assertThat(AuthorLimits.under("http://gateway/prometheus/../admin", underPath)).as("normalized first").isFalse();
        assertThat(AuthorLimits.under("http://gateway/../prometheus/", underPath)).as("dot segments left over").isFalse();
        assertThat(AuthorLimits.under("http://gateway/prometheus", underPath)).isFalse();
        assertThat(AuthorLimits.under("http://thanos:80/api", List.of("http://thanos"))).as("default ports").isTrue();
        assertThat(AuthorLimits.under("not a url", prefixes)).isFalse();
    }

    @Test
    void aSecretGoesOnlyWhereItsOwnerOrThePlatformTeamSaid() {
        String url = "http://prom.team-a:9090/";
        assertThat(AuthorLimits.secretProblem("db-password", null, url, List.of())).get().asString()
                .contains("Secret db-password is not sent to this URL", AuthorLimits.SECRET_URLS);
        assertThat(AuthorLimits.secretProblem("prom", Map.of(AuthorLimits.SECRET_URLS, "http://other:9090/, " + url), url,
                List.of())).isEmpty();
        assertThat(AuthorLimits.secretProblem("prom", Map.of(), url, List.of("http://prom.team-a:9090/"))).isEmpty();
        assertThat(AuthorLimits.urlProblem("http://169.254.169.254/latest/", List.of("http://prom.team-a:9090/")))
                .isPresent();
        assertThat(AuthorLimits.urlProblem("http://169.254.169.254/latest/", List.of())).as("unset: any URL").isEmpty();
    }

    @Test
    void aServiceIsReroutedOnlyIfItSelectsTheTargetsPods() {
        Map<String, String> pods = Map.of("app", "scorer", "tier", "model");
        assertThat(AuthorLimits.serviceProblem("scorer", Map.of("app", "scorer"), pods, "Deployment scorer")).isEmpty();
        assertThat(AuthorLimits.serviceProblem("payments", Map.of("app", "payments"), pods, "Deployment scorer")).get()
                .asString().contains("does not select the pods of Deployment scorer");
        assertThat(AuthorLimits.serviceProblem("all", Map.of(), pods, "Deployment scorer")).get().asString()
                .contains("has no selector");
    }
}

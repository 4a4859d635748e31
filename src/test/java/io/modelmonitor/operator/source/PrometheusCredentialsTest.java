package io.modelmonitor.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.MetricsSourceSpec;
import io.modelmonitor.api.v1alpha1.MetricsSourceType;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.SecretKeyRef;
import io.modelmonitor.operator.validation.AuthorLimits;
import io.modelmonitor.testsupport.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Issue 27: a monitor's author could name any Secret of the namespace as the Prometheus token and any URL, and the
 * operator sent the Secret's value there. Now it goes only where the Secret's own annotation says, and whatever
 * answers there cannot fill the operator's heap.
 */
@QuarkusTest
@WithKubernetesTestServer
class PrometheusCredentialsTest {

    private static final String NS = "prom-secrets";

    @Inject
    KubernetesClient client;

    @Inject
    PrometheusReader reader;

    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile byte[] answer = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"
            .getBytes(StandardCharsets.UTF_8);
    private HttpServer prometheus;

    @AfterEach
    void stop() {
        if (prometheus != null) {
            prometheus.stop(0);
        }
    }

    @Test
    void aSecretIsSentOnlyToAUrlItsOwnAnnotationNames() throws Exception {
        String url = start();
        client.resource(new SecretBuilder().withNewMetadata().withName("db-password").withNamespace(NS).endMetadata()
                .addToData("token", Base64.getEncoder().encodeToString("hunter2".getBytes())).build()).create();
        ModelMonitor mm = monitor(url, "db-password");

        PrometheusReader.Result refused = reader.read(mm, "scorer-.*", 0, 60_000);
        assertThat(refused.problem()).contains("Secret db-password is not sent to this URL", "modelmonitor.io/allowed-urls");
        assertThat(authorizations).as("no request at all, with or without the token").isEmpty();

        client.secrets().inNamespace(NS).withName("db-password").edit(s -> {
            s.getMetadata().setAnnotations(Map.of(AuthorLimits.SECRET_URLS, url + "/"));
            return s;
        });
        PrometheusReader.Result allowed = reader.read(mm, "scorer-.*", 0, 60_000);
        assertThat(allowed.problem()).doesNotContain("not sent");
        assertThat(authorizations).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo("Bearer hunter2"));
    }

    @Test
    void anAnswerLargerThanTheLimitIsNotRead() throws Exception {
        String url = start();
        answer = new byte[PrometheusReader.MAX_RESPONSE_BYTES + 1024];
        PrometheusReader.Result result = reader.read(monitor(url, null), "scorer-.*", 0, 60_000);
        assertThat(result.problem()).isEqualTo("Prometheus query failed (ResponseTooLarge)");
    }

    private String start() throws Exception {
        prometheus = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        prometheus.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "none" : authorization);
            byte[] body = answer;
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException e) {
                // the reader stopped reading: what the limit is for
            }
        });
        prometheus.start();
        return "http://127.0.0.1:" + prometheus.getAddress().getPort();
    }

    private static ModelMonitor monitor(String url, String secret) {
        ModelMonitor mm = Fixtures.monitor(NS, "scorer", "scorer");
        MetricsSourceSpec source = new MetricsSourceSpec();
        source.setType(MetricsSourceType.prometheus);
        MetricsSourceSpec.PrometheusSourceSpec prometheus = new MetricsSourceSpec.PrometheusSourceSpec();
        prometheus.setUrl(url);
        if (secret != null) {
            SecretKeyRef ref = new SecretKeyRef();
            ref.setName(secret);
            ref.setKey("token");
            prometheus.setAuthSecretRef(ref);
        }
        source.setPrometheus(prometheus);
        mm.getSpec().setMetricsSource(source);
        return mm;
    }
}

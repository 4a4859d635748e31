package io.modelmonitor.operator.verdictapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.operator.config.OperatorConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.PemTrustOptions;

/**
 * Issue 27: the verdict API spoke plain HTTP, so a rollout tool's token crossed the network in clear. With
 * modelmonitor.verdict.tls (chart verdict.tls) it serves HTTPS with the certificate the operator keeps for its
 * webhook, issued for the verdict Service's names too, and nothing in clear.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(VerdictTlsTest.Tls.class)
class VerdictTlsTest {

    /** The operator as the chart runs it with verdict.tls=true. */
    public static class Tls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("modelmonitor.verdict.tls", "true");
        }
    }

    @Inject
    VerdictServer verdict;

    @Inject
    OperatorConfig config;

    @Inject
    KubernetesClient client;

    @Inject
    Vertx vertx;

    @Test
    void theVerdictApiServesHttpsForItsServiceAndNothingInClear() throws Exception {
        String path = "/v1/namespaces/ml/modelmonitors/fraud/verdict";
        var https = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(false)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(
                        verdict.ca()))));
        var plain = vertx.createHttpClient();
        try {
            int status = https.request(HttpMethod.GET, verdict.port(), "127.0.0.1", path)
                    .compose(r -> r.send().map(res -> res.statusCode()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(status).as("answered over TLS, trusted through the operator's CA: no token yet").isEqualTo(401);
            assertThatThrownBy(() -> plain.request(HttpMethod.GET, verdict.port(), "127.0.0.1", path)
                    .compose(r -> r.send().map(res -> res.statusCode()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).as("no answer in clear");
        } finally {
            https.close();
            plain.close();
        }

        String pem = new String(Base64.getDecoder().decode(client.secrets().inNamespace(client.getNamespace())
                .withName(config.webhook().secret()).get().getData().get("tls.crt")), StandardCharsets.UTF_8);
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
        List<String> names = new ArrayList<>();
        certificate.getSubjectAlternativeNames().forEach(n -> names.add(String.valueOf(n.get(1))));
        assertThat(names).contains("model-monitor-verdict." + client.getNamespace() + ".svc",
                "model-monitor-webhook." + client.getNamespace() + ".svc");
    }
}

package io.modelmonitor.operator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.modelmonitor.operator.config.OperatorConfig;

/** The caBundle write of replicas that start together: a conflict is read again, not waited out. */
@EnableKubernetesMockClient
class WebhookCertificatesTest {

    private static final String PATH = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/model-monitor-pods";
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void aConflictingWriteIsReadAgainAndLeftAloneWhenTheOtherReplicaWroteTheSameBundle() {
        server.expect().get().withPath(PATH).andReturn(200, configuration(null)).times(2);
        server.expect().patch().withPath(PATH).andReturn(409, conflict()).once();
        server.expect().get().withPath(PATH).andReturn(200, configuration(CA)).once();

        certificates().caBundle(CA);

        assertThat(server.getRequestCount()).as("read, read and patch (409), read: written by the other").isEqualTo(4);
    }

    @Test
    void aConflictThatKeepsComingIsGivenUpOnAfterFiveTries() {
        server.expect().get().withPath(PATH).andReturn(200, configuration(null)).always();
        server.expect().patch().withPath(PATH).andReturn(409, conflict()).always();

        assertThatThrownBy(() -> certificates().caBundle(CA)).isInstanceOfSatisfying(KubernetesClientException.class,
                e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(server.getRequestCount()).as("five tries of three requests").isEqualTo(15);
    }

    private WebhookCertificates certificates() {
        return new WebhookCertificates(client, "model-monitor", new OperatorConfig.Webhook() {
            public int port() {
                return 9443;
            }

            public String host() {
                return "0.0.0.0";
            }

            public boolean inProcess() {
                return false;
            }

            public Optional<String> namespace() {
                return Optional.of("model-monitor");
            }

            public String service() {
                return "model-monitor-webhook";
            }

            public String secret() {
                return "model-monitor-webhook-tls";
            }

            public String configuration() {
                return "model-monitor-pods";
            }

            public boolean certManager() {
                return false;
            }
        });
    }

    private static MutatingWebhookConfiguration configuration(String ca) {
        return new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("model-monitor-pods")
                .withResourceVersion("7").endMetadata()
                .addNewWebhook().withName("pods.modelmonitor.io").withNewClientConfig()
                    .withCaBundle(ca == null ? null : Base64.getEncoder().encodeToString(ca.getBytes(StandardCharsets.UTF_8)))
                .endClientConfig().endWebhook().build();
    }

    private static Status conflict() {
        return new StatusBuilder().withStatus("Failure").withReason("Conflict").withCode(409)
                .withMessage("the object has been modified; please apply your changes to the latest version and try again")
                .build();
    }
}

package io.modelmonitor.operator;

import static io.modelmonitor.testsupport.Fixtures.modelDeployment;
import static io.modelmonitor.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.CollectorInjection;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.operator.status.StatusConditions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** An operator installed without its webhook (chart webhook.enabled=false) says so to a monitor that relies on it. */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(WebhookDisabledTest.NoWebhook.class)
class WebhookDisabledTest {

    public static class NoWebhook implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("modelmonitor.webhook.port", "-1");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void aWebhookMonitorStaysPendingAndNamesTheFixInsteadOfWaitingForCollectors() {
        Deployment original = client.resource(modelDeployment("no-webhook", "fraud", 2)).create();
        ModelMonitor mm = monitor("no-webhook", "fraud", "fraud");
        mm.getSpec().getCollector().setInjection(CollectorInjection.webhook);
        client.resource(mm).create();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            ModelMonitor seen = client.resources(ModelMonitor.class).inNamespace("no-webhook").withName("fraud").get();
            assertThat(seen.getStatus()).isNotNull();
            assertThat(seen.getStatus().getPhase()).isEqualTo(Phase.Pending);
            assertThat(StatusConditions.find(seen.getStatus().getConditions(), StatusConditions.READY).orElseThrow())
                    .satisfies(c -> {
                        assertThat(c.getReason()).isEqualTo("WebhookDisabled");
                        assertThat(c.getMessage()).contains("webhook.enabled is false")
                                .contains("set spec.collector.injection to template");
                    });
        });
        assertThat(client.v1().events().inNamespace("no-webhook").list().getItems()).extracting(Event::getReason)
                .contains("WebhookDisabled");
        Deployment after = client.apps().deployments().inNamespace("no-webhook").withName("fraud").get();
        assertThat(Serialization.asJson(after.getSpec().getTemplate()))
                .as("the template left alone").isEqualTo(Serialization.asJson(original.getSpec().getTemplate()));
    }
}

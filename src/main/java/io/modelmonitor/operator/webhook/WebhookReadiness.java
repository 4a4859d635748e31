package io.modelmonitor.operator.webhook;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A replica is ready only once its admission webhook listens: the webhook Service sends the API server's calls to
 * every ready replica, and one that refused them made pods start without a collector (failurePolicy Ignore). Seen
 * on a real cluster: of two replicas starting together, one lost the caBundle write to the other and retried 10 s
 * later, Ready all the while.
 */
@Readiness
@ApplicationScoped
public class WebhookReadiness implements HealthCheck {

    private final AdmissionWebhookServer webhook;

    public WebhookReadiness(AdmissionWebhookServer webhook) {
        this.webhook = webhook;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("admission-webhook").status(webhook.serving()).build();
    }
}

package io.modelmonitor.alerting;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelmonitor.api.v1alpha1.AlertSpec;
import io.modelmonitor.api.v1alpha1.ModelMonitor;

/**
 * Delivers alerts in the background: reconciliation only hands an event over and never waits. Each alert is
 * POSTed to the URL in its Secret with a timeout, retried with exponential backoff on network errors, 429 and 5xx,
 * and its last outcome kept for the monitor's status. URLs are secrets too: they are never logged, and nothing
 * that could contain one (an exception message) goes into status or Events.
 */
@ApplicationScoped
public class AlertSender {

    private static final Logger LOG = Logger.getLogger(AlertSender.class);

    /** The last delivery of one alert receiver: what the status shows. */
    public record Delivery(String alert, boolean delivered, String detail, Instant at) {
    }

    private final KubernetesClient client;
    private final MeterRegistry registry;
    private final int attempts;
    private final Duration backoff;
    private final Duration timeout;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "alert-sender");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Map<String, Delivery>> deliveries = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    static final int MAX_QUEUED = 1000;

    public AlertSender(KubernetesClient client, MeterRegistry registry, AlertDelivery delivery) {
        this.client = client;
        this.registry = registry;
        this.attempts = delivery.attempts();
        this.backoff = delivery.backoff();
        this.timeout = delivery.timeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Hands the event to every alert receiver of the monitor; returns at once. */
    public void send(ModelMonitor monitor, AlertEvent event) {
        List<AlertSpec> alerts = monitor.getSpec().getAlerts();
        if (alerts == null) {
            return;
        }
        for (AlertSpec alert : alerts) {
            if (!alert.takes(event.severity())) {
                continue;
            }
            if (queued.incrementAndGet() > MAX_QUEUED) {
                queued.decrementAndGet();
                record(monitor, alert, false, "not sent: more than " + MAX_QUEUED + " alerts waiting");
                continue;
            }
            scheduler.execute(() -> attempt(monitor, alert, event, 1));
        }
    }

    private void attempt(ModelMonitor monitor, AlertSpec alert, AlertEvent event, int attempt) {
        String url;
        String key;
        try {
            url = secretValue(monitor, "urlSecretRef", alert.getUrlSecretRef());
            key = alert.getKeySecretRef() == null ? null : secretValue(monitor, "keySecretRef", alert.getKeySecretRef());
        } catch (IllegalStateException e) {
            finish(monitor, alert, false, e.getMessage());
            return;
        }
        HttpRequest request;
        try {
            request = AlertChannels.forType(alert.getType()).request(URI.create(url), key, event, timeout);
        } catch (IllegalArgumentException e) {
            finish(monitor, alert, false, "the URL in Secret " + alert.getUrlSecretRef().getName() + " is not a valid URL");
            return;
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            String outcome;
            boolean retry;
            if (error != null) {
                outcome = "no answer (" + error.getClass().getSimpleName() + ")";
                retry = true;
            } else if (response.statusCode() / 100 == 2) {
                finish(monitor, alert, true, "delivered " + event.kind().wireName + " (" + event.severity() + ", HTTP "
                        + response.statusCode() + ")");
                return;
            } else {
                outcome = "HTTP " + response.statusCode();
                retry = response.statusCode() == 429 || response.statusCode() >= 500;
            }
            if (retry && attempt < attempts) {
                long delay = backoff.toMillis() << (attempt - 1);
                scheduler.schedule(() -> attempt(monitor, alert, event, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } else {
                finish(monitor, alert, false, event.kind().wireName + " not delivered after " + attempt + " attempt"
                        + (attempt > 1 ? "s" : "") + ": " + outcome);
            }
        });
    }

    /**
     * A value from a Secret of the monitor's namespace (a URL or a key); errors name the field and the Secret, never
     * the value.
     */
    private String secretValue(ModelMonitor monitor, String field, io.modelmonitor.api.v1alpha1.SecretKeyRef ref) {
        Secret secret = client.secrets().inNamespace(monitor.getMetadata().getNamespace())
                .withName(ref.getName()).get();
        String key = ref.getKey();
        if (secret == null) {
            throw new IllegalStateException(field + ": Secret " + ref.getName() + " not found");
        }
        if (secret.getData() != null && secret.getData().get(key) != null) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8).trim();
        }
        if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
            return secret.getStringData().get(key).trim();
        }
        throw new IllegalStateException(field + ": Secret " + ref.getName() + " has no key " + key);
    }

    private void finish(ModelMonitor monitor, AlertSpec alert, boolean delivered, String detail) {
        queued.decrementAndGet();
        record(monitor, alert, delivered, detail);
    }

    private void record(ModelMonitor monitor, AlertSpec alert, boolean delivered, String detail) {
        deliveries.computeIfAbsent(key(monitor), k -> new ConcurrentHashMap<>())
                .put(alert.getName(), new Delivery(alert.getName(), delivered, detail, Instant.now()));
        Counter.builder("modelmonitor_alerts").description("Alert deliveries by outcome")
                .tags("monitor", monitor.getMetadata().getName(), "namespace", monitor.getMetadata().getNamespace(),
                        "alert", alert.getName(), "result", delivered ? "delivered" : "failed")
                .register(registry).increment();
        // One record per alert and receiver, after its last attempt: the outcome, never the URL or key.
        LogFields.of("monitor", monitor.getMetadata().getName()).and("namespace", monitor.getMetadata().getNamespace())
                .and("alert", alert.getName()).and("reason", delivered ? "AlertDelivered" : "AlertFailed")
                .log(LOG, delivered ? Logger.Level.INFO : Logger.Level.WARN, "alert %s of %s/%s: %s", alert.getName(),
                        monitor.getMetadata().getNamespace(), monitor.getMetadata().getName(), detail);
    }

    /** The last delivery outcome of each alert receiver of the monitor. */
    public Map<String, Delivery> deliveries(ModelMonitor monitor) {
        return deliveries.getOrDefault(key(monitor), Map.of());
    }

    public void forget(ModelMonitor monitor) {
        deliveries.remove(key(monitor));
    }

    private static String key(ModelMonitor monitor) {
        return monitor.getMetadata().getNamespace() + "/" + monitor.getMetadata().getName();
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}

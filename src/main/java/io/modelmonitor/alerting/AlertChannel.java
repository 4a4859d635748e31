package io.modelmonitor.alerting;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modelmonitor.api.v1alpha1.AlertType;

/**
 * One kind of alert receiver (a value of {@code spec.alerts[].type}): how an event becomes the HTTP request that
 * receiver accepts. The URL comes from the receiver's Secret; delivery, retries and status are {@link AlertSender}'s.
 * A new channel is one class and one entry in {@link AlertChannels}.
 */
public interface AlertChannel {

    ObjectMapper JSON = new ObjectMapper();

    /** The alert type this channel serves. */
    AlertType type();

    /** What the receiver is sent for the event, serialized as JSON. */
    Object payload(AlertEvent event);

    /**
     * The request that delivers the event: its payload as a JSON POST. A channel with its own headers or auth
     * overrides this. Throws IllegalArgumentException for a URL the channel cannot use.
     */
    default HttpRequest request(URI url, AlertEvent event, Duration timeout) {
        return jsonPost(url, payload(event), timeout).build();
    }

    /**
     * As above, for a channel that authenticates with a key from {@code spec.alerts[].keySecretRef} (null when none is
     * set); the key goes into the request only, never into a message. Channels without a key ignore it.
     */
    default HttpRequest request(URI url, String key, AlertEvent event, Duration timeout) {
        return request(url, event, timeout);
    }

    /**
     * One incident per monitor: the key a breach opens and its recovery closes, stable across operator restarts. An
     * objective's budget burn is an incident of its own, keyed by the objective, so its page and its resolution do not
     * touch the breach's.
     */
    static String incidentKey(AlertEvent event) {
        String monitor = "model-monitor/" + event.namespace() + "/" + event.monitor();
        return event.kind().budget() ? monitor + "/budget/" + event.objective() : monitor;
    }

    /** The words a person reads: the monitor, where, what happened, and the details when there are any. */
    static String summary(AlertEvent event, int max) {
        String text = event.monitor() + " in " + event.namespace() + ": " + event.headline();
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** A JSON POST with the headers every channel sends. */
    static HttpRequest.Builder jsonPost(URI url, Object payload, Duration timeout) {
        try {
            return HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "model-monitor")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(payload)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert payload is not serializable", e);
        }
    }
}

package io.modelmonitor.alerting;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** How alerts are delivered: attempts with exponential backoff, each with a timeout ({@code modelmonitor.alerts.*}). */
public interface AlertDelivery {

    @WithDefault("4")
    int attempts();

    /** Wait before the second attempt; doubled for each further one. */
    @WithDefault("1s")
    Duration backoff();

    @WithDefault("5s")
    Duration timeout();

    /**
     * The dashboard every alert links to, with {namespace} and {monitor} filled in (URL-encoded), e.g.
     * {@code https://grafana.example.com/d/model-monitor?var-namespace={namespace}&var-monitor={monitor}}.
     */
    Optional<String> dashboardUrl();

    /**
     * Labels of a monitor (its metadata.labels, by key) that its objective series carry, for Alertmanager to route
     * by, e.g. team: each becomes a label named as the key with every character outside [a-zA-Z0-9_] as _, empty
     * on monitors without it. At most {@link #MAX_PROPAGATED_LABELS}: each one multiplies nothing, but widens every
     * series. None unless configured (the chart carries team).
     */
    Optional<List<String>> propagatedLabels();

    int MAX_PROPAGATED_LABELS = 8;

    /** The dashboard link of one monitor, or null when none is configured. */
    default String dashboardUrl(String namespace, String monitor) {
        return dashboardUrl().map(t -> t
                .replace("{namespace}", URLEncoder.encode(namespace, StandardCharsets.UTF_8))
                .replace("{monitor}", URLEncoder.encode(monitor, StandardCharsets.UTF_8)))
                .orElse(null);
    }
}

package io.modelmonitor.alerting;

import java.time.Duration;

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
}

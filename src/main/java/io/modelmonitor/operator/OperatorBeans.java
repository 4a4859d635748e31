package io.modelmonitor.operator;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.modelmonitor.alerting.AlertDelivery;
import io.modelmonitor.operator.config.OperatorConfig;

/** Beans the operator's parts share, made from its configuration: nothing below the operator reads OperatorConfig. */
@ApplicationScoped
public class OperatorBeans {

    @Produces
    @Dependent
    AlertDelivery alertDelivery(OperatorConfig config) {
        return config.alerts();
    }

    /** The operator's time: time-driven rules (cooldowns, streaks, windows) read it, and tests replace it. */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}

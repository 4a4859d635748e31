package io.modelmonitor.alerting;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.modelmonitor.api.v1alpha1.AlertType;

/** The channel for each alert type: register a new channel here. */
public final class AlertChannels {

    private static final Map<AlertType, AlertChannel> BY_TYPE = new EnumMap<>(AlertType.class);

    static {
        for (AlertChannel channel : List.of(new WebhookChannel(), new SlackChannel(), new PagerDutyChannel(),
                new TeamsChannel(), new OpsgenieChannel())) {
            BY_TYPE.put(channel.type(), channel);
        }
        for (AlertType type : AlertType.values()) {
            if (!BY_TYPE.containsKey(type)) {
                throw new ExceptionInInitializerError("no AlertChannel for alert type " + type);
            }
        }
    }

    private AlertChannels() {
    }

    public static AlertChannel forType(AlertType type) {
        return BY_TYPE.get(type == null ? AlertType.webhook : type);
    }
}

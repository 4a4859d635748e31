package io.modelmonitor.operator;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Operator-wide settings; each can be set by environment, e.g. MODELMONITOR_COLLECTOR_IMAGE. */
@ConfigMapping(prefix = "modelmonitor")
public interface OperatorConfig {

    Collector collector();

    interface Collector {

        /** Image of injected collectors when a monitor names none: normally the operator's own image. */
        @WithDefault("ghcr.io/modelmonitor/model-monitor:0.1.0")
        String image();

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        @WithDefault("50m")
        String cpuRequest();

        @WithDefault("96Mi")
        String memoryRequest();

        /** No CPU limit by default: throttling a proxy in the request path adds latency to every request. */
        Optional<String> cpuLimit();

        @WithDefault("160Mi")
        String memoryLimit();

        @WithDefault("100000")
        int maxPendingLabels();

        /** The UID the collector runs as; the image's non-root user. */
        @WithDefault("185")
        long runAsUser();
    }
}

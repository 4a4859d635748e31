package io.modelmonitor.operator.source;

import java.util.List;

import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.operator.target.Target;

/**
 * Which collectors to read for a monitor. The default reads ready pods of the target at their pod IP and the
 * collector's admin port; the sandbox or a test may put another implementation in its place.
 */
public interface CollectorEndpoints {

    /**
     * One collector to read: {@code name} identifies it across reads (the pod name); {@code revision} is the
     * revision its pod runs (its pod-template-hash), null when its pod carries none.
     */
    record Endpoint(String name, String host, int port, String revision) {

        public Endpoint(String name, String host, int port) {
            this(name, host, port, null);
        }
    }

    List<Endpoint> endpoints(ModelMonitor monitor, Target target);
}

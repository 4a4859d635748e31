package io.modelmonitor.sandbox;

import io.fabric8.kubernetes.api.model.Pod;

/** What runs a simulated pod: real processes or servers on the pod's loopback IP, or nothing at all. */
public interface PodRuntime {

    /** The pod has been scheduled at {@code pod.getStatus().getPodIP()}; start what it runs. */
    void start(Pod pod);

    /** The pod is being deleted; stop what it runs. */
    void stop(Pod pod);

    PodRuntime NONE = new PodRuntime() {
        @Override
        public void start(Pod pod) {
        }

        @Override
        public void stop(Pod pod) {
        }
    };
}

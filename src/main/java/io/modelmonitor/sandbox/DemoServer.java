package io.modelmonitor.sandbox;

/** A demo model the sandbox runs in a pod's model container: closed when its pod stops. */
public interface DemoServer extends AutoCloseable {

    @Override
    void close();
}

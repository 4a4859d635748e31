package io.modelmonitor.collector;

import java.util.concurrent.CountDownLatch;

/** Entry point of the collector role: configuration from the environment, then serve until stopped. */
public final class CollectorMain {

    private CollectorMain() {
    }

    public static void main(String... args) {
        CollectorConfig config;
        try {
            config = CollectorConfig.fromEnv(System.getenv());
        } catch (CollectorConfig.InvalidConfig e) {
            System.err.println("model-monitor collector: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Collector collector;
        try {
            collector = Collector.start(config);
        } catch (IllegalStateException e) {
            System.err.println("model-monitor collector: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("model-monitor collector: proxying :" + collector.dataPort() + " to "
                + config.upstreamHost() + ":" + config.upstreamPort() + ", admin on :" + collector.adminPort()
                + ", at most " + collector.connectionLimit() + " connections (heap), sockets " + collector.transport()
                + ", " + config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.shutDown();
            stopped.countDown();
        }, "collector-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

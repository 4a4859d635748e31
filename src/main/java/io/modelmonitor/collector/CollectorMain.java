package io.modelmonitor.collector;

/** Entry point of the collector role. */
public final class CollectorMain {

    private CollectorMain() {
    }

    public static void main(String... args) {
        System.err.println("the collector role is not built yet");
        System.exit(2);
    }
}

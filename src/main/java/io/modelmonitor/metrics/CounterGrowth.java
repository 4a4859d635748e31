package io.modelmonitor.metrics;

/**
 * How much a counter grew over a window, from its value at the window's start and its samples inside the window.
 * Like Prometheus' {@code increase()}, a drop means the counter restarted from zero (a collector restart), so the
 * value after the drop is all growth; unlike it, nothing is extrapolated to the window's edges: the result is the
 * number of events the samples prove, which is what a count-based confidence interval needs.
 */
public final class CounterGrowth {

    private CounterGrowth() {
    }

    /**
     * @param atStart the counter's value at the window's start, 0 when the series was born inside the window
     * @param samples its values inside the window, oldest first
     */
    public static double of(double atStart, double... samples) {
        double growth = 0;
        double previous = atStart;
        for (double sample : samples) {
            growth += sample >= previous ? sample - previous : sample;
            previous = sample;
        }
        return growth;
    }
}

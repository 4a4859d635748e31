package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import io.modelmonitor.metrics.Intervals.Estimate;

class IntervalsTest {

    /** Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17:857-872, Table I, method 3. */
    @Test
    void wilsonMatchesNewcombesPublishedExamples() {
        assertInterval(Intervals.wilson(81, 263, 0.95), 0.2553, 0.3662);
        assertInterval(Intervals.wilson(15, 148, 0.95), 0.0624, 0.1605);
        assertInterval(Intervals.wilson(0, 20, 0.95), 0.0000, 0.1611);
        assertInterval(Intervals.wilson(1, 29, 0.95), 0.0061, 0.1718);
    }

    /** Newcombe (1998), "Interval estimation for the difference between independent proportions", Stat Med 17:873-890, Table II, method 10. */
    @Test
    void newcombeDifferenceMatchesThePublishedExample() {
        Estimate d = Intervals.difference(Intervals.wilson(56, 70, 0.95), Intervals.wilson(48, 80, 0.95));
        assertThat(d.value()).isCloseTo(0.2, within(1e-12));
        assertThat(d.lower()).isCloseTo(0.0524, within(5e-5));
        assertThat(d.upper()).isCloseTo(0.3339, within(5e-5));
    }

    @Test
    void normalQuantilesMatchTables() {
        assertThat(Intervals.z(0.95)).isCloseTo(1.959964, within(1e-6));
        assertThat(Intervals.z(0.99)).isCloseTo(2.575829, within(1e-6));
        assertThat(Intervals.z(0.90)).isCloseTo(1.644854, within(1e-6));
        assertThat(Intervals.inverseNormal(0.001)).isCloseTo(-3.090232, within(1e-6));
    }

    @Test
    void noSamplesMeansNothingIsKnown() {
        Estimate e = Intervals.wilson(0, 0, 0.95);
        assertThat(e.value()).isNaN();
        assertThat(e.lower()).isZero();
        assertThat(e.upper()).isEqualTo(1.0);
    }

    @Test
    void quantileIntervalWidensWithFewerRequests() {
        long[] many = new long[LatencyHistogram.BOUNDS_MS.length + 1];
        long[] few = new long[LatencyHistogram.BOUNDS_MS.length + 1];
        for (int i = 0; i < 20; i++) {
            many[i] = 1000;
            few[i] = 10;
        }
        Estimate tight = Intervals.quantile(many, 0.99, 0.95);
        Estimate wide = Intervals.quantile(few, 0.99, 0.95);
        assertThat(tight.value()).isCloseTo(wide.value(), within(1e-9));
        assertThat(tight.upper() - tight.lower()).isLessThan(wide.upper() - wide.lower());
        assertThat(tight.lower()).isLessThanOrEqualTo(tight.value());
        assertThat(tight.upper()).isGreaterThanOrEqualTo(tight.value());
    }

    private static void assertInterval(Estimate e, double lower, double upper) {
        assertThat(e.lower()).isCloseTo(lower, within(5e-5));
        assertThat(e.upper()).isCloseTo(upper, within(5e-5));
    }
}

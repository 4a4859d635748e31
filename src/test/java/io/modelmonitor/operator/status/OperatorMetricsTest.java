package io.modelmonitor.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.metrics.FeatureSketch;
import io.modelmonitor.metrics.InputCounts;
import io.modelmonitor.metrics.InputMetrics;
import io.modelmonitor.testsupport.Fixtures;

class OperatorMetricsTest {

    private static InputMetrics inputs(String... features) {
        Random random = new Random(1);
        InputCounts counts = InputCounts.of(100, 0, 100);
        for (String f : features) {
            FeatureSketch.Numerical s = FeatureSketch.numerical();
            for (int i = 0; i < 100; i++) {
                s.update(random.nextGaussian());
            }
            counts.with(f, 90, 10, 0, s);
        }
        return InputMetrics.compute(counts, null, null, 0.95);
    }

    @Test
    void eachFeatureHasItsSeriesAndAFeatureGoneLosesThem() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OperatorMetrics metrics = new OperatorMetrics(registry);
        var monitor = Fixtures.monitor("ml", "fraud", "fraud");
        monitor.getMetadata().setNamespace("ml");

        metrics.inputs(monitor, inputs("amount", "country"));
        assertThat(registry.find("modelmonitor_feature_missing_rate").tag("feature", "amount").gauge().value())
                .isEqualTo(0.1);
        assertThat(registry.find("modelmonitor_feature_missing_rate").gauges()).hasSize(2);

        metrics.inputs(monitor, inputs("amount"));
        assertThat(registry.find("modelmonitor_feature_missing_rate").gauges()).as("country left the spec").hasSize(1);
        assertThat(registry.find("modelmonitor_feature_drift").tag("feature", "country").gauge()).isNull();

        metrics.inputs(monitor, inputs("amount", "country"));
        assertThat(registry.find("modelmonitor_feature_missing_rate").gauges()).as("and can come back").hasSize(2);
    }
}

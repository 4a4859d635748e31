package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The model's inputs over a window: counters like any other, sketches merged across replicas and reads. */
class InputWindowTest {

    private static final long WINDOW = 60_000;

    /** A collector's snapshot with {@code rows} rows read so far and a sketch of {@code fresh} new values. */
    private static CollectorSnapshot snapshot(String collector, long startMillis, long rows, int fresh, double value) {
        FeatureSketch.Numerical sketch = FeatureSketch.numerical();
        for (int i = 0; i < fresh; i++) {
            sketch.update(value);
        }
        InputsSnapshot.Sketches sketches = new InputsSnapshot.Sketches("i-" + collector, 1, 1, false,
                fresh == 0 ? Map.of() : Map.of("amount", Base64.getEncoder().encodeToString(sketch.toBytes())));
        InputsSnapshot inputs = new InputsSnapshot(rows, 0, rows,
                List.of(new InputsSnapshot.FeatureCounts("amount", "numerical", rows, 0, 0)), sketches);
        return new CollectorSnapshot(collector, "i-" + collector, startMillis, 0, "binary-classification",
                Map.of("2xx", rows), new long[LatencyHistogram.BOUNDS_MS.length + 1], 0, Map.of(), Map.of(), List.of(),
                List.of(), new CollectorSnapshot.Regression(0, 0, 0), Map.of(), 0, 0, 0, inputs, null, null);
    }

    @Test
    void replicasSketchesMergeAndAFirstSeenCollectorsHistoryStaysOut() {
        MonitorWindow window = new MonitorWindow(WINDOW);
        // First read: both collectors started long before; what they had is not this window's.
        window.advance(List.of(snapshot("a", 0, 100, 100, 1), snapshot("b", 0, 50, 50, 1)), Set.of("a", "b"), 10_000,
                "1", WINDOW, 0);
        window.advance(List.of(snapshot("a", 0, 130, 30, 2), snapshot("b", 0, 70, 20, 3)), Set.of("a", "b"), 20_000,
                "1", WINDOW, 0);
        InputCounts in = window.counts().inputs();
        assertThat(in.rows()).isEqualTo(50);
        assertThat(in.features().get("amount").values()).isEqualTo(50);
        FeatureSketch.Numerical merged = (FeatureSketch.Numerical) in.features().get("amount").sketch();
        assertThat(merged.n()).as("30 from a, 20 from b").isEqualTo(50);
        assertThat(merged.quantile(0.5)).isEqualTo(2);

        window.advance(List.of(snapshot("a", 0, 140, 10, 5), snapshot("b", 0, 70, 0, 0)), Set.of("a", "b"), 30_000,
                "1", WINDOW, 0);
        assertThat(window.counts().inputs().features().get("amount").sketch().n()).isEqualTo(60);
        assertThat(window.counts().inputs().features().get("amount").sketch().n())
                .as("summing the window twice merges nothing twice").isEqualTo(60);
    }

    @Test
    void sketchesLeaveTheWindowWithTheirSliceAndAThousandIntervalsKeepAFewSlices() {
        MonitorWindow window = new MonitorWindow(WINDOW);
        window.advance(List.of(snapshot("a", 0, 0, 0, 0)), Set.of("a"), 1_000, "1", WINDOW, 0);
        long rows = 0;
        for (int i = 2; i <= 1_000; i++) {
            rows += 1;
            window.advance(List.of(snapshot("a", 0, rows, 1, i)), Set.of("a"), i * 1_000L, "1", WINDOW, 0);
        }
        long n = window.counts().inputs().features().get("amount").sketch().n();
        assertThat(n).as("the last minute's values, and at most a sixth of a window more")
                .isBetween(60L, 60L + WINDOW / 1_000 / SlidingWindow.SKETCH_SLICES + 1);
        assertThat(window.counts().inputs().rows()).as("counters keep the exact window").isEqualTo(60);
    }

    @Test
    void garbageFromAPodsAdminPortIsDroppedAndCounted() {
        InputsSnapshot hostile = new InputsSnapshot(5, 0, 5, List.of(
                new InputsSnapshot.FeatureCounts("amount", "numerical", 5, 0, 0),
                new InputsSnapshot.FeatureCounts("x".repeat(500), "numerical", 5, 0, 0),
                new InputsSnapshot.FeatureCounts("kind", "tensor", 5, 0, 0)),
                new InputsSnapshot.Sketches("i", 1, 1, false, Map.of("amount", "bm90IGEgc2tldGNo")));
        InputCounts delta = InputCounts.delta(null, hostile);
        assertThat(delta.features()).as("a name too long and an unknown type are not features").containsOnlyKeys("amount");
        assertThat(delta.features().get("amount").sketch()).isNull();
        assertThat(delta.unreadableSketches()).isEqualTo(1);
    }
}

package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.FeatureSpec;
import io.modelmonitor.api.v1alpha1.FeatureType;
import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.metrics.FeatureSketch;
import io.modelmonitor.metrics.InputsSnapshot;

class InputStatsTest {

    private final List<FeatureSpec> features = List.of(new FeatureSpec("amount", FeatureType.NUMERICAL),
            new FeatureSpec("country", FeatureType.CATEGORICAL));
    private final InputReader reader = new InputReader(ModelProtocol.KSERVE_V1, features);
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final InputStats stats = new InputStats(features, "inst-1", 30_000, clock::get);

    /** The collector's clock moves on by one epoch. */
    private void epochPasses() {
        clock.addAndGet(30_000);
    }

    private void send(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        stats.record(reader.read(bytes, bytes.length));
    }

    private static long sketched(InputsSnapshot s, String feature) {
        String base64 = s.sketches().features().get(feature);
        return base64 == null ? 0 : FeatureSketch.of(feature.equals("amount") ? "numerical" : "categorical",
                Base64.getDecoder().decode(base64)).n();
    }

    @Test
    void countersAreCumulativeAndEachEpochsSketchesGoToEveryReaderOnce() {
        send("{\"instances\": [{\"amount\": 1, \"country\": \"DE\"}, {\"amount\": 2}]}");
        send("garbage");

        InputsSnapshot plain = stats.snapshot(null);
        assertThat(plain.sketches()).as("a read without a cursor has no sketches").isNull();
        assertThat(plain.requests()).isEqualTo(2);
        assertThat(plain.schemaViolations()).isEqualTo(1);
        assertThat(plain.rows()).isEqualTo(2);
        assertThat(plain.features()).containsExactly(new InputsSnapshot.FeatureCounts("amount", "numerical", 2, 0, 0),
                new InputsSnapshot.FeatureCounts("country", "categorical", 1, 1, 0));
        assertThat(stats.snapshot("-").sketches().features()).as("the open epoch is not served").isEmpty();

        epochPasses();
        InputsSnapshot first = stats.snapshot("-");
        assertThat(sketched(first, "amount")).isEqualTo(2);
        assertThat(first.sketches().instance()).isEqualTo("inst-1");
        long seq = first.sketches().toSeq();
        assertThat(sketched(stats.snapshot("-"), "amount")).as("another reader gets the same epoch").isEqualTo(2);

        send("{\"instances\": [{\"amount\": 3, \"country\": \"FR\"}]}");
        epochPasses();
        InputsSnapshot second = stats.snapshot("inst-1:" + seq);
        assertThat(sketched(second, "amount")).as("only what came since the cursor").isEqualTo(1);
        assertThat(second.sketches().gap()).isFalse();
        assertThat(second.features().get(0).values()).as("counters stay cumulative").isEqualTo(3);
        assertThat(stats.snapshot("inst-0:" + seq).sketches().fromSeq()).as("another instance's cursor gets all kept")
                .isEqualTo(first.sketches().fromSeq());
    }

    @Test
    void aReaderThatMissedAReadStillGetsItAndIsToldWhenEpochsAreGone() {
        send("{\"instances\": [{\"amount\": 1}]}");
        epochPasses();
        long seq = stats.snapshot("-").sketches().toSeq();
        send("{\"instances\": [{\"amount\": 2}]}");
        epochPasses();
        send("{\"instances\": [{\"amount\": 3}]}");
        epochPasses();
        InputsSnapshot caughtUp = stats.snapshot("inst-1:" + seq);
        assertThat(sketched(caughtUp, "amount")).as("two epochs since its read").isEqualTo(2);
        assertThat(caughtUp.sketches().gap()).isFalse();

        for (int i = 0; i < InputStats.CLOSED_KEPT + 1; i++) {
            send("{\"instances\": [{\"amount\": 4}]}");
            epochPasses();
            stats.snapshot("-"); // other readers change nothing
        }
        InputsSnapshot late = stats.snapshot("inst-1:" + caughtUp.sketches().toSeq());
        assertThat(late.sketches().gap()).as("an epoch dropped before this reader came back").isTrue();
        assertThat(sketched(late, "amount")).isEqualTo(InputStats.CLOSED_KEPT);
    }

    @Test
    void aCategoryFloodStaysWithinTheSketchBound() {
        for (int i = 0; i < 50_000; i++) {
            send("{\"instances\": [{\"amount\": " + i + ", \"country\": \"c-" + i + "-" + "y".repeat(40) + "\"}]}");
        }
        epochPasses();
        InputsSnapshot s = stats.snapshot("-");
        assertThat(Base64.getDecoder().decode(s.sketches().features().get("country"))).hasSizeLessThanOrEqualTo(
                FeatureSketch.MAX_BYTES);
        assertThat(sketched(s, "country")).isEqualTo(50_000);
    }
}

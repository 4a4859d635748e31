package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

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
    private final InputStats stats = new InputStats(features, "inst-1");

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
    void countersAreCumulativeAndSketchesGoOnceToTheReaderThatAsks() {
        send("{\"instances\": [{\"amount\": 1, \"country\": \"DE\"}, {\"amount\": 2}]}");
        send("garbage");

        InputsSnapshot plain = stats.snapshot(null);
        assertThat(plain.sketches()).as("a read without a cursor closes nothing").isNull();
        assertThat(plain.requests()).isEqualTo(2);
        assertThat(plain.schemaViolations()).isEqualTo(1);
        assertThat(plain.rows()).isEqualTo(2);
        assertThat(plain.features()).containsExactly(new InputsSnapshot.FeatureCounts("amount", "numerical", 2, 0, 0),
                new InputsSnapshot.FeatureCounts("country", "categorical", 1, 1, 0));

        InputsSnapshot first = stats.snapshot("-");
        assertThat(sketched(first, "amount")).isEqualTo(2);
        assertThat(first.sketches().instance()).isEqualTo("inst-1");
        long seq = first.sketches().toSeq();

        send("{\"instances\": [{\"amount\": 3, \"country\": \"FR\"}]}");
        InputsSnapshot second = stats.snapshot("inst-1:" + seq);
        assertThat(sketched(second, "amount")).as("only what came since the cursor").isEqualTo(1);
        assertThat(second.sketches().gap()).isFalse();
        assertThat(second.features().get(0).values()).as("counters stay cumulative").isEqualTo(3);
    }

    @Test
    void aReaderThatMissedAReadStillGetsTheEpochsKeptAndIsToldWhenSomeAreGone() {
        send("{\"instances\": [{\"amount\": 1}]}");
        long seq = stats.snapshot("-").sketches().toSeq();
        send("{\"instances\": [{\"amount\": 2}]}");
        stats.snapshot("someone-else:0"); // another reader closes an epoch this reader has not merged
        send("{\"instances\": [{\"amount\": 3}]}");
        InputsSnapshot caughtUp = stats.snapshot("inst-1:" + seq);
        assertThat(sketched(caughtUp, "amount")).isEqualTo(2);
        assertThat(caughtUp.sketches().gap()).isFalse();

        for (int i = 0; i < InputStats.CLOSED_KEPT + 1; i++) {
            send("{\"instances\": [{\"amount\": 4}]}");
            stats.snapshot("someone-else:0");
        }
        InputsSnapshot late = stats.snapshot("inst-1:" + caughtUp.sketches().toSeq());
        assertThat(late.sketches().gap()).as("epochs dropped before this reader came back").isTrue();
    }

    @Test
    void aCategoryFloodStaysWithinTheSketchBound() {
        for (int i = 0; i < 50_000; i++) {
            send("{\"instances\": [{\"amount\": " + i + ", \"country\": \"c-" + i + "-" + "y".repeat(40) + "\"}]}");
        }
        InputsSnapshot s = stats.snapshot("-");
        assertThat(Base64.getDecoder().decode(s.sketches().features().get("country"))).hasSizeLessThanOrEqualTo(
                FeatureSketch.MAX_BYTES);
        assertThat(sketched(s, "country")).isEqualTo(50_000);
    }
}

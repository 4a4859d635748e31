package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.metrics.CollectorSnapshot;
import io.modelmonitor.metrics.InputCounts;
import io.modelmonitor.metrics.InputsSnapshot;

/** The model's inputs as the collector reads them over real HTTP, and what hostile payloads cost it: nothing. */
class CollectorInputsTest extends CollectorTestSupport {

    private static final String FEATURES = "[{\"name\":\"amount\",\"type\":\"numerical\"},"
            + "{\"name\":\"country\",\"type\":\"categorical\"}]";

    /** The snapshot with the sketches of every closed epoch, once the epoch open now has closed (1 s epochs). */
    private static CollectorSnapshot read(Collector c, String cursor) throws Exception {
        Thread.sleep(1_100);
        return PredictionReader.JSON.readValue(admin(c, CollectorContract.SNAPSHOT_PATH + "?"
                + CollectorContract.SNAPSHOT_SINCE + "=" + cursor), CollectorSnapshot.class);
    }

    @Test
    void featuresOfEveryRowReachTheOperatorAsCountsAndSketchesWhileTheRequestPassesUntouched() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\": [1, 0]}"));
        Collector c = collector(model, "MM_FEATURES", FEATURES, "MM_SKETCH_EPOCH", "1s");
        String body = "{\"instances\": [{\"amount\": 12.5, \"country\": \"DE\"}, {\"amount\": null, \"country\": \"FR\"}]}";
        for (int i = 0; i < 10; i++) {
            assertThat(post(c, "/v1/models/fraud:predict", body).statusCode()).isEqualTo(200);
        }
        assertThat(model.received).allSatisfy(r -> assertThat(new String(r.body())).isEqualTo(body));

        CollectorSnapshot s = read(c, "-");
        InputsSnapshot in = s.inputs();
        assertThat(in.requests()).isEqualTo(10);
        assertThat(in.rows()).isEqualTo(20);
        assertThat(in.features()).containsExactly(new InputsSnapshot.FeatureCounts("amount", "numerical", 10, 10, 0),
                new InputsSnapshot.FeatureCounts("country", "categorical", 20, 0, 0));
        InputCounts delta = InputCounts.delta(null, in);
        assertThat(delta.features().get("amount").sketch().n()).isEqualTo(10);
        assertThat(delta.features().get("country").sketch().n()).isEqualTo(20);
        assertThat(snapshot(c).inputs().sketches()).as("a plain read carries no sketches").isNull();
    }

    @Test
    void aSegmentInTheBodyIsReadFromTheTreeTheFeaturesCameFrom() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\": [1]}"));
        Collector c = collector(model, "MM_FEATURES", FEATURES, "MM_SEGMENT_POINTER", "/instances/0/country");
        post(c, "/v1/models/fraud:predict", "{\"instances\": [{\"amount\": 1, \"country\": \"DE\"}]}");
        post(c, "/v1/models/fraud:predict", "{\"instances\": [{\"amount\": 2}]}");
        post(c, "/v1/models/fraud:predict", "not json");
        CollectorSnapshot s = snapshot(c);
        assertThat(s.predictions().get("DE")).containsEntry("1", 1L);
        assertThat(s.predictions().get("none")).as("no segment in the body, or no body to read it from")
                .containsEntry("1", 2L);
        assertThat(s.inputs().schemaViolations()).isEqualTo(1);
    }

    @Test
    void hostilePayloadsAreCountedAsViolationsAndNeverFailTheModelsRequest() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\": [1]}"));
        Collector c = collector(model, "MM_FEATURES", FEATURES, "MM_SKETCH_EPOCH", "3s");
        StringBuilder wide = new StringBuilder("{\"instances\": [{");
        for (int i = 0; i < 10_000; i++) {
            wide.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        List<String> bodies = List.of(wide.append("}]}").toString(),
                "{\"instances\": [{\"amount\": 1, \"country\": \"" + "x".repeat(1 << 20) + "\"}]}",
                "{\"instances\": [{\"amount\": \"NaN\", \"country\": [1, 2]}]}",
                "{\"instances\": [{\"amount\": 1e999, \"country\": \"DE\"}]}",
                "{\"instances\": [[1, 2, 3]]}",
                "not json at all");
        for (String body : bodies) {
            HttpResponse<byte[]> response = post(c, "/v1/models/fraud:predict", body);
            assertThat(response.statusCode()).as("the model's answer, whatever was sent").isEqualTo(200);
        }
        assertThat(model.received).extracting(r -> r.body().length)
                .containsExactlyElementsOf(bodies.stream().map(b -> b.getBytes().length).toList());
        // A category flood, one new category a request, read as the operator reads: a cursor carried from read to read.
        String cursor = "-";
        long sketched = 0;
        int largest = 0;
        for (int i = 0; i <= 2_000; i++) {
            post(c, "/v1/models/fraud:predict", "{\"instances\": [{\"amount\": 1, \"country\": \"c" + i + "\"}]}");
            if (i % 500 == 0 || i == 2_000) {
                if (i == 2_000) {
                    Thread.sleep(3_100); // the last epoch closes
                }
                InputsSnapshot in = PredictionReader.JSON.readValue(admin(c, CollectorContract.SNAPSHOT_PATH + "?"
                        + CollectorContract.SNAPSHOT_SINCE + "=" + cursor), CollectorSnapshot.class).inputs();
                assertThat(in.sketches().gap()).as("a reader every few hundred requests misses no epoch").isFalse();
                InputCounts delta = InputCounts.delta(null, in);
                if (delta.features().get("country").sketch() != null) {
                    sketched += delta.features().get("country").sketch().n();
                    largest = Math.max(largest, delta.features().get("country").sketch().toBytes().length);
                }
                assertThat(delta.unreadableSketches()).isZero();
                cursor = in.sketches().instance() + ":" + in.sketches().toSeq();
            }
        }
        InputsSnapshot in = snapshot(c).inputs();
        assertThat(in.schemaViolations()).as("too many members, too large a body, an array row, not JSON").isEqualTo(4);
        InputsSnapshot.FeatureCounts amount = in.features().get(0);
        assertThat(amount.wrongType()).as("text and an overflowing number").isEqualTo(2);
        assertThat(in.features().get(1).wrongType()).as("an array where a category belongs").isEqualTo(1);
        assertThat(sketched).as("every category of the flood, and DE before it").isEqualTo(2_001 + 1);
        assertThat(largest).isLessThan(32 * 1024);
    }
}

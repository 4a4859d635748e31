package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.modelmonitor.metrics.CollectorSnapshot;

/** Ground-truth labels joined with predictions, over real HTTP on loopback. */
class CollectorFeedbackTest extends CollectorTestSupport {

    private static final String TOKEN = "s3cr3t-token-for-tests";

    @Test
    void labelsByIdAndSelfContainedLabelsFillTheConfusionMatrixPerSegment() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1,0]}"));
        Collector c = collector(model, "MM_SEGMENT_HEADER", "X-Segment");
        String[] ids = ids(post(c, "/p", "{}", "X-Segment", "eu"));

        HttpResponse<String> response = feedback(c, "[{\"id\":\"" + ids[0] + "\",\"label\":\"1\"},"
                + "{\"id\":\"" + ids[1] + "\",\"label\":1},"
                + "{\"prediction\":\"1\",\"label\":\"0\",\"segment\":\"us\"},"
                + "{\"id\":\"" + ids[0] + "\",\"label\":\"1\"},"
                + "{\"label\":\"1\"},"
                + "{\"id\":\"garbage\",\"label\":\"1\"},"
                + "{\"id\":\"" + ids[1] + "\"},"
                + "42]");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = PredictionReader.JSON.readTree(response.body());
        assertThat(body.get("accepted").asInt()).isEqualTo(4);
        assertThat(body.get("matched").asInt()).isEqualTo(3);
        assertThat(body.get("unmatched").asInt()).as("the second label for the same id").isEqualTo(1);
        assertThat(body.get("rejected").asInt()).isEqualTo(4);
        assertThat(body.get("rejections").toString()).isEqualTo("[{\"index\":4,\"reason\":\"item needs an id (from "
                + "X-Prediction-Id) or a prediction\"},{\"index\":5,\"reason\":\"id is not an X-Prediction-Id issued by "
                + "model-monitor\"},{\"index\":6,\"reason\":\"label is missing\"},{\"index\":7,\"reason\":\"item is not a "
                + "JSON object\"}]");

        CollectorSnapshot s = snapshot(c);
        assertThat(labels(s, "1", "1")).isEqualTo(1);
        assertThat(labels(s, "0", "1")).isEqualTo(1);
        assertThat(labels(s, "1", "0")).isEqualTo(1);
        assertThat(segmentLabels(s, "eu", "tp")).isEqualTo(1);
        assertThat(segmentLabels(s, "eu", "fn")).isEqualTo(1);
        assertThat(segmentLabels(s, "us", "fp")).isEqualTo(1);
        assertThat(s.feedback()).containsEntry("matched", 3L).containsEntry("unmatched", 1L).containsEntry("rejected", 4L);
        assertThat(s.pendingLabels()).isZero();
        assertThat(admin(c, "/metrics")).contains("modelmonitor_labels_total{predicted=\"0\",actual=\"1\"} 1")
                .contains("modelmonitor_segment_labels_total{segment=\"eu\",outcome=\"fn\"} 1");
    }

    @Test
    void aLabelByIdCarriesItsSegmentWhenThePredictionHadNone() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1,1]}"));
        Collector c = collector(model, "MM_SEGMENT_HEADER", "X-Segment");
        String[] none = ids(post(c, "/p", "{}"));
        String[] eu = ids(post(c, "/p", "{}", "X-Segment", "eu"));

        HttpResponse<String> response = feedback(c, "[{\"id\":\"" + none[0] + "\",\"label\":\"1\",\"segment\":\"us\"},"
                + "{\"id\":\"" + none[1] + "\",\"label\":\"0\"},"
                + "{\"id\":\"" + eu[0] + "\",\"label\":\"1\",\"segment\":\"us\"}]");

        assertThat(response.statusCode()).isEqualTo(202);
        CollectorSnapshot s = snapshot(c);
        assertThat(segmentLabels(s, "us", "tp")).as("the label's segment, the request had none").isEqualTo(1);
        assertThat(segmentLabels(s, "none", "fp")).as("no segment anywhere").isEqualTo(1);
        assertThat(segmentLabels(s, "eu", "tp")).as("the request's segment wins").isEqualTo(1);
    }

    @Test
    void regressionLabelsGiveAbsoluteAndSquaredErrors() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[10.5, 3]}"));
        Collector c = collector(model, "MM_TASK", "regression");
        String[] ids = ids(post(c, "/p", "{}"));
        HttpResponse<String> response = feedback(c, "[{\"id\":\"" + ids[0] + "\",\"label\":12.5},{\"id\":\"" + ids[1]
                + "\",\"label\":2},{\"prediction\":1,\"label\":\"x\"}]");
        assertThat(PredictionReader.JSON.readTree(response.body()).get("matched").asInt()).isEqualTo(2);
        CollectorSnapshot.Regression r = snapshot(c).regression();
        assertThat(r.labels()).isEqualTo(2);
        assertThat(r.absoluteErrorSum()).isEqualTo(3.0);
        assertThat(r.squaredErrorSum()).isEqualTo(5.0);
    }

    @Test
    void aConfiguredTokenIsRequired() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1]}"));
        Collector c = collector(model, "MM_FEEDBACK_TOKEN", TOKEN);
        String id = ids(post(c, "/p", "{}"))[0];
        String label = "{\"id\":\"" + id + "\",\"label\":\"1\"}";

        assertThat(feedback(c, label).statusCode()).isEqualTo(401);
        assertThat(feedback(c, label, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(feedback(c, label, "Authorization", "Basic " + TOKEN).statusCode()).isEqualTo(401);
        assertThat(snapshot(c).feedback()).containsEntry("matched", 0L);
        assertThat(model.received).hasSize(1).as("feedback never reaches the model");

        HttpResponse<String> ok = feedback(c, label, "Authorization", "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(snapshot(c).feedback()).containsEntry("matched", 1L);
    }

    @Test
    void anyReplicaAcceptsLabelsForIdsAnotherReplicaIssued() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1]}"));
        Collector a = collector(model, "MM_FEEDBACK_TOKEN", TOKEN, "MM_SEGMENT_HEADER", "X-Segment");
        Collector b = collector(model, "MM_FEEDBACK_TOKEN", TOKEN, "MM_SEGMENT_HEADER", "X-Segment");
        String fromA = ids(post(a, "/p", "{}", "X-Segment", "eu"))[0];
        String fromB = ids(post(b, "/p", "{}", "X-Segment", "us"))[0];

        // The client sends both labels to B (as a Service would pick any replica).
        HttpResponse<String> response = feedback(b, "[{\"id\":\"" + fromA + "\",\"label\":\"0\"},{\"id\":\"" + fromB
                + "\",\"label\":\"1\"}]", "Authorization", "Bearer " + TOKEN);

        JsonNode body = PredictionReader.JSON.readTree(response.body());
        assertThat(body.get("matched").asInt()).isEqualTo(2);
        assertThat(segmentLabels(snapshot(a), "eu", "fp")).as("joined where the prediction was made").isEqualTo(1);
        assertThat(segmentLabels(snapshot(b), "us", "tp")).isEqualTo(1);
        assertThat(segmentLabels(snapshot(b), "eu", "fp")).as("not counted twice").isZero();
        assertThat(snapshot(b).feedback()).containsEntry("forwarded", 1L);
        assertThat(snapshot(a).pendingLabels()).isZero();
    }

    @Test
    void labelsForAReplicaThatIsGoneAreUnmatchedNotLost() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1]}"));
        Collector a = collector(model);
        Collector b = collector(model);
        String fromA = ids(post(a, "/p", "{}"))[0];
        a.close();

        HttpResponse<String> response = feedback(b, "{\"id\":\"" + fromA + "\",\"label\":\"1\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(PredictionReader.JSON.readTree(response.body()).get("unmatched").asInt()).isEqualTo(1);
        assertThat(snapshot(b).feedback()).containsEntry("unmatched", 1L);
    }

    @Test
    void predictionsExpireAfterTheirTtlAndAreCounted() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1]}"));
        Collector c = collector(model, "MM_LABEL_TTL", "300ms");
        String id = ids(post(c, "/p", "{}"))[0];
        Thread.sleep(700);

        HttpResponse<String> response = feedback(c, "{\"id\":\"" + id + "\",\"label\":\"1\"}");

        assertThat(PredictionReader.JSON.readTree(response.body()).get("unmatched").asInt()).isEqualTo(1);
        CollectorSnapshot s = snapshot(c);
        assertThat(s.evictedByTtl()).isEqualTo(1);
        assertThat(s.pendingLabels()).isZero();
        assertThat(s.labels()).isEmpty();
    }

    @Test
    void thePendingStoreNeverGrowsPastItsBound() throws Exception {
        String batch = "{\"predictions\":[" + IntStream.range(0, 100).mapToObj(i -> "1").collect(Collectors.joining(","))
                + "]}";
        StubModel model = model(r -> StubModel.Response.json(batch));
        Collector c = collector(model, "MM_MAX_PENDING_LABELS", "5000");
        String lastId = null;
        for (int i = 0; i < 1000; i++) { // 1,000 requests x 100 instances = 100,000 unlabeled predictions
            String[] ids = ids(post(c, "/p", "{}"));
            lastId = ids[ids.length - 1];
            if (i % 100 == 99) {
                assertThat(snapshot(c).pendingLabels()).isLessThanOrEqualTo(5000);
            }
        }
        CollectorSnapshot s = snapshot(c);
        assertThat(s.pendingLabels()).isEqualTo(5000);
        assertThat(s.evictedByCapacity()).isEqualTo(95_000);
        assertThat(s.predictions().get("none").get("1")).isEqualTo(100_000);
        // The newest predictions are still there to be labeled.
        assertThat(PredictionReader.JSON.readTree(feedback(c, "{\"id\":\"" + lastId + "\",\"label\":\"1\"}").body())
                .get("matched").asInt()).isEqualTo(1);
    }

    @Test
    void anOversizedFeedbackBodyIsRefused() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\":[1]}"));
        Collector c = collector(model, "MM_MAX_BODY_BYTES", "2048");
        String big = "[" + IntStream.range(0, 200).mapToObj(i -> "{\"prediction\":\"1\",\"label\":\"1\"}")
                .collect(Collectors.joining(",")) + "]";
        assertThat(feedback(c, big).statusCode()).isEqualTo(413);
        assertThat(feedback(c, "not json").statusCode()).isEqualTo(400);
        assertThat(snapshot(c).feedback()).containsEntry("matched", 0L);
    }
}

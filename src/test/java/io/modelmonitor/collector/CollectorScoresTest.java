package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.modelmonitor.metrics.ScoreCounts;

/** A binary classifier's scores, read from its answers over real HTTP and joined with the labels that come later. */
class CollectorScoresTest extends CollectorTestSupport {

    @Test
    void probabilityVectorsAreTheirOwnScoresAndLabelsJoinThemByCell() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\": [[0.2, 0.8], [0.93, 0.07]]}"));
        Collector c = collector(model);
        String[] ids = ids(post(c, "/v1/models/m:predict", "{\"instances\": [[1], [2]]}"));

        ScoreCounts scores = snapshot(c).scores();
        assertThat(scores.predictedPositive()[ScoreCounts.bin(0.8)]).isEqualTo(1);
        assertThat(scores.predictedNegative()[ScoreCounts.bin(0.07)]).isEqualTo(1);
        assertThat(scores.scored()).isEqualTo(2);

        assertThat(feedback(c, "[{\"id\":\"" + ids[0] + "\",\"label\":\"1\"},{\"id\":\"" + ids[1] + "\",\"label\":1}]")
                .statusCode()).as("accepted").isEqualTo(202);
        ScoreCounts labeled = snapshot(c).scores();
        assertThat(labeled.labeled(ScoreCounts.cell(true, true), ScoreCounts.bin(0.8))).as("a true positive at 0.8")
                .isEqualTo(1);
        assertThat(labeled.labeled(ScoreCounts.cell(false, true), ScoreCounts.bin(0.07))).as("a false negative at 0.07")
                .isEqualTo(1);
    }

    @Test
    void aScorePointerReadsScoresBesideTheLabelsAndJunkScoresAreNotScores() throws Exception {
        StubModel model = model(r -> StubModel.Response.json(
                "{\"predictions\": [1, 0, 1], \"probabilities\": [0.91, 0.3, \"high\"]}"));
        Collector c = collector(model, "MM_SCORE_POINTER", "/probabilities");
        post(c, "/v1/models/m:predict", "{\"instances\": [[1], [2], [3]]}");
        ScoreCounts scores = snapshot(c).scores();
        assertThat(scores.scored()).as("a score that is not a number in [0, 1] is none").isEqualTo(2);
        assertThat(scores.predictedPositive()[ScoreCounts.bin(0.91)]).isEqualTo(1);
        assertThat(scores.predictedNegative()[ScoreCounts.bin(0.3)]).isEqualTo(1);
        assertThat(snapshot(c).predictions().get("none")).as("every prediction still counted").containsEntry("1", 2L);
    }

    @Test
    void aModelWithoutScoresHasNoScoreCounts() throws Exception {
        StubModel model = model(r -> StubModel.Response.json("{\"predictions\": [1, 0]}"));
        Collector c = collector(model);
        post(c, "/v1/models/m:predict", "{\"instances\": [[1], [2]]}");
        assertThat(snapshot(c).scores()).isNull();
    }
}

package io.modelmonitor.operator.judgement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.operator.source.PrometheusReader;
import io.modelmonitor.operator.status.OperatorMetrics;
import io.modelmonitor.testsupport.Fixtures;

/** Where a window starts when this replica did not see the revision arrive: the status remembers it. */
class MonitorEvaluatorTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    /** A Prometheus source that records the range it is asked for. */
    private static final class RecordingPrometheus extends PrometheusReader {
        long start;

        RecordingPrometheus() {
            super(null, null);
        }

        @Override
        public boolean applies(ModelMonitor monitor) {
            return true;
        }

        @Override
        public Result read(ModelMonitor monitor, String podNamePattern, long startMillis, long endMillis) {
            start = startMillis;
            return new Result(new WindowCounts(), 0, null);
        }
    }

    @Test
    void aReplicaTakingOverKeepsTheWindowOfTheRevisionItFindsInTheStatus() {
        RecordingPrometheus prometheus = new RecordingPrometheus();
        ModelMonitor monitor = monitorSeeing(3L, NOW.minus(Duration.ofMinutes(4)));

        MonitorEvaluator.Outcome outcome = evaluator(prometheus).evaluate(monitor, null, "3", NOW);

        assertThat(Instant.ofEpochMilli(prometheus.start)).isEqualTo(NOW.minus(Duration.ofMinutes(4)));
        assertThat(outcome.revisionSince()).isEqualTo(NOW.minus(Duration.ofMinutes(4)));
    }

    @Test
    void aRevisionTheStatusDoesNotKnowStartsNow() {
        RecordingPrometheus prometheus = new RecordingPrometheus();
        ModelMonitor monitor = monitorSeeing(2L, NOW.minus(Duration.ofMinutes(4)));

        MonitorEvaluator.Outcome outcome = evaluator(prometheus).evaluate(monitor, null, "3", NOW);

        assertThat(outcome.revisionSince()).isEqualTo(NOW);
        // The shortest window: one evaluation interval back from now.
        assertThat(Instant.ofEpochMilli(prometheus.start)).isEqualTo(NOW.minus(Duration.ofSeconds(30)));
    }

    @Test
    void aNewRevisionWarmsUpBeforeAnythingItServesIsJudged() {
        RecordingPrometheus prometheus = new RecordingPrometheus();
        ModelMonitor monitor = monitorSeeing(3L, NOW.minus(Duration.ofSeconds(10)));
        monitor.getSpec().getEvaluation().setWarmup("30s");

        MonitorEvaluator.Outcome warming = evaluator(prometheus).evaluate(monitor, null, "3", NOW);

        assertThat(warming.warmingUp(NOW)).isTrue();
        assertThat(warming.judgedFrom()).isEqualTo(NOW.plus(Duration.ofSeconds(20)));
        assertThat(warming.hasData()).isFalse();
        assertThat(prometheus.start).as("Prometheus is not even asked").isZero();
        assertThat(warming.evaluation().judgements()).allSatisfy(j ->
                assertThat(j.state()).isEqualTo(ObjectiveState.InsufficientData));

        Instant later = NOW.plus(Duration.ofMinutes(2));
        MonitorEvaluator.Outcome judged = evaluator(prometheus).evaluate(monitor, null, "3", later);

        assertThat(judged.warmingUp(later)).isFalse();
        assertThat(Instant.ofEpochMilli(prometheus.start)).as("the window begins where the warm-up ends")
                .isEqualTo(NOW.plus(Duration.ofSeconds(20)));
    }

    private static MonitorEvaluator evaluator(PrometheusReader prometheus) {
        return new MonitorEvaluator(null, null, new OperatorMetrics(new SimpleMeterRegistry()), prometheus);
    }

    private static ModelMonitor monitorSeeing(Long revision, Instant since) {
        ModelMonitor monitor = Fixtures.monitor("ns", "scorer", "scorer");
        monitor.getMetadata().setUid("uid-1");
        monitor.getSpec().getEvaluation().setInterval("30s");
        monitor.getSpec().getEvaluation().setWindow("10m");
        ModelMonitorStatus status = new ModelMonitorStatus();
        status.setTargetRevision(revision);
        status.setTargetRevisionSince(since.toString());
        monitor.setStatus(status);
        return monitor;
    }
}

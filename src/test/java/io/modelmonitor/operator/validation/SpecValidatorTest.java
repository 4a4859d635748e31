package io.modelmonitor.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.AlertSpec;
import io.modelmonitor.api.v1alpha1.AlertType;
import io.modelmonitor.api.v1alpha1.CollectorInjection;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitorSpec;
import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.api.v1alpha1.ModelTask;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.SecretKeyRef;
import io.modelmonitor.api.v1alpha1.SegmentSpec;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.api.v1alpha1.TargetSpec;
import io.modelmonitor.testsupport.Fixtures;

class SpecValidatorTest {

    private static ModelMonitorSpec valid() {
        return Fixtures.monitor("ns", "m", "model").getSpec();
    }

    @Test
    void theExampleSpecIsValid() {
        assertThat(SpecValidator.validate(valid())).isEmpty();
    }

    @Test
    void anInferenceServiceTakesItsCollectorByWebhookOnly() {
        ModelMonitorSpec spec = valid();
        spec.getTarget().setKind(TargetKind.InferenceService);

        assertThat(SpecValidator.validate(spec)).containsExactly(SpecValidator.INFERENCE_SERVICE_BY_WEBHOOK);
        spec.getCollector().setInjection(CollectorInjection.webhook);
        assertThat(SpecValidator.validate(spec)).isEmpty();
    }

    @Test
    void anObjectiveNeedsExactlyOneBound() {
        ModelMonitorSpec spec = valid();
        ObjectiveSpec none = new ObjectiveSpec();
        none.setMetric(MetricName.recall);
        ObjectiveSpec both = ObjectiveSpec.min(MetricName.accuracy, 0.9);
        both.setMax(0.95);
        spec.setObjectives(List.of(none, both));
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.objectives[0] (recall) must set exactly one of min or max",
                "spec.objectives[1] (accuracy) must set exactly one of min or max");
    }

    @Test
    void pointersMustBeJsonPointers() {
        ModelMonitorSpec spec = valid();
        spec.getModel().setPredictionPointer("predictions.0");
        SegmentSpec segment = new SegmentSpec();
        segment.setPointer("/instances/0/re~gion");
        spec.getModel().setSegment(segment);
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.model.predictionPointer 'predictions.0' is not a JSON pointer (RFC 6901), e.g. /predictions/0",
                "spec.model.segment.pointer '/instances/0/re~gion' is not a JSON pointer (RFC 6901), e.g. /instances/0/region");
    }

    @Test
    void escapedPointerTokensAreFine() {
        ModelMonitorSpec spec = valid();
        spec.getModel().setPredictionPointer("/outputs/a~1b/~0x/0");
        assertThat(SpecValidator.validate(spec)).isEmpty();
    }

    @Test
    void jsonProtocolNeedsAPointer() {
        ModelMonitorSpec spec = valid();
        spec.getModel().setProtocol(ModelProtocol.JSON);
        assertThat(SpecValidator.validate(spec))
                .containsExactly("spec.model.predictionPointer is required when spec.model.protocol is json");
    }

    @Test
    void aSegmentComesFromAHeaderOrAPointerNotBoth() {
        ModelMonitorSpec spec = valid();
        SegmentSpec segment = new SegmentSpec();
        segment.setHeader("X-Segment");
        segment.setPointer("/region");
        spec.getModel().setSegment(segment);
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.model.segment must set exactly one of header, pointer or responsePointer");
        segment.setHeader(null);
        segment.setPointer(null);
        segment.setResponsePointer("segment");
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.model.segment.responsePointer 'segment' is not a JSON pointer (RFC 6901), e.g. /segment");
        segment.setResponsePointer("/segment");
        assertThat(SpecValidator.validate(spec)).isEmpty();
    }

    @Test
    void theWindowCannotBeShorterThanTheInterval() {
        ModelMonitorSpec spec = valid();
        spec.getEvaluation().setInterval("1m");
        spec.getEvaluation().setWindow("30s");
        assertThat(SpecValidator.validate(spec))
                .containsExactly("spec.evaluation.window 30s is shorter than spec.evaluation.interval 1m");
    }

    @Test
    void durationsMustParse() {
        ModelMonitorSpec spec = valid();
        spec.getGroundTruth().setLabelTTL("forever");
        spec.getRollback().setCooldown("10");
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.groundTruth.labelTTL: 'forever' is not a duration such as 500ms, 30s, 5m or 1h30m",
                "spec.rollback.cooldown: '10' is not a duration such as 500ms, 30s, 5m or 1h30m");
    }

    @Test
    void everyDurationStaysWithinTheRangeItsCelRuleStates() {
        ModelMonitorSpec spec = valid();
        spec.getEvaluation().setInterval("1ms");
        spec.getEvaluation().setWindow("1s");
        spec.getEvaluation().setReadinessTimeout("25h");
        spec.getGroundTruth().setLabelTTL("18446744073709551615ms");
        spec.getRollback().setTimeout("2s");
        SegmentSpec segment = new SegmentSpec();
        segment.setHeader("X-Region");
        segment.setValues(List.of("eu", ""));
        spec.getModel().setSegment(segment);
        assertThat(SpecValidator.validate(spec)).containsExactlyInAnyOrder(
                "spec.evaluation.interval 1ms must be between 1s and 1h",
                "spec.evaluation.readinessTimeout 25h must be between 10s and 24h",
                "spec.groundTruth.labelTTL: '18446744073709551615ms' is longer than the longest duration allowed, 8760h",
                "spec.rollback.timeout 2s must be between 10s and 24h",
                "spec.model.segment.values[1] must be 1 to 64 characters");
    }

    @Test
    void aWindowHoldsAtMostAThousandIntervals() {
        ModelMonitorSpec spec = valid();
        spec.getEvaluation().setInterval("1s");
        spec.getEvaluation().setWindow("24h");
        assertThat(SpecValidator.validate(spec)).containsExactly("spec.evaluation.window 24h is 86400 intervals of 1s; "
                + "at most 1000: lengthen the interval or shorten the window");
    }

    @Test
    void aWarmUpMayBeZeroButMustBeADuration() {
        ModelMonitorSpec spec = valid();
        spec.getEvaluation().setWarmup("0s");
        assertThat(SpecValidator.validate(spec)).isEmpty();
        spec.getEvaluation().setWarmup("a while");
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.evaluation.warmup: 'a while' is not a duration such as 500ms, 30s, 5m or 1h30m");
    }

    @Test
    void metricsMustFitTheTask() {
        ModelMonitorSpec spec = valid();
        spec.getModel().setTask(ModelTask.REGRESSION);
        spec.setObjectives(List.of(ObjectiveSpec.min(MetricName.accuracy, 0.9), ObjectiveSpec.max(MetricName.mae, 3)));
        assertThat(SpecValidator.validate(spec))
                .containsExactly("spec.objectives[0].metric accuracy does not apply to a regression model");
        spec.getModel().setTask(ModelTask.MULTICLASS_CLASSIFICATION);
        spec.setObjectives(List.of(ObjectiveSpec.max(MetricName.statisticalParityDifference, 0.1),
                ObjectiveSpec.max(MetricName.equalOpportunityDifference, 0.1), ObjectiveSpec.max(MetricName.equalizedOddsDifference, 0.1)));
        spec.getModel().setSegment(new SegmentSpec());
        spec.getModel().getSegment().setHeader("X-Group");
        assertThat(SpecValidator.validate(spec)).as("true- and false-positive rates need a binary task").containsExactly(
                "spec.objectives[1].metric equalOpportunityDifference does not apply to a multiclass-classification model",
                "spec.objectives[2].metric equalizedOddsDifference does not apply to a multiclass-classification model");
    }

    @Test
    void aFairnessObjectiveNeedsASegment() {
        ModelMonitorSpec spec = valid();
        spec.getModel().setSegment(null);
        spec.setObjectives(List.of(ObjectiveSpec.max(MetricName.statisticalParityDifference, 0.1)));
        assertThat(SpecValidator.validate(spec)).containsExactly("spec.objectives[0].metric statisticalParityDifference "
                + "compares groups: set spec.model.segment (a header, pointer or responsePointer) to say where a request's "
                + "group is read");
    }

    @Test
    void noTwoObjectivesOnTheSameMetricAndDirection() {
        ModelMonitorSpec spec = valid();
        spec.setObjectives(List.of(ObjectiveSpec.min(MetricName.accuracy, 0.9), ObjectiveSpec.min(MetricName.accuracy, 0.8),
                ObjectiveSpec.max(MetricName.throughputRps, 1000), ObjectiveSpec.min(MetricName.throughputRps, 1)));
        assertThat(SpecValidator.validate(spec)).containsExactly("spec.objectives[1] repeats a min objective on accuracy");
    }

    @Test
    void collectorPortsMustNotCollide() {
        ModelMonitorSpec spec = valid();
        spec.getCollector().setPort(8080);
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.target.port 8080 collides with a collector port; choose other spec.collector.port/adminPort");
        spec.getCollector().setPort(9091);
        assertThat(SpecValidator.validate(spec))
                .containsExactly("spec.collector.port and spec.collector.adminPort must differ (both are 9091)");
    }

    @Test
    void alertNamesAreUnique() {
        ModelMonitorSpec spec = valid();
        AlertSpec a = new AlertSpec();
        a.setName("oncall");
        a.setType(AlertType.slack);
        a.setUrlSecretRef(new SecretKeyRef("hook", "url"));
        spec.setAlerts(List.of(a, a));
        assertThat(SpecValidator.validate(spec)).containsExactly("spec.alerts name 'oncall' is used twice");
    }

    @Test
    void aPagerThatWouldBeSentNoKeyIsNamed() {
        ModelMonitorSpec spec = valid();
        AlertSpec pager = new AlertSpec();
        pager.setName("pager");
        pager.setType(AlertType.pagerduty);
        pager.setUrlSecretRef(new SecretKeyRef("hook", "url"));
        spec.setAlerts(List.of(pager));
        assertThat(SpecValidator.validate(spec)).containsExactly(
                "spec.alerts[0].keySecretRef is required for type pagerduty: the Secret key of the routing key");
        pager.setKeySecretRef(new SecretKeyRef("hook", "routing"));
        assertThat(SpecValidator.validate(spec)).isEmpty();
    }

    @Test
    void everyBoundTheSchemaDeclaresIsCheckedByTheOperatorToo() {
        ModelMonitorSpec spec = valid();
        spec.getEvaluation().setMinSamples(-5);
        spec.getCollector().setMaxPendingLabels(500_001);
        spec.getEvaluation().setConsecutiveBreaches(101);
        spec.getEvaluation().setConfidence(0.3);
        spec.getCollector().setPort(70000);
        spec.getModel().setPositiveLabel("x".repeat(65));
        spec.getTarget().setContainer("Not_A_Label");

        assertThat(SpecValidator.validate(spec)).containsExactlyInAnyOrder(
                "spec.evaluation.minSamples must be at least 1, got -5",
                "spec.collector.maxPendingLabels must be at most 500000, got 500001",
                "spec.evaluation.consecutiveBreaches must be at most 100, got 101",
                "spec.evaluation.confidence must be at least 0.5, got 0.3",
                "spec.collector.port must be at most 65535, got 70000",
                "spec.model.positiveLabel allows at most 64 characters, has 65",
                "spec.target.container 'Not_A_Label' does not match " + TargetSpec.DNS_LABEL);
    }

    @Test
    void aHugeValueIsNotEchoedInFullAndManyProblemsAreCountedNotListed() {
        ModelMonitorSpec spec = valid();
        spec.getModel().setPredictionPointer("p".repeat(10_000_000));
        List<String> problems = SpecValidator.validate(spec);
        assertThat(problems).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(SpecValidator.MAX_PROBLEM + 3));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("spec.model.predictionPointer 'ppp")
                .contains("(10000000 characters)"));

        ModelMonitorSpec many = valid();
        List<ObjectiveSpec> objectives = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ObjectiveSpec o = new ObjectiveSpec();
            o.setMetric(MetricName.recall);
            objectives.add(o);
        }
        many.setObjectives(objectives);
        String message = SpecValidator.summary(SpecValidator.validate(many));
        assertThat(message).endsWith("; and 996 more").hasSizeLessThan(2_000);
    }
}

package io.modelmonitor.operator.judgement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.modelmonitor.api.v1alpha1.ClassStatus;
import io.modelmonitor.api.v1alpha1.CostStatus;
import io.modelmonitor.api.v1alpha1.ComparisonTarget;
import io.modelmonitor.api.v1alpha1.LatencyStatus;
import io.modelmonitor.api.v1alpha1.MetricsStatus;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.api.v1alpha1.Proportion;
import io.modelmonitor.api.v1alpha1.EstimatedStatus;
import io.modelmonitor.api.v1alpha1.FairnessStatus;
import io.modelmonitor.api.v1alpha1.FeatureStatus;
import io.modelmonitor.api.v1alpha1.GenerationSegmentStatus;
import io.modelmonitor.api.v1alpha1.GenerationStatus;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.RevisionStatus;
import io.modelmonitor.api.v1alpha1.SegmentStatus;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Judgement;
import io.modelmonitor.evaluation.ObjectiveJudge;
import io.modelmonitor.evaluation.RevisionComparison;
import io.modelmonitor.metrics.ExpectedCost;
import io.modelmonitor.metrics.Fairness;
import io.modelmonitor.metrics.GenerationMetrics;
import io.modelmonitor.metrics.InputMetrics;
import io.modelmonitor.metrics.Intervals.Estimate;
import io.modelmonitor.metrics.WindowMetrics;

/** Puts window metrics and judgements into the status users read, rounded to what a person can read. */
public final class StatusMapper {

    private StatusMapper() {
    }

    static GenerationStatus generation(GenerationMetrics g) {
        GenerationStatus s = new GenerationStatus();
        s.setStreamed(g.streamed());
        if (g.ttftP50Ms() != null) {
            LatencyStatus ttft = new LatencyStatus();
            ttft.setP50(round(g.ttftP50Ms().value()));
            ttft.setP95(round(g.ttftP95Ms().value()));
            ttft.setP99(round(g.ttftP99Ms().value()));
            ttft.setN(g.ttftP50Ms().n());
            s.setTtftMs(ttft);
        }
        if (g.interTokenP50Ms() != null) {
            LatencyStatus itl = new LatencyStatus();
            itl.setP50(round(g.interTokenP50Ms().value()));
            itl.setP99(round(g.interTokenP99Ms().value()));
            itl.setN(g.interTokenP50Ms().n());
            s.setInterTokenLatencyMs(itl);
        }
        s.setOutputTokensPerSecond(g.outputTokensPerSecond() == null ? null : round(g.outputTokensPerSecond().value()));
        s.setPromptTokens(g.promptTokens());
        s.setCompletionTokens(g.completionTokens());
        s.setTokensCounted(g.tokensCountedFromStream() ? Boolean.TRUE : null);
        s.setTruncationRate(proportion(g.truncationRate()));
        s.setFinishReasons(nonZero(g.finishReasons()));
        s.setErrors(nonZero(g.errors()));
        s.setDisconnected(g.disconnected() == 0 ? null : g.disconnected());
        s.setEmbeddingMsPerInput(g.embeddingMsPerInput() == null ? null : round(g.embeddingMsPerInput().value()));
        s.setAcceptanceRate(proportion(g.acceptanceRate()));
        s.setMeanScore(proportion(g.meanScore()));
        List<GenerationSegmentStatus> segments = new ArrayList<>();
        for (GenerationMetrics.SegmentFigures f : g.segments()) {
            GenerationSegmentStatus st = new GenerationSegmentStatus();
            st.setName(f.segment());
            st.setTtftP95Ms(f.ttftP95Ms() == null ? null : round(f.ttftP95Ms().value()));
            st.setAcceptanceRate(proportion(f.acceptanceRate()));
            segments.add(st);
        }
        s.setSegments(segments.isEmpty() ? null : segments);
        return s;
    }

    private static Map<String, Long> nonZero(Map<String, Long> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (v > 0) {
                out.put(k, v);
            }
        });
        return out.isEmpty() ? null : out;
    }

    public static MetricsStatus metrics(WindowMetrics m, String window) {
        MetricsStatus s = new MetricsStatus();
        s.setWindow(window);
        s.setRequests(m.requests());
        s.setPredictions(m.predictions());
        s.setLabels(m.labels());
        s.setAccuracy(proportion(m.accuracy()));
        s.setPrecision(proportion(m.precision()));
        s.setRecall(proportion(m.recall()));
        s.setF1(m.f1() == null ? null : round(m.f1().value()));
        s.setErrorRate(proportion(m.errorRate()));
        s.setLabelCoverage(proportion(m.labelCoverage()));
        s.setThroughputRps(round(m.throughputRps()));
        if (m.requests() > 0) {
            LatencyStatus latency = new LatencyStatus();
            latency.setP50(round(m.latencyP50Ms().value()));
            latency.setP95(round(m.latencyP95Ms().value()));
            latency.setP99(round(m.latencyP99Ms().value()));
            latency.setN(m.requests());
            s.setLatencyMs(latency);
        }
        if (!m.segments().isEmpty()) {
            List<SegmentStatus> segments = new ArrayList<>();
            for (WindowMetrics.Segment seg : m.segments()) {
                SegmentStatus st = new SegmentStatus();
                st.setName(seg.name());
                st.setPredictions(seg.predictions());
                st.setLabels(seg.labels());
                st.setPositiveRate(proportion(seg.positiveRate()));
                st.setAccuracy(proportion(seg.accuracy()));
                st.setTruePositiveRate(proportion(seg.truePositiveRate()));
                st.setFalsePositiveRate(proportion(seg.falsePositiveRate()));
                st.setPrecision(proportion(seg.precision()));
                st.setPredictedClasses(seg.predictedClasses());
                segments.add(st);
            }
            s.setSegments(segments);
        }
        if (m.fairness() != null && m.segments().size() > 1) {
            var f = m.fairness();
            List<FairnessStatus> fairness = new ArrayList<>();
            fairness(fairness, MetricName.segmentAccuracyGap, f.accuracyGap());
            fairness(fairness, MetricName.statisticalParityDifference, f.statisticalParityDifference());
            fairness(fairness, MetricName.disparateImpactRatio, f.disparateImpactRatio());
            fairness(fairness, MetricName.equalOpportunityDifference, f.equalOpportunityDifference());
            fairness(fairness, MetricName.equalizedOddsDifference, f.equalizedOddsDifference());
            s.setFairness(fairness.isEmpty() ? null : fairness);
        }
        if (m.cost() != null) {
            s.setExpectedCost(cost(m.cost()));
        }
        if (m.generation() != null) {
            s.setGeneration(generation(m.generation()));
            if (m.generation().acceptanceGap() != null) {
                List<FairnessStatus> fairness = new ArrayList<>();
                fairness(fairness, MetricName.acceptanceRateGap, m.generation().acceptanceGap());
                s.setFairness(fairness.isEmpty() ? null : fairness);
            }
        }
        s.setSegmentAccuracyGap(m.segmentAccuracyGap() == null ? null : round(m.segmentAccuracyGap().value()));
        s.setPredictionDrift(m.predictionDrift() == null ? null : round(m.predictionDrift().value()));
        if (!m.classes().isEmpty()) {
            List<ClassStatus> classes = new ArrayList<>();
            for (WindowMetrics.ClassScores c : m.classes()) {
                ClassStatus cs = new ClassStatus();
                cs.setName(c.name());
                cs.setPrecision(proportion(c.precision()));
                cs.setRecall(proportion(c.recall()));
                cs.setF1(round(c.f1()));
                classes.add(cs);
            }
            s.setClasses(classes);
        }
        s.setMae(m.mae() == null ? null : round(m.mae().value()));
        s.setRmse(m.rmse() == null ? null : round(m.rmse().value()));
        if (m.estimated() != null && m.estimated().scored() > 0) {
            var e = m.estimated();
            EstimatedStatus es = new EstimatedStatus();
            es.setScored(e.scored());
            es.setAccuracy(proportion(e.accuracy()));
            es.setPrecision(proportion(e.precision()));
            es.setRecall(proportion(e.recall()));
            es.setF1(proportion(e.f1()));
            es.setCalibrated(e.calibrated());
            es.setCalibrationGap(proportion(e.calibrationGap()));
            es.setScoreDrift(proportion(e.scoreDrift()));
            es.setUntrusted(e.untrusted());
            s.setEstimated(es);
        }
        if (m.inputs() != null) {
            s.setSchemaViolationRate(proportion(m.inputs().schemaViolationRate()));
            List<FeatureStatus> features = new ArrayList<>();
            for (InputMetrics.FeatureFigures f : m.inputs().features()) {
                if (features.size() == FEATURES_SHOWN) {
                    break;
                }
                FeatureStatus fs = new FeatureStatus();
                fs.setName(f.name());
                fs.setType(f.type());
                fs.setRows(f.rows());
                fs.setDrift(proportion(f.drift()));
                fs.setPsi(f.psi() == null ? null : round(f.psi()));
                fs.setMissingRate(proportion(f.missingRate()));
                fs.setWrongTypeRate(proportion(f.wrongTypeRate()));
                fs.setUnseenRate(proportion(f.unseenRate()));
                features.add(fs);
            }
            s.setFeatures(features.isEmpty() ? null : features);
        }
        return s;
    }

    /** The features status lists: the strongest drift and worst quality first, so the ones to look at are there. */
    static final int FEATURES_SHOWN = 10;

    public static List<ObjectiveStatus> objectives(Evaluation evaluation) {
        List<ObjectiveStatus> list = new ArrayList<>();
        for (int i = 0; i < evaluation.judgements().size(); i++) {
            Judgement j = evaluation.judgements().get(i);
            ObjectiveStatus o = new ObjectiveStatus();
            o.setMetric(j.objective().metric());
            o.setMin(j.objective().min());
            o.setMax(j.objective().max());
            o.setValue(j.value() == null ? null : round(j.value()));
            if (j.value() != null && j.estimate().lower() != j.estimate().upper()) {
                o.setLower(round(j.estimate().lower()));
                o.setUpper(round(j.estimate().upper()));
            }
            o.setN(j.estimate() == null || j.estimate().n() == 0 ? null : j.estimate().n());
            if (j.objective().comparison()) {
                o.setCompareTo(ComparisonTarget.baseline);
                o.setMargin(j.objective().margin());
            }
            o.setState(j.state());
            o.setConsecutiveBreaches(evaluation.streaks().get(i));
            o.setMessage(j.reason());
            o.setDryRun(j.objective().enforce() ? null : true);
            list.add(o);
        }
        return list;
    }

    /** Each serving revision with its own figures and its share of the requests in the windows. */
    public static List<RevisionStatus> revisions(List<MonitorEvaluator.Serving> serving) {
        if (serving.isEmpty()) {
            return null;
        }
        long total = serving.stream().mapToLong(r -> r.metrics().requests()).sum();
        List<RevisionStatus> list = new ArrayList<>();
        for (MonitorEvaluator.Serving r : serving) {
            var st = new RevisionStatus();
            st.setPodTemplateHash(r.templateHash());
            st.setRevision(r.revision());
            st.setRole(r.role());
            st.setPods(r.pods());
            st.setRequests(r.metrics().requests());
            st.setTrafficShare(total == 0 ? null : round((double) r.metrics().requests() / total));
            st.setLabels(r.metrics().labels());
            st.setAccuracy(proportion(r.metrics().accuracy()));
            st.setErrorRate(proportion(r.metrics().errorRate()));
            if (r.metrics().cost() != null) {
                st.setExpectedCost(proportion(r.metrics().cost().realised()));
            }
            var g = r.metrics().generation();
            if (g != null) {
                st.setTtftP95Ms(g.ttftP95Ms() == null ? null : round(g.ttftP95Ms().value()));
                st.setAcceptanceRate(proportion(g.acceptanceRate()));
            }
            list.add(st);
        }
        return list;
    }

    /** The judged revision's comparable figures, kept as the baseline while it is Healthy. */
    static Map<String, Proportion> comparable(WindowMetrics m) {
        Map<String, Proportion> figures = new TreeMap<>();
        for (MetricName metric : RevisionComparison.COMPARABLE) {
            Proportion p = proportion(ObjectiveJudge.comparable(metric, m));
            if (p != null) {
                figures.put(metric.name(), p);
            }
        }
        return figures;
    }

    private static void fairness(List<FairnessStatus> into, MetricName metric, Fairness.Comparison c) {
        if (c == null) {
            return;
        }
        FairnessStatus st = new FairnessStatus();
        st.setMetric(metric);
        if (c.estimate() != null && !Double.isNaN(c.estimate().value())) {
            Estimate e = c.estimate();
            st.setEstimate(new Proportion(round(e.value()), round(e.lower()), round(e.upper()), e.n()));
            st.setBetween(List.of(c.first(), c.second()));
        }
        st.setInsufficient(c.insufficient().isEmpty() ? null : c.insufficient());
        into.add(st);
    }

    private static CostStatus cost(ExpectedCost c) {
        CostStatus st = new CostStatus();
        st.setUnit(c.costs().unit());
        st.setPerThousand(proportion(c.best()));
        Double perHour = c.perHour();
        st.setPerHour(perHour == null ? null : round(perHour));
        st.setEstimated(c.realised() == null ? Boolean.TRUE : null);
        if (c.realised() != null) {
            st.setFalsePositives(c.errors().falsePositives());
            st.setFalseNegatives(c.errors().falseNegatives());
        }
        return st;
    }

    private static Proportion proportion(Estimate e) {
        if (e == null || e.n() == 0 || Double.isNaN(e.value())) {
            return null;
        }
        return new Proportion(round(e.value()), round(e.lower()), round(e.upper()), e.n());
    }

    /** Four decimals: enough to compare with any bound a user writes, few enough to read. */
    static Double round(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        return Math.round(value * 10_000) / 10_000.0;
    }
}

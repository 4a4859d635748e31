package io.modelmonitor.operator.judgement;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.modelmonitor.api.v1alpha1.ComparisonBaseline;
import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.EvaluationSpec;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelTask;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.api.v1alpha1.Proportion;
import io.modelmonitor.evaluation.Baseline;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.evaluation.ObjectiveJudge;
import io.modelmonitor.evaluation.RevisionComparison;
import io.modelmonitor.metrics.ExpectedCost;
import io.modelmonitor.metrics.Intervals.Estimate;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.metrics.WindowMetrics;
import io.modelmonitor.operator.source.CollectorEndpoints;
import io.modelmonitor.operator.source.CollectorsSource;
import io.modelmonitor.operator.source.MetricsSource;
import io.modelmonitor.operator.source.MetricsSource.Reading;
import io.modelmonitor.operator.source.MetricsSource.RevisionReading;
import io.modelmonitor.operator.source.MetricsSource.Request;
import io.modelmonitor.operator.source.PrometheusReader;
import io.modelmonitor.operator.source.PrometheusSource;
import io.modelmonitor.operator.source.ReferenceProfiles;
import io.modelmonitor.operator.source.SnapshotReader;
import io.modelmonitor.operator.status.OperatorMetrics;
import io.modelmonitor.operator.target.Target;

/**
 * Reads a monitor's window from its {@link MetricsSource} (its collectors, or Prometheus) and judges its objectives.
 * The collectors' windows live in memory, per monitor; the breach streaks live in status, so an operator restart
 * loses at most one window of history and never a streak.
 */
@ApplicationScoped
public class MonitorEvaluator {

    /** One evaluation's result, with what the status needs besides the judgements. */
    public record Outcome(WindowMetrics metrics, WindowCounts counts, Evaluation evaluation, int reporting, int readFailures,
            boolean hasData, String source, String sourceProblem, Instant revisionSince, Instant judgedFrom,
            String judgedHash, List<Serving> serving, ReferenceProfiles.Loaded reference) {

        Outcome(WindowMetrics metrics, WindowCounts counts, Evaluation evaluation, int reporting, int readFailures,
                boolean hasData, String source, String sourceProblem, Instant revisionSince, Instant judgedFrom) {
            this(metrics, counts, evaluation, reporting, readFailures, hasData, source, sourceProblem, revisionSince,
                    judgedFrom, null, List.of(), ReferenceProfiles.Loaded.NONE);
        }

        /** True while the revision's warm-up lasts: nothing it served is judged yet. */
        public boolean warmingUp(Instant now) {
            return now.isBefore(judgedFrom);
        }
    }

    /** A revision serving now, with its own window: how status shows each side of a rolling update or canary. */
    public record Serving(String templateHash, Long revision, String role, int pods, WindowMetrics metrics) {
    }

    /** When the operator first saw a monitor's current revision: the Prometheus path's window starts there. */
    private record RevisionSeen(String revision, long sinceMillis) {
    }

    private final OperatorMetrics metrics;
    private final MetricsSource prometheus;
    private final MetricsSource collectors;
    private final Map<String, RevisionSeen> revisions = new ConcurrentHashMap<>();

    private final ReferenceProfiles references;

    public MonitorEvaluator(CollectorEndpoints endpoints, SnapshotReader reader, OperatorMetrics metrics,
            PrometheusReader prometheus) {
        this(endpoints, reader, metrics, prometheus, null);
    }

    @Inject
    public MonitorEvaluator(CollectorEndpoints endpoints, SnapshotReader reader, OperatorMetrics metrics,
            PrometheusReader prometheus, ReferenceProfiles references) {
        this.references = references;
        this.metrics = metrics;
        this.prometheus = new PrometheusSource(prometheus);
        this.collectors = new CollectorsSource(endpoints, reader);
    }

    public Outcome evaluate(ModelMonitor monitor, Target target, String revision, Instant now) {
        RevisionSeen seen = revisions.compute(monitor.getMetadata().getUid(), (k, v) -> {
            if (v != null && Objects.equals(v.revision(), revision)) {
                return v;
            }
            // Another replica (or this one before a restart) may have seen this revision first: its status says when.
            long since = v == null ? recordedSince(monitor, revision, now) : now.toEpochMilli();
            return new RevisionSeen(revision, since);
        });
        EvaluationSpec spec = monitor.getSpec().getEvaluation();
        long judgeFrom = judgedFrom(spec, seen);
        MetricsSource source = prometheus.serves(monitor) ? prometheus : collectors;
        if (source == prometheus && now.toEpochMilli() < judgeFrom) {
            // Warming up: nothing of this revision is judged yet (the collectors' windows skip it themselves).
            WindowCounts none = WindowCounts.empty();
            WindowMetrics m = WindowMetrics.compute(none, settings(monitor), 0, baseline(monitor.getStatus()));
            Evaluation evaluation = Evaluation.of(objectives(monitor), m, rules(spec), Map.of());
            metrics.evaluated(monitor, evaluation, 0);
            return new Outcome(m, none, evaluation, 0, 0, false, "prometheus", null,
                    Instant.ofEpochMilli(seen.sinceMillis()), Instant.ofEpochMilli(judgeFrom));
        }
        Reading read = source.read(new Request(monitor, target, revision, now.toEpochMilli(), judgeFrom, seen.sinceMillis()));
        // Features compare with it, scores are calibrated on it: read whenever the spec names one.
        ReferenceProfiles.Loaded reference = references == null ? ReferenceProfiles.Loaded.NONE : references.load(monitor);
        WindowMetrics m = WindowMetrics.compute(read.counts(), settings(monitor), read.coveredSeconds(),
                baseline(monitor.getStatus()), reference.profile(), reference.problem());
        List<Serving> serving = serving(monitor, read);
        Evaluation evaluation = Evaluation.of(objectives(monitor), m, comparisonBaseline(monitor, read.judgedHash(), serving),
                rules(spec), read.restarted() ? Map.of() : streaks(monitor.getStatus()));
        metrics.evaluated(monitor, evaluation, read.readFailures());
        metrics.inputs(monitor, m.inputs());
        metrics.cost(monitor, m.cost());
        return new Outcome(m, read.counts(), evaluation, read.reporting(), read.readFailures(), read.hasData(),
                read.source(), read.problem(), Instant.ofEpochMilli(seen.sinceMillis()), Instant.ofEpochMilli(judgeFrom),
                read.judgedHash(),
                serving.size() > 1 || serving.stream().anyMatch(r -> !"judged".equals(r.role())) ? serving : List.of(),
                reference);
    }

    private static long recordedSince(ModelMonitor monitor, String revision, Instant now) {
        var status = monitor.getStatus();
        if (status == null || status.getTargetRevision() == null || status.getTargetRevisionSince() == null
                || !String.valueOf(status.getTargetRevision()).equals(revision)) {
            return now.toEpochMilli();
        }
        try {
            return Math.min(now.toEpochMilli(), Instant.parse(status.getTargetRevisionSince()).toEpochMilli());
        } catch (DateTimeParseException e) {
            return now.toEpochMilli();
        }
    }

    /** Where a revision's judged traffic begins: when it was first seen rolled out, plus evaluation.warmup. */
    private static long judgedFrom(EvaluationSpec spec, RevisionSeen seen) {
        long warmup = spec.getWarmup() == null ? 0 : Durations.parseAllowingZero(spec.getWarmup()).toMillis();
        return seen.sinceMillis() + warmup;
    }

    private static WindowMetrics.Settings settings(ModelMonitor monitor) {
        ModelTask task = monitor.getSpec().getModel().getTask();
        EvaluationSpec spec = monitor.getSpec().getEvaluation();
        return new WindowMetrics.Settings(task.isClassification(), task == ModelTask.BINARY_CLASSIFICATION,
                monitor.getSpec().getModel().getPositiveLabel(), spec.getConfidence(), spec.getMinSamples(),
                monitor.getSpec().getModel().getSegment() == null ? null : monitor.getSpec().getModel().getSegment().getReference(),
                costs(monitor));
    }

    /** spec.costs as the metrics take it, or null. */
    static ExpectedCost.Costs costs(ModelMonitor monitor) {
        var c = monitor.getSpec().getCosts();
        return c == null || c.getFalsePositive() == null || c.getFalseNegative() == null ? null
                : new ExpectedCost.Costs(c.getFalsePositive(), c.getFalseNegative(), c.getUnit());
    }

    private static Evaluation.Rules rules(EvaluationSpec spec) {
        return new Evaluation.Rules(spec.getMinSamples(), spec.getConfidence(), spec.getConsecutiveBreaches());
    }

    /**
     * Each revision serving now with its own figures and its role: the judged one, the baseline comparisons are
     * made against, or another serving beside them.
     */
    private static List<Serving> serving(ModelMonitor monitor, Reading read) {
        if (read.revisions().isEmpty()) {
            return List.of();
        }
        Set<String> hashes = new TreeSet<>();
        read.revisions().forEach(r -> hashes.add(r.templateHash()));
        String baselineHash = baselineHash(monitor.getStatus(), read.judgedHash(), hashes);
        List<Serving> serving = new ArrayList<>();
        for (RevisionReading r : read.revisions()) {
            String role = r.templateHash().equals(read.judgedHash()) ? "judged"
                    : r.templateHash().equals(baselineHash) ? "baseline" : "serving";
            serving.add(new Serving(r.templateHash(), r.revision(), role, r.pods(), WindowMetrics.compute(r.counts(),
                    settings(monitor), r.coveredSeconds(), null)));
        }
        return serving;
    }

    /**
     * The revision comparison objectives compare with: the newest one seen Healthy that is not the judged one; before
     * any other was, the other revision serving beside it (a canary's stable), the first by hash if several.
     */
    private static String baselineHash(ModelMonitorStatus status, String judgedHash, Set<String> servingHashes) {
        return recorded(status, judgedHash).map(ComparisonBaseline::getPodTemplateHash).orElseGet(() -> servingHashes
                .stream().filter(h -> !h.equals(judgedHash)).findFirst().orElse(null));
    }

    private static Optional<ComparisonBaseline> recorded(ModelMonitorStatus status, String judgedHash) {
        return status == null || status.getHealthyRevisions() == null ? Optional.empty()
                : status.getHealthyRevisions().stream().filter(r -> r.getPodTemplateHash() != null
                        && !r.getPodTemplateHash().equals(judgedHash)).findFirst();
    }

    /**
     * The baseline's figures for each comparable metric: from its pods' window when that has minSamples of it, else
     * as recorded when it was last Healthy, else the thin live figure (then InsufficientData says so).
     */
    private static Baseline comparisonBaseline(ModelMonitor monitor, String judgedHash, List<Serving> serving) {
        ModelMonitorStatus status = monitor.getStatus();
        boolean compares = monitor.getSpec().getObjectives().stream().anyMatch(o -> o.getCompareTo() != null);
        if (!compares) {
            return null;
        }
        Set<String> hashes = serving.stream().map(Serving::templateHash).collect(Collectors.toSet());
        String baselineHash = baselineHash(status, judgedHash, hashes);
        if (baselineHash == null) {
            return Baseline.absent("no other revision has been Healthy or serves beside revision "
                    + (judgedHash == null ? "(not recorded yet)" : judgedHash));
        }
        long minSamples = monitor.getSpec().getEvaluation().getMinSamples();
        Serving live = serving.stream().filter(r -> r.templateHash().equals(baselineHash)).findFirst().orElse(null);
        ComparisonBaseline recorded = recorded(status, judgedHash).filter(r -> baselineHash.equals(r.getPodTemplateHash()))
                .orElse(null);
        Map<MetricName, Estimate> figures = new EnumMap<>(MetricName.class);
        boolean usedRecord = false;
        for (MetricName metric : RevisionComparison.COMPARABLE) {
            Estimate now = live == null ? null : ObjectiveJudge.comparable(metric, live.metrics());
            Proportion then = recorded == null || recorded.getFigures() == null ? null : recorded.getFigures().get(metric.name());
            if ((now == null || now.n() < minSamples) && then != null && then.getValue() != null && then.getN() != null) {
                figures.put(metric, new Estimate(then.getValue(), then.getLower() == null ? then.getValue() : then.getLower(),
                        then.getUpper() == null ? then.getValue() : then.getUpper(), then.getN()));
                usedRecord = true;
            } else if (now != null) {
                figures.put(metric, now);
            }
        }
        long[] latency = live == null ? null : live.metrics().latencyBuckets();
        if ((latency == null || Arrays.stream(latency).sum() < minSamples) && recorded != null
                && recorded.getLatencyBuckets() != null) {
            latency = recorded.getLatencyBuckets().stream().mapToLong(Long::longValue).toArray();
            usedRecord = true;
        }
        Long number = live != null && live.revision() != null ? live.revision()
                : recorded == null ? null : recorded.getRevision();
        String name = (number == null ? baselineHash : number + " (" + baselineHash + ")")
                + (usedRecord ? ", as recorded at " + recorded.getRecordedAt() : "");
        // Time to first token is compared with the baseline's serving pods only (it is not part of the recorded figures).
        long[] ttft = live == null || live.metrics().generation() == null ? null : live.metrics().generation().ttftBuckets();
        // The cost of its mistakes: its serving pods' labels when they are enough, else as recorded.
        ExpectedCost.Errors errors = live == null ? null : live.metrics().errors();
        if ((errors == null || errors.labels() < minSamples) && recorded != null && recorded.getErrors() != null
                && recorded.getErrors().getLabels() != null) {
            var e = recorded.getErrors();
            errors = new ExpectedCost.Errors(e.getFalsePositives(), e.getFalseNegatives(), e.getLabels());
        }
        return Baseline.of(name, figures, latency, ttft, errors);
    }

    static List<Objective> objectives(ModelMonitor monitor) {
        return monitor.getSpec().getObjectives().stream()
                .map(o -> new Objective(o.getMetric(), o.getMin(), o.getMax(), o.enforced(),
                        o.getCompareTo() == null ? null : o.getMargin(), o.getFeatures()))
                .toList();
    }

    private static Map<String, Integer> streaks(ModelMonitorStatus status) {
        Map<String, Integer> streaks = new HashMap<>();
        if (status != null && status.getObjectives() != null) {
            for (ObjectiveStatus o : status.getObjectives()) {
                if (o.getConsecutiveBreaches() != null) {
                    streaks.put(Objective.key(o), o.getConsecutiveBreaches());
                }
            }
        }
        return streaks;
    }

    private static Map<String, Long> baseline(ModelMonitorStatus status) {
        return status == null || status.getDriftBaseline() == null ? null : status.getDriftBaseline().getPredictions();
    }

    public void forget(ModelMonitor monitor) {
        collectors.forget(monitor);
        prometheus.forget(monitor);
        revisions.remove(monitor.getMetadata().getUid());
        metrics.forget(monitor);
    }
}

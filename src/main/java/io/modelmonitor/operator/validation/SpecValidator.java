package io.modelmonitor.operator.validation;

import io.modelmonitor.api.v1alpha1.FeatureSpec;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.evaluation.Objective;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.api.v1alpha1.AlertSpec;
import io.modelmonitor.api.v1alpha1.AlertType;
import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.ModelMonitorSpec;
import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.api.v1alpha1.ModelSpec;
import io.modelmonitor.api.v1alpha1.ModelTask;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.SegmentSpec;
import io.modelmonitor.evaluation.RevisionComparison;

/**
 * Checks what the CRD schema cannot (or what an API server without CEL support lets through).
 * Each problem is one sentence naming the field, so status and Events can show it as is.
 */
public final class SpecValidator {

    /** Objectives that compare groups, and so need a segment (segmentAccuracyGap predates the check: left as it was). */
    private static final Set<MetricName> FAIRNESS = EnumSet.of(
            MetricName.statisticalParityDifference,
            MetricName.disparateImpactRatio,
            MetricName.equalOpportunityDifference,
            MetricName.equalizedOddsDifference,
            MetricName.acceptanceRateGap);

    private static final Pattern JSON_POINTER = Pattern.compile(ModelSpec.JSON_POINTER);

    private SpecValidator() {
    }

    /** Problems shown in a condition or an Event at most; the rest are counted. */
    static final int SHOWN = 5;
    /** Longest value echoed in a problem, and longest problem. */
    static final int MAX_VALUE = 64;
    static final int MAX_PROBLEM = 240;
    /** The most slices of counts a window holds: window / interval. */
    static final int MAX_WINDOW_SLICES = 1000;

    public static List<String> validate(ModelMonitorSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            problems.add("spec is missing");
            return problems;
        }
        validateTarget(spec, problems);
        validateModel(spec, problems);
        validateEvaluation(spec, problems);
        validateObjectives(spec, problems);
        validateFeatures(spec, problems);
        validateAlerts(spec, problems);
        validateCosts(spec, problems);
        if (spec.getGroundTruth() != null) {
            duration("spec.groundTruth.labelTTL", spec.getGroundTruth().getLabelTTL(), problems);
        }
        if (spec.getRollback() != null) {
            duration("spec.rollback.cooldown", spec.getRollback().getCooldown(), problems);
            duration("spec.rollback.timeout", spec.getRollback().getTimeout(), problems);
        }
        // What the schema bounds, unless a check above already said something about that field.
        for (String bound : SchemaBounds.problems(spec)) {
            String field = bound.substring(0, bound.indexOf(' '));
            if (problems.stream().noneMatch(p -> p.startsWith(field + " ") || p.startsWith(field + ":"))) {
                problems.add(bound);
            }
        }
        return problems.stream().map(p -> p.length() <= MAX_PROBLEM ? p : p.substring(0, MAX_PROBLEM) + "...").toList();
    }

    /** The problems as one message of bounded length: the first few, then how many more. */
    public static String summary(List<String> problems) {
        String shown = String.join("; ", problems.subList(0, Math.min(SHOWN, problems.size())));
        return problems.size() <= SHOWN ? shown : shown + "; and " + (problems.size() - SHOWN) + " more";
    }

    /** A value as a problem echoes it: quoted, and cut when long (a spec field can be megabytes). */
    static String quote(String value) {
        if (value.length() <= MAX_VALUE) {
            return "'" + value + "'";
        }
        return "'" + value.substring(0, MAX_VALUE) + "...' (" + value.length() + " characters)";
    }

    private static void validateTarget(ModelMonitorSpec spec, List<String> problems) {
        if (spec.getTarget() == null || blank(spec.getTarget().getName())) {
            problems.add("spec.target.name is required");
            return;
        }
        int modelPort = valueOr(spec.getTarget().getPort(), CollectorContract.MODEL_PORT);
        int dataPort = spec.getCollector() == null ? CollectorContract.DATA_PORT
                : valueOr(spec.getCollector().getPort(), CollectorContract.DATA_PORT);
        int adminPort = spec.getCollector() == null ? CollectorContract.ADMIN_PORT
                : valueOr(spec.getCollector().getAdminPort(), CollectorContract.ADMIN_PORT);
        if (dataPort == adminPort) {
            problems.add("spec.collector.port and spec.collector.adminPort must differ (both are " + dataPort + ")");
        }
        if (modelPort == dataPort || modelPort == adminPort) {
            problems.add("spec.target.port " + modelPort + " collides with a collector port; choose other "
                    + "spec.collector.port/adminPort");
        }
        if (spec.getTarget().getKind() == TargetKind.InferenceService
                && (spec.getCollector() == null || !spec.getCollector().byWebhook())) {
            problems.add(INFERENCE_SERVICE_BY_WEBHOOK);
        }
    }

    /** KServe makes an InferenceService's Deployments, so only its pods can take the collector. */
    public static final String INFERENCE_SERVICE_BY_WEBHOOK = "spec.collector.injection must be webhook when "
            + "spec.target.kind is InferenceService: KServe owns its Deployments and would undo a template edit";

    private static void validateModel(ModelMonitorSpec spec, List<String> problems) {
        ModelSpec model = spec.getModel();
        if (model == null || model.getTask() == null) {
            problems.add("spec.model.task is required: binary-classification, multiclass-classification, regression or "
                    + "generation");
            return;
        }
        String pointer = model.getPredictionPointer();
        if (pointer != null && !JSON_POINTER.matcher(pointer).matches()) {
            problems.add("spec.model.predictionPointer " + quote(pointer) + " is not a JSON pointer (RFC 6901), "
                    + "e.g. /predictions/0");
        }
        if ((model.getTask() == ModelTask.GENERATION) != (model.getProtocol() != null && model.getProtocol().isGenerative())) {
            problems.add("spec.model.task generation goes with spec.model.protocol openai or oip-generate, and those "
                    + "protocols with task generation (task " + model.getTask().wireName() + ", protocol "
                    + (model.getProtocol() == null ? "kserve-v1" : model.getProtocol().wireName()) + ")");
        }
        if (model.getProtocol() == ModelProtocol.JSON && blank(pointer)) {
            problems.add("spec.model.predictionPointer is required when spec.model.protocol is json");
        }
        SegmentSpec segment = model.getSegment();
        if (segment != null) {
            boolean header = !blank(segment.getHeader());
            boolean segmentPointer = segment.getPointer() != null;
            boolean responsePointer = segment.getResponsePointer() != null;
            if ((header ? 1 : 0) + (segmentPointer ? 1 : 0) + (responsePointer ? 1 : 0) != 1) {
                problems.add("spec.model.segment must set exactly one of header, pointer or responsePointer");
            }
            if (segmentPointer && !JSON_POINTER.matcher(segment.getPointer()).matches()) {
                problems.add("spec.model.segment.pointer " + quote(segment.getPointer()) + " is not a JSON pointer (RFC 6901), "
                        + "e.g. /instances/0/region");
            }
            if (responsePointer && !JSON_POINTER.matcher(segment.getResponsePointer()).matches()) {
                problems.add("spec.model.segment.responsePointer " + quote(segment.getResponsePointer())
                        + " is not a JSON pointer (RFC 6901), e.g. /segment");
            }
            List<String> values = segment.getValues() == null ? List.of() : segment.getValues();
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) == null || values.get(i).isEmpty() || values.get(i).length() > 64) {
                    problems.add("spec.model.segment.values[" + i + "] must be 1 to 64 characters");
                }
            }
        }
    }

    private static void validateEvaluation(ModelMonitorSpec spec, List<String> problems) {
        if (spec.getEvaluation() == null) {
            return;
        }
        Duration interval = duration("spec.evaluation.interval", spec.getEvaluation().getInterval(), problems);
        duration("spec.evaluation.readinessTimeout", spec.getEvaluation().getReadinessTimeout(), problems);
        Duration window = duration("spec.evaluation.window", spec.getEvaluation().getWindow(), problems);
        if (interval != null && window != null && window.compareTo(interval) < 0) {
            problems.add("spec.evaluation.window " + spec.getEvaluation().getWindow()
                    + " is shorter than spec.evaluation.interval " + spec.getEvaluation().getInterval());
        } else if (interval != null && window != null && window.toMillis() / interval.toMillis() > MAX_WINDOW_SLICES) {
            // The operator keeps a slice of counts per interval of the window: this bounds a monitor's memory.
            problems.add("spec.evaluation.window " + spec.getEvaluation().getWindow() + " is "
                    + window.toMillis() / interval.toMillis() + " intervals of " + spec.getEvaluation().getInterval()
                    + "; at most " + MAX_WINDOW_SLICES + ": lengthen the interval or shorten the window");
        }
        if (spec.getEvaluation().getWarmup() != null) {
            try {
                Durations.parseAllowingZero(spec.getEvaluation().getWarmup());
            } catch (IllegalArgumentException e) {
                problems.add("spec.evaluation.warmup: " + e.getMessage());
            }
        }
    }

    /** Objectives with an error budget: each keeps a few kilobytes of history in status. */
    static final int MAX_BUDGETS = 8;

    private static void validateObjectives(ModelMonitorSpec spec, List<String> problems) {
        if (spec.getObjectives() == null || spec.getObjectives().isEmpty()) {
            problems.add("spec.objectives needs at least one objective");
            return;
        }
        if (spec.getObjectives().stream().filter(o -> o.getBudget() != null).count() > MAX_BUDGETS) {
            problems.add("spec.objectives: at most " + MAX_BUDGETS + " objectives have a budget: each keeps its history "
                    + "in status");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.getObjectives().size(); i++) {
            ObjectiveSpec o = spec.getObjectives().get(i);
            String at = "spec.objectives[" + i + "]";
            if (o.getMetric() == null) {
                problems.add(at + ".metric is required");
                continue;
            }
            if (o.getCompareTo() != null) {
                if (o.getMin() != null || o.getMax() != null || o.getMargin() == null) {
                    problems.add(at + " (" + o.getMetric() + ") compares with the baseline: set margin, not min or max");
                    continue;
                }
                boolean latency = RevisionComparison.LATENCY.containsKey(o.getMetric());
                boolean cost = o.getMetric() == MetricName.expectedCost;
                if (!latency && !cost && !RevisionComparison.COMPARABLE.contains(o.getMetric())) {
                    problems.add(at + ".compareTo: " + o.getMetric() + " cannot be compared; compareTo compares "
                            + "accuracy, precision, recall, errorRate, acceptanceRate, truncationRate, expectedCost or a "
                            + "latency or time-to-first-token percentile");
                    continue;
                }
                if (o.getMargin() < 0 || (!latency && !cost && o.getMargin() > 1)) {
                    problems.add(at + ".margin " + o.getMargin() + " must be " + (latency ? "at least 0 (milliseconds)"
                            : cost ? "at least 0 (costs.unit per 1,000 predictions)" : "between 0 and 1 (a proportion)"));
                    continue;
                }
            } else if ((o.getMin() == null) == (o.getMax() == null) || o.getMargin() != null) {
                problems.add(at + " (" + o.getMetric() + ") must set exactly one of min or max"
                        + (o.getMargin() != null ? " (margin needs compareTo: baseline)" : ""));
                continue;
            }
            if (spec.getModel() != null && spec.getModel().getTask() != null
                    && !o.getMetric().appliesTo(spec.getModel().getTask())) {
                problems.add(at + ".metric " + o.getMetric() + " does not apply to a "
                        + spec.getModel().getTask().wireName() + " model");
            }
            if (FAIRNESS.contains(o.getMetric()) && (spec.getModel() == null || spec.getModel().getSegment() == null)) {
                problems.add(at + ".metric " + o.getMetric() + " compares groups: set spec.model.segment (a header, "
                        + "pointer or responsePointer) to say where a request's group is read");
            }
            if (o.getMetric() == MetricName.expectedCost && spec.getCosts() == null) {
                problems.add(at + ".metric expectedCost needs spec.costs: what a false positive and a false negative "
                        + "cost, and the unit");
            }
            if (o.getMetric() == MetricName.expectedCost && o.getMin() != null) {
                problems.add(at + ": expectedCost takes a max (in costs.unit per 1,000 predictions) or compareTo");
            }
            if (o.getMetric() == MetricName.availability) {
                problems.add(at + ".metric availability is built in (every monitor judges it); remove it from spec.objectives");
                continue;
            }
            if (!seen.add(Objective.key(o.getMetric(), o.getMin() != null, o.getCompareTo() != null))) {
                problems.add(at + " repeats a " + (o.getCompareTo() != null ? "compareTo" : o.getMin() != null ? "min" : "max")
                        + " objective on " + o.getMetric());
            }
        }
    }

    /** What the schema leaves to the operator: unique feature names, and objectives naming only declared ones. */
    private static void validateFeatures(ModelMonitorSpec spec, List<String> problems) {
        List<FeatureSpec> features = spec.getModel() == null ? List.of() : spec.getModel().getFeatures();
        Set<String> declared = new HashSet<>();
        for (int i = 0; i < features.size(); i++) {
            String name = features.get(i).getName();
            if (name != null && !declared.add(name)) {
                problems.add("spec.model.features[" + i + "].name " + name + " is declared twice");
            }
        }
        List<ObjectiveSpec> objectives = spec.getObjectives() == null ? List.of() : spec.getObjectives();
        for (int i = 0; i < objectives.size(); i++) {
            List<String> named = objectives.get(i).getFeatures();
            if (named == null) {
                continue;
            }
            List<String> unknown = named.stream().filter(n -> !declared.contains(n)).limit(5)
                    .map(n -> n.length() > 63 ? n.substring(0, 63) + "..." : n).toList();
            if (!unknown.isEmpty()) {
                problems.add("spec.objectives[" + i + "].features names " + String.join(", ", unknown)
                        + ", not in spec.model.features");
            }
        }
    }

    /** What the schema cannot say about costs: that they need a binary task, and that not both may be 0. */
    private static void validateCosts(ModelMonitorSpec spec, List<String> problems) {
        var costs = spec.getCosts();
        if (costs == null) {
            return;
        }
        if (spec.getModel() != null && spec.getModel().getTask() != null
                && spec.getModel().getTask() != ModelTask.BINARY_CLASSIFICATION) {
            problems.add("spec.costs prices false positives and false negatives: it needs spec.model.task "
                    + "binary-classification, not " + spec.getModel().getTask().wireName());
        }
        if (costs.getFalsePositive() != null && costs.getFalseNegative() != null && costs.getFalsePositive() == 0
                && costs.getFalseNegative() == 0) {
            problems.add("spec.costs: at least one of falsePositive and falseNegative must be above 0");
        }
    }

    private static void validateAlerts(ModelMonitorSpec spec, List<String> problems) {
        if (spec.getAlerts() == null) {
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.getAlerts().size(); i++) {
            AlertSpec alert = spec.getAlerts().get(i);
            if (alert.getName() != null && !names.add(alert.getName())) {
                problems.add("spec.alerts name " + quote(alert.getName()) + " is used twice");
            }
            if ((alert.getType() == AlertType.pagerduty || alert.getType() == AlertType.opsgenie)
                    && alert.getKeySecretRef() == null) {
                problems.add("spec.alerts[" + i + "].keySecretRef is required for type " + alert.getType()
                        + ": the Secret key of the " + (alert.getType() == AlertType.pagerduty ? "routing" : "API") + " key");
            }
        }
    }

    private static Duration duration(String field, String value, List<String> problems) {
        if (value == null) {
            return null;
        }
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            problems.add(field + ": " + e.getMessage());
            return null;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static int valueOr(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}

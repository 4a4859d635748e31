package io.modelmonitor.operator.status;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.modelmonitor.alerting.AlertDelivery;
import io.modelmonitor.api.v1alpha1.BudgetStatus;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.api.v1alpha1.Severity;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Judgement;
import io.modelmonitor.metrics.ExpectedCost;
import io.modelmonitor.metrics.InputMetrics;

/**
 * The operator's own Prometheus metrics, per monitor: objective values and states, evaluations, read failures.
 * States are numbers so they can be graphed and alerted on: 0 Met, 1 InsufficientData, 2 Breached.
 */
@ApplicationScoped
public class OperatorMetrics {

    private final MeterRegistry registry;
    private record GaugeKey(String name, Tags tags) {
    }

    private final Map<GaugeKey, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    /** The monitor labels objective series carry (metadata.labels key, series label name), from configuration. */
    private final Map<String, String> propagated;
    /**
     * The series each monitor has, by kind, so that what it no longer shows (a feature gone from the window, an
     * objective whose severity changed, a budget or cost removed) loses its series.
     */
    private final Map<Tags, Set<GaugeKey>> objectiveSeries = new ConcurrentHashMap<>();
    private final Map<Tags, Set<GaugeKey>> featureSeries = new ConcurrentHashMap<>();
    private final Map<Tags, Set<GaugeKey>> budgetSeries = new ConcurrentHashMap<>();
    private final Map<Tags, Set<GaugeKey>> costSeries = new ConcurrentHashMap<>();
    private static final Set<String> OWN_LABELS = Set.of("monitor", "namespace", "metric", "bound", "severity", "feature",
            "result", "alert");

    @Inject
    public OperatorMetrics(MeterRegistry registry, AlertDelivery delivery) {
        this(registry, delivery.propagatedLabels().orElse(List.of()));
    }

    public OperatorMetrics(MeterRegistry registry) {
        this(registry, List.of());
    }

    /**
     * @param labels monitor label keys to carry on objective series, e.g. team; refused at start when there are more
     *     than {@link AlertDelivery#MAX_PROPAGATED_LABELS} or one would be named as a label of the operator's own
     */
    public OperatorMetrics(MeterRegistry registry, List<String> labels) {
        this.registry = registry;
        if (labels.size() > AlertDelivery.MAX_PROPAGATED_LABELS) {
            throw new IllegalArgumentException("modelmonitor.alerts.propagated-labels names " + labels.size()
                    + " labels; at most " + AlertDelivery.MAX_PROPAGATED_LABELS + " widen every objective series");
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (String key : labels) {
            String name = key.replaceAll("[^a-zA-Z0-9_]", "_");
            if (name.isEmpty() || Character.isDigit(name.charAt(0)) || name.startsWith("__") || OWN_LABELS.contains(name)
                    || names.containsValue(name)) {
                throw new IllegalArgumentException("modelmonitor.alerts.propagated-labels: " + key + " would be the series "
                        + "label " + name + ", which is not a free Prometheus label name");
            }
            names.put(key, name);
        }
        this.propagated = Map.copyOf(names);
    }

    public void evaluated(ModelMonitor monitor, Evaluation evaluation, int readFailures) {
        Tags tags = tags(monitor);
        Counter.builder("modelmonitor_evaluations").description("Evaluations of a monitor's objectives")
                .tags(tags).register(registry).increment();
        Counter.builder("modelmonitor_scrape_errors").description("Collector snapshots that could not be read")
                .tags(tags).register(registry).increment(readFailures);
        Set<GaugeKey> series = new HashSet<>();
        int needed = monitor.getSpec().getEvaluation() == null ? 1 : monitor.getSpec().getEvaluation().getConsecutiveBreaches();
        for (int i = 0; i < evaluation.judgements().size(); i++) {
            Judgement j = evaluation.judgements().get(i);
            int streak = i < evaluation.streaks().size() ? evaluation.streaks().get(i) : 0;
            Tags metric = objectiveTags(monitor, j.objective().metric(), j.objective().min() != null,
                    j.objective().comparison());
            for (String name : OBJECTIVE_SERIES) {
                series.add(new GaugeKey(name, metric));
            }
            gauge("modelmonitor_objective_value", "The objective's metric at the last evaluation", metric)
                    .set(j.value() == null ? Double.NaN : j.value());
            if (j.estimate() != null) {
                gauge("modelmonitor_objective_lower", "Lower bound of the metric's confidence interval", metric)
                        .set(j.estimate().lower());
                gauge("modelmonitor_objective_upper", "Upper bound of the metric's confidence interval", metric)
                        .set(j.estimate().upper());
            }
            gauge("modelmonitor_objective_state", "0 Met, 1 InsufficientData, 2 Breached", metric).set(switch (j.state()) {
                case Met -> 0.0;
                case InsufficientData -> 1.0;
                case Breached -> 2.0;
            });
            // What the chart's PrometheusRule fires on: breached in as many evaluations in a row as the monitor needs.
            gauge("modelmonitor_objective_breach_confirmed", "1 when breached for spec.evaluation.consecutiveBreaches "
                    + "evaluations in a row, else 0", metric).set(j.state() == ObjectiveState.Breached && streak >= needed ? 1.0 : 0.0);
        }
        // Series of objectives no longer judged so (removed, or their severity or labels changed) go.
        drop(objectiveSeries.put(tags, series), series);
    }

    /**
     * Each budgeted objective's budget left, the alert its burn asks for (0 none, 1 ticket, 2 page: what the chart's
     * PrometheusRule routes on) and its burn rate per window; an objective that lost its budget loses its series.
     */
    public void budgets(ModelMonitor monitor, List<ObjectiveStatus> objectives) {
        Set<GaugeKey> series = new HashSet<>();
        for (ObjectiveStatus o : objectives == null ? List.<ObjectiveStatus>of() : objectives) {
            BudgetStatus b = o.getBudget();
            if (b == null) {
                continue;
            }
            Tags objective = objectiveTags(monitor, o.getMetric(), o.getMin() != null, o.getCompareTo() != null);
            set(series, "modelmonitor_objective_budget_remaining", "Share of the error budget left in its period "
                    + "(1 untouched, below 0 overspent)", objective, b.getRemaining());
            set(series, "modelmonitor_objective_budget_alert", "What the budget's burn asks for: 0 none, 1 ticket, 2 page",
                    objective, "Page".equals(b.getAlert()) ? 2.0 : "Ticket".equals(b.getAlert()) ? 1.0 : 0.0);
            if (b.getBurnRates() != null) {
                for (var rate : b.getBurnRates().entrySet()) {
                    set(series, "modelmonitor_objective_burn_rate", "Breached share of a window over the allowed share",
                            objective.and("window", rate.getKey()), rate.getValue());
                }
            }
        }
        drop(budgetSeries.put(tags(monitor), series), series);
    }

    private void set(Set<GaugeKey> series, String name, String help, Tags tags, Double value) {
        series.add(new GaugeKey(name, tags));
        gauge(name, help, tags).set(value == null ? Double.NaN : value);
    }

    /** Removes the series a monitor had and no longer has. */
    private void drop(Set<GaugeKey> before, Set<GaugeKey> now) {
        if (before == null) {
            return;
        }
        for (GaugeKey gone : before) {
            if (!now.contains(gone)) {
                Meter meter = registry.find(gone.name()).tags(gone.tags()).meter();
                if (meter != null) {
                    registry.remove(meter);
                }
                gauges.remove(gone);
            }
        }
    }

    /** An objective's series labels: the monitor's, its propagated labels, the metric, its kind of bound and severity. */
    private Tags objectiveTags(ModelMonitor monitor, MetricName metric, boolean min, boolean comparison) {
        Tags tags = tags(monitor);
        for (var label : propagated.entrySet()) {
            String value = monitor.getMetadata().getLabels() == null ? null : monitor.getMetadata().getLabels().get(label.getKey());
            tags = tags.and(label.getValue(), value == null ? "" : value);
        }
        Severity severity = monitor.getSpec().objective(metric, min, comparison).map(ObjectiveSpec::severityOrDefault)
                .orElse(Severity.critical);
        return tags.and("metric", metric.name(), "bound", comparison ? "baseline" : min ? "min" : "max",
                "severity", severity.name());
    }

    private static final List<String> OBJECTIVE_SERIES = List.of("modelmonitor_objective_value",
            "modelmonitor_objective_lower", "modelmonitor_objective_upper", "modelmonitor_objective_state",
            "modelmonitor_objective_breach_confirmed");

    /**
     * Each input feature's drift, missing rate and unseen rate at the last evaluation, for dashboards: at most the
     * window's features (the spec declares up to 64) times three series per monitor; a feature gone from the window
     * loses its series.
     */
    public void inputs(ModelMonitor monitor, InputMetrics inputs) {
        Set<GaugeKey> series = new HashSet<>();
        if (inputs != null) {
            for (InputMetrics.FeatureFigures f : inputs.features()) {
                Tags feature = tags(monitor).and("feature", f.name());
                set(series, "modelmonitor_feature_drift", "Jensen-Shannon distance of the feature from spec.reference",
                        feature, f.drift() == null ? null : f.drift().value());
                set(series, "modelmonitor_feature_missing_rate", "Share of rows without the feature", feature,
                        f.missingRate() == null ? null : f.missingRate().value());
                set(series, "modelmonitor_feature_unseen_rate", "Share of the feature's values the reference never saw",
                        feature, f.unseenRate() == null ? null : f.unseenRate().value());
            }
        }
        // Only what this monitor showed last time and not now: no walk over every meter of every monitor.
        drop(featureSeries.put(tags(monitor), series), series);
    }

    /**
     * What the window's mistakes cost (spec.costs), per 1,000 predictions and per hour, labelled by unit and by whether
     * it is estimated from the scores; the series goes when the figure does.
     */
    public void cost(ModelMonitor monitor, ExpectedCost cost) {
        Set<GaugeKey> series = new HashSet<>();
        if (cost != null && cost.best() != null) {
            Tags tags = tags(monitor).and("unit", cost.costs().unit(), "estimated", Boolean.toString(cost.realised() == null));
            set(series, "modelmonitor_expected_cost", "What the model's mistakes cost per 1,000 predictions, in unit",
                    tags, cost.best().value());
            set(series, "modelmonitor_expected_cost_lower", "Lower bound of its interval", tags, cost.best().lower());
            set(series, "modelmonitor_expected_cost_upper", "Upper bound of its interval", tags, cost.best().upper());
            set(series, "modelmonitor_expected_cost_per_hour", "The same per hour at the window's prediction rate", tags,
                    cost.perHour());
        }
        drop(costSeries.put(tags(monitor), series), series);
    }

    /** A rollback started, succeeded or failed, or could not be made (exhausted). */
    public void rollback(ModelMonitor monitor, String result) {
        Counter.builder("modelmonitor_rollbacks").description("Rollbacks by result: triggered, succeeded, failed, exhausted")
                .tags(tags(monitor).and("result", result)).register(registry).increment();
    }

    private AtomicReference<Double> gauge(String name, String help, Tags tags) {
        return gauges.computeIfAbsent(new GaugeKey(name, tags), k -> {
            AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
            Gauge.builder(name, value, AtomicReference::get).description(help).tags(tags).register(registry);
            return value;
        });
    }

    /** Drops every series of a deleted monitor, so dashboards do not show ghosts. */
    public void forget(ModelMonitor monitor) {
        Tags tags = tags(monitor);
        for (Meter meter : registry.getMeters()) {
            if (meter.getId().getName().startsWith("modelmonitor_") && meter.getId().getTags().containsAll(tags.stream().toList())) {
                registry.remove(meter);
            }
        }
        gauges.keySet().removeIf(k -> k.tags().stream().toList().containsAll(tags.stream().toList()));
        featureSeries.remove(tags);
        objectiveSeries.remove(tags);
        budgetSeries.remove(tags);
        costSeries.remove(tags);
    }

    private static Tags tags(ModelMonitor monitor) {
        return Tags.of("monitor", monitor.getMetadata().getName(), "namespace", monitor.getMetadata().getNamespace());
    }
}

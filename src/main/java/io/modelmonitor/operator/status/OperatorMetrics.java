package io.modelmonitor.operator.status;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Judgement;
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
    /** The features each monitor (by its tags) has series for. */
    private final Map<Tags, Set<String>> features = new ConcurrentHashMap<>();
    private static final List<String> FEATURE_SERIES = List.of("modelmonitor_feature_drift",
            "modelmonitor_feature_missing_rate", "modelmonitor_feature_unseen_rate");

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void evaluated(ModelMonitor monitor, Evaluation evaluation, int readFailures) {
        Tags tags = tags(monitor);
        Counter.builder("modelmonitor_evaluations").description("Evaluations of a monitor's objectives")
                .tags(tags).register(registry).increment();
        Counter.builder("modelmonitor_scrape_errors").description("Collector snapshots that could not be read")
                .tags(tags).register(registry).increment(readFailures);
        for (Judgement j : evaluation.judgements()) {
            Tags metric = tags.and("metric", j.objective().metric().name(), "bound", j.objective().min() != null ? "min" : "max");
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
        }
    }

    /**
     * Each input feature's drift, missing rate and unseen rate at the last evaluation, for dashboards: at most the
     * window's features (the spec declares up to 64) times three series per monitor; a feature gone from the window
     * loses its series.
     */
    public void inputs(ModelMonitor monitor, InputMetrics inputs) {
        Tags tags = tags(monitor);
        Set<String> present = new HashSet<>();
        if (inputs != null) {
            for (InputMetrics.FeatureFigures f : inputs.features()) {
                present.add(f.name());
                Tags feature = tags.and("feature", f.name());
                gauge("modelmonitor_feature_drift", "Jensen-Shannon distance of the feature from spec.reference", feature)
                        .set(f.drift() == null ? Double.NaN : f.drift().value());
                gauge("modelmonitor_feature_missing_rate", "Share of rows without the feature", feature)
                        .set(f.missingRate() == null ? Double.NaN : f.missingRate().value());
                gauge("modelmonitor_feature_unseen_rate", "Share of the feature's values the reference never saw", feature)
                        .set(f.unseenRate() == null ? Double.NaN : f.unseenRate().value());
            }
        }
        // Only what this monitor showed last time and not now: no walk over every meter of every monitor.
        Set<String> before = features.getOrDefault(tags, Set.of());
        for (String gone : before) {
            if (!present.contains(gone)) {
                for (String name : FEATURE_SERIES) {
                    Tags feature = tags.and("feature", gone);
                    Meter meter = registry.find(name).tags(feature).meter();
                    if (meter != null) {
                        registry.remove(meter);
                    }
                    gauges.remove(new GaugeKey(name, feature));
                }
            }
        }
        if (present.isEmpty()) {
            features.remove(tags);
        } else {
            features.put(tags, present);
        }
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
        features.remove(tags);
    }

    private static Tags tags(ModelMonitor monitor) {
        return Tags.of("monitor", monitor.getMetadata().getName(), "namespace", monitor.getMetadata().getNamespace());
    }
}

package io.modelmonitor.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.api.v1alpha1.BudgetStatus;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.api.v1alpha1.Severity;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.metrics.ExpectedCost;
import io.modelmonitor.metrics.FeatureSketch;
import io.modelmonitor.metrics.InputCounts;
import io.modelmonitor.metrics.InputMetrics;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.metrics.WindowMetrics;
import io.modelmonitor.testsupport.Fixtures;

class OperatorMetricsTest {

    private static InputMetrics inputs(String... features) {
        Random random = new Random(1);
        InputCounts counts = InputCounts.of(100, 0, 100);
        for (String f : features) {
            FeatureSketch.Numerical s = FeatureSketch.numerical();
            for (int i = 0; i < 100; i++) {
                s.update(random.nextGaussian());
            }
            counts.with(f, 90, 10, 0, s);
        }
        return InputMetrics.compute(counts, null, null, 0.95);
    }

    private static final WindowMetrics.Settings BINARY = new WindowMetrics.Settings(true, true, "1", 0.95, 30);

    /** accuracy 0.8 on 1,000 labels: breached against a min of 0.9 in every evaluation. */
    private static Evaluation evaluate(ModelMonitor monitor, Map<String, Integer> streaks) {
        WindowMetrics m = WindowMetrics.compute(new WindowCounts().addLabels("none", "1", "1", 800)
                .addLabels("none", "1", "0", 200).addRequests("2xx", 1000, 10), BINARY, 60, null);
        List<Objective> objectives = monitor.getSpec().getObjectives().stream()
                .map(o -> new Objective(o.getMetric(), o.getMin(), o.getMax())).toList();
        return Evaluation.of(objectives, m, new Evaluation.Rules(100, 0.95, 2), streaks);
    }

    @Test
    void objectiveSeriesCarryTheSeverityAndTheMonitorsOwnLabelsAndAConfirmedBreach() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OperatorMetrics metrics = new OperatorMetrics(registry, List.of("team", "app.kubernetes.io/part-of"));
        var monitor = Fixtures.monitor("ml", "fraud", "fraud");
        monitor.getMetadata().setLabels(Map.of("team", "payments"));
        ObjectiveSpec accuracy = ObjectiveSpec.min(MetricName.accuracy, 0.9);
        accuracy.setSeverity(Severity.warning);
        monitor.getSpec().setObjectives(List.of(accuracy));
        monitor.getSpec().getEvaluation().setConsecutiveBreaches(2);

        Evaluation first = evaluate(monitor, Map.of());
        metrics.evaluated(monitor, first, 0);
        var state = registry.find("modelmonitor_objective_state").tag("metric", "accuracy").gauge();
        assertThat(state.getId().getTag("severity")).isEqualTo("warning");
        assertThat(state.getId().getTag("team")).isEqualTo("payments");
        assertThat(state.getId().getTag("app_kubernetes_io_part_of")).as("absent on the monitor: empty").isEmpty();
        assertThat(state.value()).isEqualTo(2.0);
        assertThat(registry.find("modelmonitor_objective_breach_confirmed").gauge().value())
                .as("breached once of the two in a row it needs").isEqualTo(0.0);
        metrics.evaluated(monitor, evaluate(monitor, Map.of("accuracy/min", first.streaks().get(0))), 0);
        assertThat(registry.find("modelmonitor_objective_breach_confirmed").gauge().value()).isEqualTo(1.0);

        // The severity changes: the series moves, and none is left under the old one for a rule to keep firing on.
        accuracy.setSeverity(Severity.critical);
        metrics.evaluated(monitor, evaluate(monitor, Map.of()), 0);
        assertThat(registry.find("modelmonitor_objective_breach_confirmed").gauges()).singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("severity")).isEqualTo("critical"));
        assertThat(registry.find("modelmonitor_objective_state").gauges()).hasSize(1);
    }

    @Test
    void theCostAndTheBudgetHaveSeriesWhileTheyExist() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OperatorMetrics metrics = new OperatorMetrics(registry);
        var monitor = Fixtures.monitor("ml", "fraud", "fraud");
        var costs = new ExpectedCost.Costs(5, 120, "EUR");
        metrics.cost(monitor, ExpectedCost.of(costs, new ExpectedCost.Errors(30, 10, 1000), null, 10, 0.95));
        var cost = registry.find("modelmonitor_expected_cost").tag("unit", "EUR").tag("estimated", "false").gauge();
        assertThat(cost.value()).isCloseTo(1350.0, within(1e-9));
        assertThat(registry.find("modelmonitor_expected_cost_per_hour").gauge().value()).isEqualTo(1.35 * 36_000, within(1e-6));
        metrics.cost(monitor, null);
        assertThat(registry.find("modelmonitor_expected_cost").gauges()).as("no costs any more, no series").isEmpty();

        ObjectiveStatus accuracy = new ObjectiveStatus();
        accuracy.setMetric(MetricName.accuracy);
        accuracy.setMin(0.9);
        BudgetStatus budget = new BudgetStatus();
        budget.setRemaining(0.25);
        budget.setAlert("Page");
        budget.setBurnRates(Map.of("1h", 20.0, "3d", 1.5));
        accuracy.setBudget(budget);
        metrics.budgets(monitor, List.of(accuracy));
        assertThat(registry.find("modelmonitor_objective_budget_alert").tag("metric", "accuracy").gauge().value()).isEqualTo(2.0);
        assertThat(registry.find("modelmonitor_objective_budget_remaining").gauge().value()).isEqualTo(0.25);
        assertThat(registry.find("modelmonitor_objective_burn_rate").tag("window", "1h").gauge().value()).isEqualTo(20.0);
        accuracy.setBudget(null);
        metrics.budgets(monitor, List.of(accuracy));
        assertThat(registry.find("modelmonitor_objective_burn_rate").gauges()).isEmpty();
    }

    @Test
    void propagatedLabelsThatCannotBeFreeSeriesLabelsAreRefusedAtStart() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        assertThatThrownBy(() -> new OperatorMetrics(registry, List.of("severity")))
                .hasMessageContaining("severity would be the series label severity");
        assertThatThrownBy(() -> new OperatorMetrics(registry, List.of("team", "team")))
                .hasMessageContaining("not a free Prometheus label name");
        assertThatThrownBy(() -> new OperatorMetrics(registry, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")))
                .hasMessageContaining("names 9 labels; at most 8");
    }

    @Test
    void eachFeatureHasItsSeriesAndAFeatureGoneLosesThem() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OperatorMetrics metrics = new OperatorMetrics(registry);
        var monitor = Fixtures.monitor("ml", "fraud", "fraud");
        monitor.getMetadata().setNamespace("ml");

        metrics.inputs(monitor, inputs("amount", "country"));
        assertThat(registry.find("modelmonitor_feature_missing_rate").tag("feature", "amount").gauge().value())
                .isEqualTo(0.1);
        assertThat(registry.find("modelmonitor_feature_missing_rate").gauges()).hasSize(2);

        metrics.inputs(monitor, inputs("amount"));
        assertThat(registry.find("modelmonitor_feature_missing_rate").gauges()).as("country left the spec").hasSize(1);
        assertThat(registry.find("modelmonitor_feature_drift").tag("feature", "country").gauge()).isNull();

        metrics.inputs(monitor, inputs("amount", "country"));
        assertThat(registry.find("modelmonitor_feature_missing_rate").gauges()).as("and can come back").hasSize(2);
    }
}

package io.modelmonitor.operator.judgement;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.modelmonitor.api.v1alpha1.BudgetSpec;
import io.modelmonitor.api.v1alpha1.BudgetStatus;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.api.v1alpha1.ObjectiveStatus;
import io.modelmonitor.evaluation.ErrorBudget;
import io.modelmonitor.evaluation.Objective;

/**
 * Carries each objective's error budget from the last status into this evaluation's: its history is read back from
 * status (so a restarted operator goes on counting), this evaluation is added (Met or Breached; InsufficientData only
 * moves the clock), and the alert it asks for is compared with the last one.
 */
final class ErrorBudgets {

    /** An objective whose budget alert changed in this evaluation, for the consequences to announce. */
    record Change(ObjectiveStatus objective, ErrorBudget.Alert from, ErrorBudget.Alert to, ErrorBudget budget) {
    }

    private ErrorBudgets() {
    }

    static List<Change> update(ModelMonitor monitor, List<ObjectiveStatus> previous, List<ObjectiveStatus> current,
            Instant now) {
        List<Change> changes = new ArrayList<>();
        if (current == null) {
            return changes;
        }
        for (ObjectiveStatus o : current) {
            ObjectiveSpec spec = monitor.getSpec().objective(o.getMetric(), o.getMin() != null, o.getCompareTo() != null)
                    .orElse(null);
            BudgetSpec b = spec == null ? null : spec.getBudget();
            if (b == null || b.getTarget() == null) {
                continue;
            }
            int days = b.getPeriodDays() == null ? 28 : b.getPeriodDays();
            BudgetStatus before = find(previous, o);
            // A changed target or period starts a new count: the old one measured against another promise.
            boolean same = before != null && Objects.equals(before.getTarget(), b.getTarget())
                    && Objects.equals(before.getPeriodDays(), days);
            ErrorBudget budget = ErrorBudget.decode(same ? before.getHistory() : null, b.getTarget(), days);
            if (o.getState() == ObjectiveState.Met || o.getState() == ObjectiveState.Breached) {
                budget.record(now, o.getState() == ObjectiveState.Met);
            } else {
                budget.advance(now);
            }
            ErrorBudget.Alert alert = budget.alert();
            ErrorBudget.Alert was = same ? parse(before.getAlert()) : ErrorBudget.Alert.None;
            BudgetStatus st = new BudgetStatus();
            st.setTarget(b.getTarget());
            st.setPeriodDays(days);
            st.setRemaining(StatusMapper.round(budget.remaining()));
            st.setJudged(budget.period().total());
            st.setBreached(budget.period().breached());
            st.setBurnRates(budget.burnRates());
            st.setAlert(alert.name());
            st.setAlertSince(alert == was && before != null && before.getAlertSince() != null ? before.getAlertSince()
                    : now.truncatedTo(ChronoUnit.SECONDS).toString());
            st.setHistory(budget.encode());
            o.setBudget(st);
            if (alert != was) {
                changes.add(new Change(o, was, alert, budget));
            }
        }
        return changes;
    }

    /** The alert status last showed; None for none, or for one a hand edit made unreadable. */
    private static ErrorBudget.Alert parse(String alert) {
        for (ErrorBudget.Alert a : ErrorBudget.Alert.values()) {
            if (a.name().equals(alert)) {
                return a;
            }
        }
        return ErrorBudget.Alert.None;
    }

    private static BudgetStatus find(List<ObjectiveStatus> previous, ObjectiveStatus o) {
        if (previous == null) {
            return null;
        }
        String key = Objective.key(o);
        return previous.stream().filter(p -> Objective.key(p).equals(key)).map(ObjectiveStatus::getBudget)
                .filter(Objects::nonNull).findFirst().orElse(null);
    }
}

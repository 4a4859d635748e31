package io.modelmonitor.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.metrics.InputMetrics;
import io.modelmonitor.metrics.InputMetrics.FeatureFigures;
import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * Judges an objective over many features at once, by their simultaneous intervals (see {@link InputMetrics}):
 * Breached when some feature's whole interval lies above the bound (the strongest is named, and how many more),
 * Met when every judged feature's whole interval lies at or below it, InsufficientData otherwise. A feature short
 * of {@code minSamples} values is named, not judged; it does not keep the others from a verdict.
 */
final class InputJudge {

    private InputJudge() {
    }

    static Judgement judgeFeatures(Objective objective, InputMetrics inputs, long minSamples, double confidence) {
        if (inputs == null) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null,
                    "no request has been read for input features yet (the collectors read them; the Prometheus source "
                            + "does not yet)");
        }
        if (objective.metric().needsReference() && !inputs.distributions()) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null, "the window has the features' counts "
                    + "but not their distributions: Prometheus holds counters only, and " + objective.metric()
                    + " compares distributions (the collectors, read directly, send them: spec.metricsSource.type "
                    + "collectors)");
        }
        if (objective.metric().needsReference() && !inputs.reference()) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null, "no reference profile to compare with: "
                    + (inputs.referenceProblem() == null ? "spec.reference names none" : inputs.referenceProblem()));
        }
        Function<FeatureFigures, Estimate> figure = switch (objective.metric()) {
            case featureDrift -> FeatureFigures::drift;
            case missingRate -> FeatureFigures::missingRate;
            case wrongTypeRate -> FeatureFigures::wrongTypeRate;
            case outOfRangeRate -> f -> "numerical".equals(f.type()) ? f.unseenRate() : null;
            case unseenCategoryRate -> f -> "categorical".equals(f.type()) ? f.unseenRate() : null;
            default -> throw new IllegalArgumentException("not a per-feature metric: " + objective.metric());
        };
        List<FeatureFigures> breached = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        List<String> tooFew = new ArrayList<>();
        FeatureFigures worst = null;
        int judged = 0;
        for (FeatureFigures f : inputs.features()) {
            if (!objective.features().isEmpty() && !objective.features().contains(f.name())) {
                continue;
            }
            Estimate e = figure.apply(f);
            boolean applies = switch (objective.metric()) {
                case outOfRangeRate -> "numerical".equals(f.type());
                case unseenCategoryRate -> "categorical".equals(f.type());
                default -> true;
            };
            if (!applies) {
                continue;
            }
            long n = objective.metric() == MetricName.missingRate || objective.metric() == MetricName.wrongTypeRate
                    ? f.rows() : e == null ? 0 : e.n();
            if (e == null || Double.isNaN(e.value()) || n < minSamples) {
                tooFew.add(f.name());
                continue;
            }
            judged++;
            if (e.lower() > objective.max()) {
                breached.add(f);
            } else if (e.upper() > objective.max()) {
                undecided.add(f.name());
            }
            if (worst == null || e.value() > figure.apply(worst).value()) {
                worst = f;
            }
        }
        String shortOf = tooFew.isEmpty() ? "" : "; not judged, fewer than " + minSamples + " values: " + names(tooFew);
        if (!breached.isEmpty()) {
            breached.sort((a, b) -> Double.compare(figure.apply(b).lower(), figure.apply(a).lower()));
            FeatureFigures strongest = breached.get(0);
            Estimate e = figure.apply(strongest);
            String more = breached.size() == 1 ? "" : " (and " + (breached.size() - 1) + " more: "
                    + names(breached.subList(1, breached.size()).stream().map(FeatureFigures::name).toList()) + ")";
            return new Judgement(objective, ObjectiveState.Breached, e, "feature " + strongest.name() + ": "
                    + ObjectiveJudge.describe(objective, e) + " lies above " + ObjectiveJudge.fmt(objective.max())
                    + " with " + level(confidence) + " confidence, simultaneous over the features" + more + shortOf);
        }
        if (judged == 0) {
            return new Judgement(objective, ObjectiveState.InsufficientData, null,
                    "no feature has " + minSamples + " values in the window" + (tooFew.isEmpty() ? "" : ": " + names(tooFew)));
        }
        Estimate worstEstimate = figure.apply(worst);
        if (!undecided.isEmpty()) {
            return new Judgement(objective, ObjectiveState.InsufficientData, worstEstimate, "the interval of "
                    + names(undecided) + " contains the bound " + ObjectiveJudge.fmt(objective.max())
                    + ": not decided yet" + shortOf);
        }
        return new Judgement(objective, ObjectiveState.Met, worstEstimate, "every judged feature lies at or below "
                + ObjectiveJudge.fmt(objective.max()) + "; the highest, " + worst.name() + ": "
                + ObjectiveJudge.describe(objective, worstEstimate) + shortOf);
    }

    private static String names(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }

    private static String level(double confidence) {
        return Math.round(confidence * 1000) / 10.0 + "%";
    }
}

package io.modelmonitor.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.metrics.WindowMetrics;

/**
 * How often would each rule roll a model back, and how fast does it see a real drop? Deterministic (seed 42).
 * (a) a model whose true accuracy is 0.91 against a 0.90 objective, judged 1,000 times on windows of 100 and of
 * 1,000 labels: our rule (interval + consecutive breaches + minSamples) vs a naive point threshold.
 * (b) accuracy drops from 0.95 to 0.85 against 0.90, labels arriving at 50 per 30 s interval into a 5 min window:
 * labels and intervals until each rule declares the breach.
 * Run: see src/bench/BENCHMARKS.md.
 */
public final class DecisionSimulation {

    static final Objective ACCURACY_MIN_090 = new Objective(MetricName.accuracy, 0.90, null);
    static final WindowMetrics.Settings SETTINGS = new WindowMetrics.Settings(true, true, "1", 0.95, 30);

    public static void main(String... args) {
        long seed = 42;
        System.out.println("## (a) true accuracy 0.91, objective accuracy >= 0.90, 1,000 evaluations");
        System.out.println();
        System.out.println("| labels per window | naive: point < 0.90 | ours, consecutiveBreaches 1 | ours, consecutiveBreaches 2 (default) | ours with minSamples 200 (default) |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (int n : new int[] {100, 1000}) {
            double[] rates = falseRollbackRates(0.91, n, 1000, seed);
            System.out.printf(Locale.ROOT, "| %d | %.1f%% | %.1f%% | %.1f%% | %.1f%% |%n", n, rates[0] * 100, rates[1] * 100,
                    rates[2] * 100, rates[3] * 100);
        }
        System.out.println();
        System.out.println("## (b) accuracy drops from 0.95 to 0.85 (objective >= 0.90), 50 labels per 30 s interval, "
                + "5 min window, 1,000 trials");
        System.out.println();
        System.out.println("| rule | labels to breach (median / p95) | intervals to breach (median / p95) | alarms on a healthy 0.95 interval |");
        System.out.println("| --- | --- | --- | --- |");
        for (String rule : new String[] {"naive", "ours"}) {
            int[][] result = timeToDetect(rule, 1000, seed);
            int[] labels = result[0];
            int[] intervals = result[1];
            System.out.printf(Locale.ROOT, "| %s | %d / %d | %d / %d | %.1f%% |%n", rule, pct(labels, 50), pct(labels, 95),
                    pct(intervals, 50), pct(intervals, 95), result[2][0] * 100.0 / 1000);
        }
    }

    /** Fractions of evaluations that trigger a rollback: naive, ours(1), ours(2), ours(2, minSamples 200). */
    static double[] falseRollbackRates(double trueAccuracy, int labels, int evaluations, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int naive = 0;
        int ours1 = 0;
        int ours2 = 0;
        int ours2Min = 0;
        int streak = 0;
        int streakMin = 0;
        for (int i = 0; i < evaluations; i++) {
            WindowMetrics m = window(random, trueAccuracy, labels);
            if (m.accuracy().value() < 0.90) {
                naive++;
            }
            Evaluation e1 = Evaluation.of(List.of(ACCURACY_MIN_090), m, new Evaluation.Rules(1, 0.95, 1), Map.of());
            ours1 += e1.verdict() == Evaluation.Verdict.BREACHED ? 1 : 0;
            Evaluation e2 = Evaluation.of(List.of(ACCURACY_MIN_090), m, new Evaluation.Rules(1, 0.95, 2),
                    Map.of(ACCURACY_MIN_090.key(), streak));
            streak = e2.streaks().get(0);
            ours2 += e2.verdict() == Evaluation.Verdict.BREACHED ? 1 : 0;
            Evaluation e3 = Evaluation.of(List.of(ACCURACY_MIN_090), m, new Evaluation.Rules(200, 0.95, 2),
                    Map.of(ACCURACY_MIN_090.key(), streakMin));
            streakMin = e3.streaks().get(0);
            ours2Min += e3.verdict() == Evaluation.Verdict.BREACHED ? 1 : 0;
        }
        return new double[] {naive / (double) evaluations, ours1 / (double) evaluations, ours2 / (double) evaluations,
            ours2Min / (double) evaluations};
    }

    /** [labels to detect per trial, intervals to detect per trial, {false alarms in the healthy phase}]. */
    static int[][] timeToDetect(String rule, int trials, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int perInterval = 50;
        int windowIntervals = 10;
        int[] labels = new int[trials];
        int[] intervals = new int[trials];
        int falseAlarms = 0;
        for (int t = 0; t < trials; t++) {
            // One interval of the healthy model first, to count false alarms at 0.95.
            WindowMetrics healthy = window(random, 0.95, perInterval);
            boolean alarm = rule.equals("naive") ? healthy.accuracy().value() < 0.90
                    : Evaluation.of(List.of(ACCURACY_MIN_090), healthy, new Evaluation.Rules(200, 0.95, 2), Map.of())
                            .verdict() == Evaluation.Verdict.BREACHED;
            falseAlarms += alarm ? 1 : 0;
            List<long[]> slices = new ArrayList<>(); // [correct, total] per interval, newest last
            int streak = 0;
            for (int i = 1; i <= 200; i++) {
                long correct = 0;
                for (int k = 0; k < perInterval; k++) {
                    correct += random.nextDouble() < 0.85 ? 1 : 0;
                }
                slices.add(new long[] {correct, perInterval});
                if (slices.size() > windowIntervals) {
                    slices.remove(0);
                }
                long c = slices.stream().mapToLong(s -> s[0]).sum();
                long n = slices.stream().mapToLong(s -> s[1]).sum();
                WindowMetrics m = metrics(c, n);
                boolean breached;
                if (rule.equals("naive")) {
                    breached = m.accuracy().value() < 0.90;
                } else {
                    Evaluation e = Evaluation.of(List.of(ACCURACY_MIN_090), m, new Evaluation.Rules(200, 0.95, 2),
                            Map.of(ACCURACY_MIN_090.key(), streak));
                    streak = e.streaks().get(0);
                    breached = e.verdict() == Evaluation.Verdict.BREACHED;
                }
                if (breached) {
                    labels[t] = i * perInterval;
                    intervals[t] = i;
                    break;
                }
            }
        }
        return new int[][] {labels, intervals, {falseAlarms}};
    }

    private static WindowMetrics window(SplittableRandom random, double accuracy, int labels) {
        long correct = 0;
        for (int k = 0; k < labels; k++) {
            correct += random.nextDouble() < accuracy ? 1 : 0;
        }
        return metrics(correct, labels);
    }

    private static WindowMetrics metrics(long correct, long labels) {
        return WindowMetrics.compute(new WindowCounts().addLabels("none", "1", "1", correct)
                .addLabels("none", "1", "0", labels - correct), SETTINGS, 300, null);
    }

    private static int pct(int[] values, int p) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}

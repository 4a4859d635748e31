package io.modelmonitor.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.metrics.FeatureSketch;
import io.modelmonitor.metrics.InputCounts;
import io.modelmonitor.metrics.InputMetrics;
import io.modelmonitor.metrics.ReferenceProfile;
import io.modelmonitor.metrics.WindowCounts;
import io.modelmonitor.metrics.WindowMetrics;

/**
 * How the input objectives decide, simulated: false alarms on stable features (half numerical, half categorical)
 * however many there are, and how soon a real shift or a rise in missing values is confirmed. Run it with
 * {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.modelmonitor.bench.FeatureDriftSimulation}; figures in src/bench/BENCHMARKS.md, the headline
 * ones held by FeatureDriftSimulationTest.
 */
public final class FeatureDriftSimulation {

    static final double MAX_DRIFT = 0.1;
    static final int REFERENCE_ROWS = 20_000;
    static final Evaluation.Rules RULES = new Evaluation.Rules(200, 0.95, 2);
    private static final String[] CATEGORIES = {"DE", "FR", "IT", "ES", "NL", "PL", "SE", "AT"};
    private static final double[] SHARES = {0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03};

    private FeatureDriftSimulation() {
    }

    public static void main(String... args) {
        System.out.println("## (h) input drift on stable features, objective featureDrift <= 0.1, reference 20,000 rows, "
                + "200 evaluations");
        System.out.println();
        System.out.println("| features | rows per window | naive: some point distance > 0.1 | ours: Breached | "
                + "ours: confirmed (2 in a row) |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (int k : new int[] {5, 20, 100}) {
            for (int n : new int[] {200, 2000}) {
                double[] r = falseDriftRates(k, n, 200, 42);
                System.out.printf(Locale.ROOT, "| %d | %d | %.1f%% | %.1f%% | %.1f%% |%n", k, n, r[0] * 100, r[1] * 100,
                        r[2] * 100);
            }
        }
        System.out.println();
        System.out.println("## (i) half a standard deviation's shift in one numerical feature of 20, 100 rows per interval "
                + "into a window of 1,000, 200 trials");
        System.out.println();
        int[] shift = shiftToDetect(200, 42);
        System.out.printf(Locale.ROOT, "| rows to confirmed breach (median / p95) | %d / %d |%n", pct(shift, 50), pct(shift, 95));
        System.out.println();
        System.out.println("## (j) one feature's missing rate rises from 1% to 6%, objective missingRate <= 0.03, "
                + "100 rows per interval into a window of 1,000, 200 trials");
        System.out.println();
        int[] missing = missingToDetect(200, 42);
        System.out.printf(Locale.ROOT, "| rows to confirmed breach (median / p95) | %d / %d |%n", pct(missing, 50),
                pct(missing, 95));
    }

    static FeatureSketch sample(Random random, boolean numerical, int n, double shift) {
        if (numerical) {
            FeatureSketch.Numerical s = FeatureSketch.numerical();
            for (int i = 0; i < n; i++) {
                s.update(random.nextGaussian() + shift);
            }
            return s;
        }
        FeatureSketch.Categorical s = FeatureSketch.categorical();
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            int c = 0;
            while (c < SHARES.length - 1 && u > SHARES[c]) {
                u -= SHARES[c++];
            }
            s.update(CATEGORIES[c]);
        }
        return s;
    }

    static ReferenceProfile reference(Random random, int features) {
        Map<String, ReferenceProfile.Feature> map = new LinkedHashMap<>();
        for (int f = 0; f < features; f++) {
            FeatureSketch s = sample(random, f % 2 == 0, REFERENCE_ROWS, 0);
            map.put("f" + f, new ReferenceProfile.Feature(s.type(), REFERENCE_ROWS, 0, s));
        }
        return new ReferenceProfile(REFERENCE_ROWS, map);
    }

    static WindowMetrics metrics(InputCounts inputs, ReferenceProfile reference) {
        WindowCounts counts = WindowCounts.empty();
        counts.inputs().add(inputs);
        return WindowMetrics.compute(counts, DecisionSimulation.SETTINGS, 60, null, reference, null);
    }

    static InputCounts window(Random random, int features, int n, double shift, double missingShare) {
        InputCounts w = InputCounts.of(n, 0, n);
        for (int f = 0; f < features; f++) {
            long missing = 0;
            if (f == 0 && missingShare > 0) {
                for (int i = 0; i < n; i++) {
                    missing += random.nextDouble() < missingShare ? 1 : 0;
                }
            }
            w.with("f" + f, n - missing, missing, 0, sample(random, f % 2 == 0, (int) (n - missing), f == 0 ? shift : 0));
        }
        return w;
    }

    /** [naive: some feature's point distance above the bound, ours Breached, ours confirmed two in a row]. */
    static double[] falseDriftRates(int features, int n, int evaluations, long seed) {
        Random random = new Random(seed);
        ReferenceProfile reference = reference(random, features);
        Objective drift = new Objective(MetricName.featureDrift, null, MAX_DRIFT, true);
        int naive = 0;
        int breached = 0;
        int confirmed = 0;
        Map<String, Integer> streaks = Map.of();
        for (int e = 0; e < evaluations; e++) {
            WindowMetrics m = metrics(window(random, features, n, 0, 0), reference);
            naive += m.inputs().features().stream().anyMatch(f -> f.drift().value() > MAX_DRIFT) ? 1 : 0;
            Evaluation ev = Evaluation.of(List.of(drift), m, RULES, streaks);
            breached += ev.judgements().get(0).state() == ObjectiveState.Breached ? 1 : 0;
            confirmed += ev.verdict() == Evaluation.Verdict.BREACHED ? 1 : 0;
            streaks = Map.of(drift.key(), ev.streaks().get(0));
        }
        return new double[] {naive / (double) evaluations, breached / (double) evaluations,
            confirmed / (double) evaluations};
    }

    static int[] shiftToDetect(int trials, long seed) {
        return toDetect(trials, seed, new Objective(MetricName.featureDrift, null, MAX_DRIFT, true), 0.5, 0);
    }

    static int[] missingToDetect(int trials, long seed) {
        return toDetect(trials, seed, new Objective(MetricName.missingRate, null, 0.03, true), 0, 0.06);
    }

    /** Rows of the changed model until the breach is confirmed, per trial; 0 where 200 intervals did not do it. */
    private static int[] toDetect(int trials, long seed, Objective objective, double shift, double missing) {
        Random random = new Random(seed);
        ReferenceProfile reference = reference(random, 20);
        int[] rows = new int[trials];
        for (int t = 0; t < trials; t++) {
            Map<String, Integer> streaks = Map.of();
            for (int interval = 1; interval <= 200; interval++) {
                int n = Math.min(interval, 10) * 100;
                Evaluation ev = Evaluation.of(List.of(objective), metrics(window(random, 20, n, shift, missing), reference),
                        RULES, streaks);
                if (ev.verdict() == Evaluation.Verdict.BREACHED) {
                    rows[t] = interval * 100;
                    break;
                }
                streaks = Map.of(objective.key(), ev.streaks().get(0));
            }
        }
        return rows;
    }

    static int pct(int[] values, int p) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** Only to keep InputMetrics' figure of record in one place for the tables. */
    static double noiseQuantile(int df, double p) {
        return InputMetrics.chiSquareQuantile(p, df);
    }
}

package io.modelmonitor.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ObjectiveState;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.ErrorBudget;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.evaluation.RevisionComparison;
import io.modelmonitor.metrics.LatencyHistogram;
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
        System.out.println();
        System.out.println("## (c) prediction drift on unchanged shares (objective predictionDrift <= 0.1), 1,000 evaluations");
        System.out.println();
        System.out.println("| classes | predictions per window (and baseline) | naive: point PSI > 0.1 | ours: Breached | ours: confirmed (2 in a row) |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (int k : new int[] {2, 8, 32}) {
            for (int n : new int[] {200, 1000, 5000}) {
                double[] rates = falseDriftRates(k, n, 1000, seed);
                System.out.printf(Locale.ROOT, "| %d | %d | %.1f%% | %.1f%% | %.1f%% |%n", k, n, rates[0] * 100, rates[1] * 100,
                        rates[2] * 100);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "## (d) a real shift: 8 classes, 10 points move from the largest class to the smallest "
                + "(true PSI %.3f), objective predictionDrift <= 0.1, baseline 5,000 predictions, 100 predictions per "
                + "interval into a window of 1,000, 1,000 trials%n", WindowMetrics.psi(counts(shares(8), 1_000_000),
                        counts(shifted(shares(8)), 1_000_000)));
        System.out.println();
        System.out.println("| rule | predictions to confirmed breach (median / p95) | trials detected within 200 intervals |");
        System.out.println("| --- | --- | --- |");
        int[] toDetect = driftToDetect(1000, seed);
        long detected = Arrays.stream(toDetect).filter(x -> x > 0).count();
        System.out.printf(Locale.ROOT, "| ours | %d / %d | %d of 1000 |%n", pct(toDetect, 50), pct(toDetect, 95), detected);
        System.out.println();
        System.out.println("## (e) fairness on a model that treats every group alike (TPR 0.8, FPR 0.1), objectives "
                + "statisticalParityDifference <= 0.1 and equalOpportunityDifference <= 0.1, 1,000 evaluations");
        System.out.println();
        System.out.println("| groups | labelled predictions per group | naive: point SPD > 0.1 | ours: SPD Breached | "
                + "naive: point EOD > 0.1 | ours: EOD Breached | ours: confirmed (2 in a row) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (int g : new int[] {2, 8, 32}) {
            for (int n : new int[] {200, 1000}) {
                double[] rates = falseFairnessRates(g, n, 1000, seed);
                System.out.printf(Locale.ROOT, "| %d | %d | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% |%n", g, n, rates[0] * 100,
                        rates[1] * 100, rates[2] * 100, rates[3] * 100, rates[4] * 100);
            }
        }
        System.out.println();
        System.out.println("## (f) a real 10-point TPR gap (0.8 against 0.7) on a group with 5% of the traffic, objective "
                + "equalOpportunityDifference <= 0.05, 500 labelled predictions per interval, 1,000 trials");
        System.out.println();
        System.out.println("| labels to confirmed breach (median / p95) | of them the small group's positives (median / p95) "
                + "| trials detected within 400 intervals |");
        System.out.println("| --- | --- | --- |");
        int[][] fair = fairnessToDetect(1000, seed);
        System.out.printf(Locale.ROOT, "| %d / %d | %d / %d | %d of 1000 |%n", pct(fair[0], 50), pct(fair[0], 95),
                pct(fair[1], 50), pct(fair[1], 95), Arrays.stream(fair[0]).filter(x -> x > 0).count());
        System.out.println();
        System.out.println("## (g) an equal canary (true accuracy 0.90 on both revisions), non-inferiority margin 0.02, "
                + "1,000 evaluations");
        System.out.println();
        System.out.println("| canary share | labels per window | naive: canary point < baseline point - 0.02 | ours: Breached | "
                + "ours: confirmed (2 in a row) |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (double share : new double[] {0.1, 0.5}) {
            for (int labels : new int[] {1000, 5000}) {
                double[] rates = falseCanaryFailures(0.90, share, labels, 1000, seed);
                System.out.printf(Locale.ROOT, "| %.0f%% | %d | %.1f%% | %.1f%% | %.1f%% |%n", share * 100, labels,
                        rates[0] * 100, rates[1] * 100, rates[2] * 100);
            }
        }
        System.out.println();
        System.out.println("## (h) a real 5-point drop (0.90 to 0.85) on a canary with 10% of the traffic, margin 0.02, "
                + "500 labels per interval, 1,000 trials");
        System.out.println();
        System.out.println("| labels to confirmed breach (median / p95) | of them the canary's (median / p95) | trials detected "
                + "within 400 intervals |");
        System.out.println("| --- | --- | --- |");
        int[][] drop = canaryDropToDetect(1000, seed);
        System.out.printf(Locale.ROOT, "| %d / %d | %d / %d | %d of 1000 |%n", pct(drop[0], 50), pct(drop[0], 95),
                pct(drop[1], 50), pct(drop[1], 95), Arrays.stream(drop[0]).filter(x -> x > 0).count());
        System.out.println();
        System.out.println("## (i) an equally fast canary (log-normal latency, median 20 ms, p99 about 64 ms, on both "
                + "revisions), latencyP99Ms compared with a margin of 10 ms, 1,000 evaluations");
        System.out.println();
        System.out.println("| canary share | requests per window | naive: canary p99 > baseline p99 + 10 ms | ours: Breached | "
                + "ours: confirmed (2 in a row) |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (double share : new double[] {0.1, 0.5}) {
            for (int requests : new int[] {2000, 20000}) {
                double[] rates = falseLatencyFailures(share, requests, 1000, seed);
                System.out.printf(Locale.ROOT, "| %.0f%% | %d | %.1f%% | %.1f%% | %.1f%% |%n", share * 100, requests,
                        rates[0] * 100, rates[1] * 100, rates[2] * 100);
            }
        }
        System.out.println();
        System.out.println("## (j) a canary 40% slower (p99 about 64 to 90 ms) with 10% of the traffic, margin 10 ms, "
                + "500 requests per interval, 1,000 trials");
        System.out.println();
        System.out.println("| requests to confirmed breach (median / p95) | of them the canary's (median / p95) | trials detected "
                + "within 400 intervals |");
        System.out.println("| --- | --- | --- |");
        int[][] slow = slowCanaryToDetect(1000, seed);
        System.out.printf(Locale.ROOT, "| %d / %d | %d / %d | %d of 1000 |%n", pct(slow[0], 50), pct(slow[0], 95),
                pct(slow[1], 50), pct(slow[1], 95), Arrays.stream(slow[0]).filter(x -> x > 0).count());
        System.out.println();
        System.out.println("## (k) error budgets: an objective Met in 99% of evaluations over 28 days, one evaluation every "
                + "30 s; 3 days at the allowed rate, then the burn below (each evaluation Breached at random with that "
                + "share), 100 trials");
        System.out.println();
        System.out.println("| Breached share after the 3 days | burn rate | trials paged | trials ticketed | time to page "
                + "(median / max) | time to ticket (median / max) | workbook's time to detect |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (double share : new double[] {0.01, 0.03, 0.10, 1.0}) {
            BurnRun[] runs = new BurnRun[100];
            for (int t = 0; t < runs.length; t++) {
                runs[t] = burn(0.99, share, Duration.ofDays(28), seed + t);
            }
            long[] pages = Arrays.stream(runs).filter(r -> r.page() != null).mapToLong(r -> r.page().toMinutes()).sorted().toArray();
            long[] tickets = Arrays.stream(runs).filter(r -> r.ticket() != null).mapToLong(r -> r.ticket().toMinutes()).sorted().toArray();
            long falseAlarms = Arrays.stream(runs).filter(BurnRun::falseAlarm).count();
            System.out.printf(Locale.ROOT, "| %.0f%% | %.0f | %d | %d | %s | %s | %s |%n", share * 100, share / 0.01,
                    pages.length, tickets.length, minutes(pages), minutes(tickets), workbook(share / 0.01));
            if (falseAlarms > 0) {
                System.out.printf(Locale.ROOT, "(%d trials alerted in the 3 days at the allowed rate)%n", falseAlarms);
            }
        }
    }

    /**
     * When a burn of {@code share} first paged and first ticketed, from its start (null when it never did), and
     * whether anything alerted in the 3 days at the allowed rate before it (the run stops there).
     */
    record BurnRun(Duration page, Duration ticket, boolean falseAlarm) {
    }

    static final Duration WARM = Duration.ofDays(3);
    static final Duration INTERVAL = Duration.ofSeconds(30);

    /**
     * An objective with a budget ({@code target} over 28 days), evaluated every 30 s: Breached at random in 1 -
     * target of the evaluations for 3 days (the allowed rate: whatever alerts then is false), then in {@code share}
     * of them for {@code length}. The clock is simulated: 28 days take about a second.
     */
    static BurnRun burn(double target, double share, Duration length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ErrorBudget budget = new ErrorBudget(target, 28);
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        Instant burnFrom = start.plus(WARM);
        Instant end = burnFrom.plus(length);
        Duration page = null;
        Duration ticket = null;
        for (Instant t = start; t.isBefore(end); t = t.plus(INTERVAL)) {
            boolean burning = !t.isBefore(burnFrom);
            budget.record(t, random.nextDouble() >= (burning ? share : 1 - target));
            ErrorBudget.Alert alert = budget.alert();
            if (!burning && alert != ErrorBudget.Alert.None) {
                return new BurnRun(null, null, true);
            }
            if (burning && alert == ErrorBudget.Alert.Page && page == null) {
                page = Duration.between(burnFrom, t);
            }
            if (burning && alert == ErrorBudget.Alert.Ticket && ticket == null) {
                ticket = Duration.between(burnFrom, t);
            }
            if (page != null && ticket != null) {
                break;
            }
        }
        return new BurnRun(page, ticket, false);
    }

    /**
     * The SRE workbook's time to detect a burn from a clean start: the alert's threshold times its long window over
     * the burn rate, for the first rule whose threshold the burn exceeds (14.4 over 1 h, 6 over 6 h, 1 over 3 days).
     */
    static Duration workbookDetection(double burnRate) {
        if (burnRate > 14.4) {
            return Duration.ofSeconds(Math.round(14.4 * 3600 / burnRate));
        }
        if (burnRate > 6) {
            return Duration.ofSeconds(Math.round(6 * 6 * 3600 / burnRate));
        }
        if (burnRate > 1) {
            return Duration.ofSeconds(Math.round(3 * 86_400 / burnRate));
        }
        return null;
    }

    private static String workbook(double burnRate) {
        Duration d = workbookDetection(burnRate);
        return d == null ? "never" : d.toMinutes() + " min";
    }

    private static String minutes(long[] sorted) {
        return sorted.length == 0 ? "-" : sorted[sorted.length / 2] + " / " + sorted[sorted.length - 1] + " min";
    }

    /** Adds {@code n} latencies, log-normal with this median (ms) and sigma 0.5, to histogram buckets. */
    static void latencies(SplittableRandom random, long[] buckets, int n, double medianMs) {
        for (int i = 0; i < n; i++) {
            double gaussian = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
            buckets[LatencyHistogram.bucketOf(medianMs * Math.exp(0.5 * gaussian))]++;
        }
    }

    private static long[] histogram() {
        return new long[LatencyHistogram.BOUNDS_MS.length + 1];
    }

    /**
     * Latency canary analysis: both revisions with the same latency distribution, p99 compared with a margin of
     * 10 ms, minSamples 100; fractions of evaluations: naive (canary's p99 point above the baseline's by more than
     * the margin), ours Breached, ours confirmed (2 in a row).
     */
    static double[] falseLatencyFailures(double canaryShare, int requests, int evaluations, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int naive = 0;
        int breached = 0;
        int confirmed = 0;
        int streak = 0;
        for (int i = 0; i < evaluations; i++) {
            long[] canary = histogram();
            long[] base = histogram();
            int canaryN = (int) Math.round(requests * canaryShare);
            latencies(random, canary, canaryN, 20);
            latencies(random, base, requests - canaryN, 20);
            double pc = LatencyHistogram.quantile(canary, 0.99);
            double pb = LatencyHistogram.quantile(base, 0.99);
            naive += pc > pb + 10 ? 1 : 0;
            var r = RevisionComparison.judgeLatency("latencyP99Ms", 0.99, canary, base, 10, 0.95,
                    100);
            streak = r.state() == ObjectiveState.Breached ? streak + 1 : 0;
            breached += streak > 0 ? 1 : 0;
            confirmed += streak >= 2 ? 1 : 0;
        }
        return new double[] {naive / (double) evaluations, breached / (double) evaluations, confirmed / (double) evaluations};
    }

    /**
     * A canary 40% slower on a tenth of the traffic, p99 margin 10 ms: 500 requests per interval into a window that
     * keeps them all; per trial the requests (all, and the canary's) when the breach is confirmed, 0 when not within
     * 400 intervals.
     */
    static int[][] slowCanaryToDetect(int trials, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] requests = new int[trials];
        int[] canaryRequests = new int[trials];
        for (int t = 0; t < trials; t++) {
            long[] canary = histogram();
            long[] base = histogram();
            int streak = 0;
            for (int interval = 1; interval <= 400; interval++) {
                latencies(random, canary, 50, 28);
                latencies(random, base, 450, 20);
                var r = RevisionComparison.judgeLatency("latencyP99Ms", 0.99, canary, base, 10,
                        0.95, 100);
                streak = r.state() == ObjectiveState.Breached ? streak + 1 : 0;
                if (streak >= 2) {
                    requests[t] = interval * 500;
                    canaryRequests[t] = interval * 50;
                    break;
                }
            }
        }
        return new int[][] {requests, canaryRequests};
    }

    static final Objective DRIFT_MAX_010 = new Objective(MetricName.predictionDrift, null, 0.10);
    static final Objective PARITY_MAX_010 = new Objective(MetricName.statisticalParityDifference, null, 0.10);
    static final Objective OPPORTUNITY_MAX_010 = new Objective(MetricName.equalOpportunityDifference, null, 0.10);
    static final Objective OPPORTUNITY_MAX_005 = new Objective(MetricName.equalOpportunityDifference, null, 0.05);

    /**
     * Canary analysis: a new revision with {@code canaryShare} of the traffic against its baseline, both of true
     * accuracy {@code accuracy}, {@code labels} labels per window, margin 0.02, minSamples 100; 1,000 windows.
     * Fractions of evaluations: naive (canary point below baseline point by more than the margin), ours Breached,
     * ours confirmed (2 in a row).
     */
    static double[] falseCanaryFailures(double accuracy, double canaryShare, int labels, int evaluations, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int naive = 0;
        int breached = 0;
        int confirmed = 0;
        int streak = 0;
        for (int i = 0; i < evaluations; i++) {
            int canaryN = (int) Math.round(labels * canaryShare);
            int baseN = labels - canaryN;
            long canary = successes(random, accuracy, canaryN);
            long base = successes(random, accuracy, baseN);
            naive += (double) canary / canaryN < (double) base / baseN - 0.02 ? 1 : 0;
            var r = RevisionComparison.judge("accuracy", canary, canaryN, base, baseN, true, 0.02,
                    0.95, 100);
            streak = r.state() == ObjectiveState.Breached ? streak + 1 : 0;
            breached += streak > 0 ? 1 : 0;
            confirmed += streak >= 2 ? 1 : 0;
        }
        return new double[] {naive / (double) evaluations, breached / (double) evaluations, confirmed / (double) evaluations};
    }

    /**
     * A real 5-point drop (0.90 to 0.85) on a canary with 10% of the traffic, margin 0.02: 500 labels per interval
     * into a window that keeps them all; per trial the labels (all, and the canary's) when the breach is confirmed,
     * 0 when not within 400 intervals.
     */
    static int[][] canaryDropToDetect(int trials, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = new int[trials];
        int[] canaryLabels = new int[trials];
        for (int t = 0; t < trials; t++) {
            long canary = 0;
            long base = 0;
            int streak = 0;
            for (int interval = 1; interval <= 400; interval++) {
                canary += successes(random, 0.85, 50);
                base += successes(random, 0.90, 450);
                var r = RevisionComparison.judge("accuracy", canary, interval * 50L, base,
                        interval * 450L, true, 0.02, 0.95, 100);
                streak = r.state() == ObjectiveState.Breached ? streak + 1 : 0;
                if (streak >= 2) {
                    labels[t] = interval * 500;
                    canaryLabels[t] = interval * 50;
                    break;
                }
            }
        }
        return new int[][] {labels, canaryLabels};
    }

    private static long successes(SplittableRandom random, double p, int n) {
        long x = 0;
        for (int k = 0; k < n; k++) {
            x += random.nextDouble() < p ? 1 : 0;
        }
        return x;
    }

    /** One group's labelled predictions of a binary model: actual positives at 0.3, predicted positive by TPR and FPR. */
    static void group(SplittableRandom random, WindowCounts w, String name, int n, double tpr, double fpr) {
        long[] outcomes = new long[4]; // tp, fp, fn, tn
        for (int i = 0; i < n; i++) {
            boolean actual = random.nextDouble() < 0.3;
            boolean predicted = random.nextDouble() < (actual ? tpr : fpr);
            outcomes[actual ? (predicted ? 0 : 2) : (predicted ? 1 : 3)]++;
        }
        w.addPredictions(name, "1", outcomes[0] + outcomes[1]).addPredictions(name, "0", outcomes[2] + outcomes[3]);
        String[] names = {"tp", "fp", "fn", "tn"};
        for (int k = 0; k < 4; k++) {
            w.addSegmentLabels(name, names[k], outcomes[k]);
        }
        w.addLabelCell("1", "1", outcomes[0]).addLabelCell("1", "0", outcomes[1]).addLabelCell("0", "1", outcomes[2])
                .addLabelCell("0", "0", outcomes[3]);
    }

    /**
     * Fractions of evaluations of a model that treats every group alike (TPR 0.8, FPR 0.1, so a positive rate of
     * 0.31), {@code perGroup} labelled predictions per group per window: naive point SPD > 0.1, ours Breached on
     * SPD, naive point EOD > 0.1, ours Breached on EOD, ours confirmed (2 in a row) on either.
     */
    static double[] falseFairnessRates(int groups, int perGroup, int evaluations, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] counts = new int[5];
        int spdStreak = 0;
        int eodStreak = 0;
        for (int i = 0; i < evaluations; i++) {
            WindowCounts w = new WindowCounts();
            for (int g = 0; g < groups; g++) {
                group(random, w, "g" + g, perGroup, 0.8, 0.1);
            }
            WindowMetrics m = WindowMetrics.compute(w, SETTINGS, 60, null);
            counts[0] += m.fairness().statisticalParityDifference().estimate().value() > 0.10 ? 1 : 0;
            counts[2] += m.fairness().equalOpportunityDifference().estimate().value() > 0.10 ? 1 : 0;
            Evaluation e = Evaluation.of(List.of(PARITY_MAX_010, OPPORTUNITY_MAX_010), m, new Evaluation.Rules(30, 0.95, 2),
                    Map.of(PARITY_MAX_010.key(), spdStreak, OPPORTUNITY_MAX_010.key(), eodStreak));
            spdStreak = e.streaks().get(0);
            eodStreak = e.streaks().get(1);
            counts[1] += e.judgements().get(0).state() == ObjectiveState.Breached ? 1 : 0;
            counts[3] += e.judgements().get(1).state() == ObjectiveState.Breached ? 1 : 0;
            counts[4] += e.verdict() == Evaluation.Verdict.BREACHED ? 1 : 0;
        }
        return Arrays.stream(counts).mapToDouble(c -> c / (double) evaluations).toArray();
    }

    /**
     * A real 10-point gap in true-positive rate (0.8 against 0.7) on a group with 5% of the traffic, objective
     * equalOpportunityDifference <= 0.05; 500 labelled predictions per interval into a window that keeps them all.
     * Per trial: labels in the window when the breach is confirmed (2 in a row), and how many of them were the small
     * group's labelled positives; 0 when not confirmed within 400 intervals.
     */
    static int[][] fairnessToDetect(int trials, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = new int[trials];
        int[] minorPositives = new int[trials];
        for (int t = 0; t < trials; t++) {
            WindowCounts w = new WindowCounts();
            int streak = 0;
            for (int interval = 1; interval <= 400; interval++) {
                group(random, w, "major", 475, 0.8, 0.1);
                group(random, w, "minor", 25, 0.7, 0.1);
                WindowMetrics m = WindowMetrics.compute(w, SETTINGS, 60, null);
                Evaluation e = Evaluation.of(List.of(OPPORTUNITY_MAX_005), m, new Evaluation.Rules(30, 0.95, 2),
                        Map.of(OPPORTUNITY_MAX_005.key(), streak));
                streak = e.streaks().get(0);
                if (e.verdict() == Evaluation.Verdict.BREACHED) {
                    labels[t] = interval * 500;
                    minorPositives[t] = (int) m.segments().stream().filter(s -> s.name().equals("minor"))
                            .findFirst().orElseThrow().truePositiveRate().n();
                    break;
                }
            }
        }
        return new int[][] {labels, minorPositives};
    }

    /** Shares falling as 1/(i+1) over k classes: a few common classes and a tail of rare ones, as models have. */
    static double[] shares(int k) {
        double[] w = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            w[i] = 1.0 / (i + 1);
            sum += w[i];
        }
        for (int i = 0; i < k; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** Ten points moved from the largest class to the smallest. */
    static double[] shifted(double[] shares) {
        double[] s = shares.clone();
        s[0] -= 0.10;
        s[s.length - 1] += 0.10;
        return s;
    }

    static Map<String, Long> counts(double[] shares, long n) {
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < shares.length; i++) {
            m.put("c" + i, Math.round(shares[i] * n));
        }
        return m;
    }

    static Map<String, Long> sample(SplittableRandom random, double[] shares, int n) {
        long[] c = new long[shares.length];
        for (int j = 0; j < n; j++) {
            double u = random.nextDouble();
            int i = 0;
            while (i < shares.length - 1 && (u -= shares[i]) > 0) {
                i++;
            }
            c[i]++;
        }
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < c.length; i++) {
            if (c[i] > 0) {
                m.put("c" + i, c[i]);
            }
        }
        return m;
    }

    private static Evaluation judgeDrift(Map<String, Long> baseline, Map<String, Long> window, int streak) {
        WindowCounts w = new WindowCounts();
        window.forEach((c, n) -> w.addPredictions("none", c, n));
        WindowMetrics m = WindowMetrics.compute(w, SETTINGS, 60, baseline);
        return Evaluation.of(List.of(DRIFT_MAX_010), m, new Evaluation.Rules(200, 0.95, 2), Map.of(DRIFT_MAX_010.key(), streak));
    }

    /** Fractions of evaluations of an unchanged model: naive point PSI > 0.1, ours Breached, ours confirmed. */
    static double[] falseDriftRates(int classes, int n, int evaluations, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] shares = shares(classes);
        int naive = 0;
        int breached = 0;
        int confirmed = 0;
        int streak = 0;
        for (int i = 0; i < evaluations; i++) {
            Map<String, Long> baseline = sample(random, shares, n);
            Map<String, Long> window = sample(random, shares, n);
            naive += WindowMetrics.psi(baseline, window) > 0.10 ? 1 : 0;
            Evaluation e = judgeDrift(baseline, window, streak);
            streak = e.streaks().get(0);
            breached += e.judgements().get(0).state() == ObjectiveState.Breached ? 1 : 0;
            confirmed += e.verdict() == Evaluation.Verdict.BREACHED ? 1 : 0;
        }
        return new double[] {naive / (double) evaluations, breached / (double) evaluations, confirmed / (double) evaluations};
    }

    /** Predictions seen after the shift until the breach is confirmed, per trial (0: not within 200 intervals). */
    static int[] driftToDetect(int trials, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] before = shares(8);
        double[] after = shifted(before);
        int[] result = new int[trials];
        for (int t = 0; t < trials; t++) {
            Map<String, Long> baseline = sample(random, before, 5000);
            List<Map<String, Long>> slices = new ArrayList<>();
            int streak = 0;
            for (int i = 1; i <= 200; i++) {
                slices.add(sample(random, after, 100));
                if (slices.size() > 10) {
                    slices.remove(0);
                }
                Map<String, Long> window = new HashMap<>();
                slices.forEach(slice -> slice.forEach((c, n) -> window.merge(c, n, Long::sum)));
                Evaluation e = judgeDrift(baseline, window, streak);
                streak = e.streaks().get(0);
                if (e.verdict() == Evaluation.Verdict.BREACHED) {
                    result[t] = i * 100;
                    break;
                }
            }
        }
        return result;
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

package io.modelmonitor.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.evaluation.Evaluation;
import io.modelmonitor.evaluation.Objective;
import io.modelmonitor.metrics.CollectorSnapshot;
import io.modelmonitor.metrics.LatencyHistogram;
import io.modelmonitor.metrics.MonitorWindow;
import io.modelmonitor.metrics.WindowMetrics;

/**
 * 1,000 monitors x 5 simulated collectors, evaluated every cycle on one thread: the whole evaluation path after
 * the HTTP reads (deltas, sliding window of 10 slices, metrics with intervals, judgements). Reports cycle time
 * and the heap held afterwards. Deterministic (seed 42). Run: see src/bench/BENCHMARKS.md.
 */
public final class ScaleBenchmark {

    public static void main(String... args) {
        int monitors = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int collectors = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        SplittableRandom random = new SplittableRandom(42);
        List<MonitorWindow> windows = new ArrayList<>();
        List<Map<String, Integer>> streaks = new ArrayList<>();
        long[][][] state = new long[monitors][collectors][]; // cumulative counters per simulated collector
        for (int m = 0; m < monitors; m++) {
            windows.add(new MonitorWindow(300_000));
            streaks.add(new HashMap<>());
            for (int c = 0; c < collectors; c++) {
                state[m][c] = new long[LatencyHistogram.BOUNDS_MS.length + 1 + 8];
            }
        }
        List<Objective> objectives = List.of(new Objective(MetricName.accuracy, 0.9, null),
                new Objective(MetricName.recall, 0.8, null), new Objective(MetricName.latencyP99Ms, null, 250.0),
                new Objective(MetricName.errorRate, null, 0.01), new Objective(MetricName.segmentAccuracyGap, null, 0.1));
        Evaluation.Rules rules = new Evaluation.Rules(200, 0.95, 2);
        WindowMetrics.Settings settings = new WindowMetrics.Settings(true, true, "1", 0.95, 200);
        long[] cycleNanos = new long[cycles];
        long now = 1_000_000;
        int breached = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            now += 30_000;
            List<List<CollectorSnapshot>> reads = new ArrayList<>();
            for (int m = 0; m < monitors; m++) {
                List<CollectorSnapshot> snapshots = new ArrayList<>(collectors);
                for (int c = 0; c < collectors; c++) {
                    snapshots.add(advance(state[m][c], "m" + m + "-c" + c, random, now));
                }
                reads.add(snapshots);
            }
            long start = System.nanoTime();
            breached = 0;
            for (int m = 0; m < monitors; m++) {
                MonitorWindow w = windows.get(m);
                w.advance(reads.get(m), Set.of(), now, "1", 300_000);
                WindowMetrics metrics = WindowMetrics.compute(w.counts(), settings, w.coveredSeconds(now), null);
                Evaluation e = Evaluation.of(objectives, metrics, rules, streaks.get(m));
                for (int i = 0; i < objectives.size(); i++) {
                    streaks.get(m).put(objectives.get(i).key(), e.streaks().get(i));
                }
                breached += e.verdict() == Evaluation.Verdict.BREACHED ? 1 : 0;
            }
            cycleNanos[cycle] = System.nanoTime() - start;
        }
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long[] sorted = cycleNanos.clone();
        Arrays.sort(sorted);
        long steady = sorted[sorted.length / 2];
        System.out.printf(Locale.ROOT, "monitors=%d collectors/monitor=%d cycles=%d%n", monitors, collectors, cycles);
        System.out.printf(Locale.ROOT, "cycle time: first %.0f ms, median %.0f ms, max %.0f ms (one thread)%n",
                cycleNanos[0] / 1e6, steady / 1e6, sorted[sorted.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "heap used after the run (after GC): %.1f MiB, max heap %.0f MiB%n", heap / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0);
        System.out.printf(Locale.ROOT, "monitors breached in the last cycle: %d (sanity: the simulated models are 93%% accurate)%n",
                breached);
    }

    /** One collector's cumulative counters after ~30 s of 20 req/s, 2 segments, 93% accuracy, some 5xx. */
    private static CollectorSnapshot advance(long[] s, String name, SplittableRandom random, long now) {
        int b = LatencyHistogram.BOUNDS_MS.length + 1;
        int requests = 600;
        for (int i = 0; i < requests; i++) {
            s[LatencyHistogram.bucketOf(5 + random.nextDouble() * 40 * random.nextDouble())]++;
        }
        s[b] += requests - 3; // 2xx
        s[b + 1] += 3; // 5xx
        for (int i = 0; i < requests / 2; i++) { // labels: half the predictions get one
            boolean correct = random.nextDouble() < 0.93;
            boolean positive = random.nextDouble() < 0.3;
            int segment = random.nextInt(2);
            s[b + 2 + segment * 3 + (correct ? (positive ? 0 : 1) : 2)]++;
        }
        Map<String, Long> req = Map.of("2xx", s[b], "5xx", s[b + 1]);
        long[] latency = Arrays.copyOf(s, b);
        Map<String, Map<String, Long>> predictions = new HashMap<>();
        List<CollectorSnapshot.SegmentLabelCount> segmentLabels = new ArrayList<>();
        long tp = 0;
        long tn = 0;
        long fp = 0;
        for (int seg = 0; seg < 2; seg++) {
            String name2 = seg == 0 ? "eu" : "us";
            segmentLabels.add(new CollectorSnapshot.SegmentLabelCount(name2, "tp", s[b + 2 + seg * 3]));
            segmentLabels.add(new CollectorSnapshot.SegmentLabelCount(name2, "tn", s[b + 3 + seg * 3]));
            segmentLabels.add(new CollectorSnapshot.SegmentLabelCount(name2, "fp", s[b + 4 + seg * 3]));
            tp += s[b + 2 + seg * 3];
            tn += s[b + 3 + seg * 3];
            fp += s[b + 4 + seg * 3];
            predictions.put(name2, Map.of("1", s[b + 2 + seg * 3] + s[b + 4 + seg * 3], "0", s[b + 3 + seg * 3]));
        }
        List<CollectorSnapshot.LabelCount> labels = List.of(new CollectorSnapshot.LabelCount("1", "1", tp),
                new CollectorSnapshot.LabelCount("0", "0", tn), new CollectorSnapshot.LabelCount("1", "0", fp));
        return new CollectorSnapshot(name, "i1", 0, now, "binary-classification", req, latency, 0, Map.of(),
                predictions, labels, segmentLabels, new CollectorSnapshot.Regression(0, 0, 0), Map.of(), 0, 0, 0, null, null, null);
    }
}

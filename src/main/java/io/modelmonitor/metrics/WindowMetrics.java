package io.modelmonitor.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * The metrics of one window, each proportion with its confidence interval and sample size. Pure arithmetic over
 * {@link WindowCounts}; no state, no Kubernetes.
 */
public record WindowMetrics(
        long requests,
        long predictions,
        long labels,
        Estimate accuracy,
        Estimate precision,
        Estimate recall,
        Estimate f1,
        Estimate errorRate,
        Estimate labelCoverage,
        double throughputRps,
        Estimate latencyP50Ms,
        Estimate latencyP95Ms,
        Estimate latencyP99Ms,
        List<Segment> segments,
        Estimate segmentAccuracyGap,
        Estimate predictionDrift,
        List<ClassScores> classes,
        Estimate mae,
        Estimate rmse,
        GroupFairness fairness,
        long[] latencyBuckets,
        InputMetrics inputs,
        PerformanceEstimate estimated,
        GenerationMetrics generation,
        ExpectedCost cost) {

    /**
     * One group's figures: its predictions and labels, the share of its predictions that are the positive class
     * (one-vs-rest of positiveLabel for multiclass), its accuracy and, for binary tasks, its true-positive rate,
     * false-positive rate and precision; each proportion with its interval and n (null where undefined); for
     * multiclass tasks its predictions by class, the shares of which the positive rate is one.
     */
    public record Segment(String name, long predictions, long labels, Estimate positiveRate, Estimate accuracy,
            Estimate truePositiveRate, Estimate falsePositiveRate, Estimate precision, Map<String, Long> predictedClasses) {
    }

    /**
     * The comparisons across groups the fairness objectives judge (see {@link Fairness}); the accuracy gap is the
     * record's segmentAccuracyGap. Null members where the task does not define them (TPR and FPR need a binary task).
     */
    public record GroupFairness(Fairness.Comparison accuracyGap, Fairness.Comparison statisticalParityDifference,
            Fairness.Comparison disparateImpactRatio, Fairness.Comparison equalOpportunityDifference,
            Fairness.Comparison equalizedOddsDifference) {
    }

    public record ClassScores(String name, Estimate precision, Estimate recall, double f1) {
    }

    /** What to compute and how sure to be. */
    public record Settings(boolean classification, boolean binary, String positiveLabel, double confidence,
            long minSegmentSamples, String referenceSegment, ExpectedCost.Costs costs) {

        public Settings(boolean classification, boolean binary, String positiveLabel, double confidence, long minSegmentSamples) {
            this(classification, binary, positiveLabel, confidence, minSegmentSamples, null, null);
        }

        public Settings(boolean classification, boolean binary, String positiveLabel, double confidence,
                long minSegmentSamples, String referenceSegment) {
            this(classification, binary, positiveLabel, confidence, minSegmentSamples, referenceSegment, null);
        }
    }

    public static WindowMetrics compute(WindowCounts counts, Settings s, double coveredSeconds, Map<String, Long> driftBaseline) {
        return compute(counts, s, coveredSeconds, driftBaseline, null, null);
    }

    /**
     * As above, with the figures of the model's inputs against {@code reference} (null: no reference, quality
     * figures only); no input figures when the window has no input counts at all.
     */
    public static WindowMetrics compute(WindowCounts counts, Settings s, double coveredSeconds, Map<String, Long> driftBaseline,
            ReferenceProfile reference, String referenceProblem) {
        WindowMetrics m = computeOutputs(counts, s, coveredSeconds, driftBaseline);
        InputCounts in = counts.inputs();
        InputMetrics inputs = in.features().isEmpty() && in.requests() == 0 ? null
                : InputMetrics.compute(in, reference, referenceProblem, s.confidence());
        PerformanceEstimate estimated = counts.scores() == null || !s.binary() ? null
                : PerformanceEstimate.compute(counts.scores(), reference == null ? null : reference.scores(), inputs,
                        s.confidence());
        GenerationMetrics generation = counts.generation().isEmpty() ? null
                : GenerationMetrics.compute(counts.generation(), s.confidence(), s.minSegmentSamples(), s.referenceSegment());
        ExpectedCost cost = s.costs() == null || !s.binary() ? null : ExpectedCost.of(s.costs(), m.errors(),
                estimated == null ? null : estimated.errors(),
                coveredSeconds > 0 ? m.predictions / coveredSeconds : Double.NaN, s.confidence());
        if (inputs == null && estimated == null && generation == null && cost == null) {
            return m;
        }
        return new WindowMetrics(m.requests, m.predictions, m.labels, m.accuracy, m.precision, m.recall, m.f1,
                m.errorRate, m.labelCoverage, m.throughputRps, m.latencyP50Ms, m.latencyP95Ms, m.latencyP99Ms, m.segments,
                m.segmentAccuracyGap, m.predictionDrift, m.classes, m.mae, m.rmse, m.fairness, m.latencyBuckets, inputs,
                estimated, generation, cost);
    }

    /**
     * A binary task's labelled false positives and negatives, recovered from precision (true positives of the
     * predicted positives) and recall (of the labelled positives); null for other tasks or without labels.
     */
    public ExpectedCost.Errors errors() {
        if (precision == null || recall == null || labels == 0 || !classes.isEmpty()) {
            return null;
        }
        long predictedPositive = precision.n();
        long truePositive = predictedPositive == 0 ? 0 : Math.round(precision.value() * predictedPositive);
        return new ExpectedCost.Errors(predictedPositive - truePositive, recall.n() - truePositive, labels);
    }

    private static WindowMetrics computeOutputs(WindowCounts counts, Settings s, double coveredSeconds,
            Map<String, Long> driftBaseline) {
        Set<String> keep = new HashSet<>();
        keep.add(s.positiveLabel() == null ? "" : s.positiveLabel());
        if (s.referenceSegment() != null) {
            keep.add(s.referenceSegment());
        }
        WindowCounts w = counts.withNamesBounded(WindowCounts.MAX_NAMES, keep);
        long requests = w.requests();
        long predictions = w.predictionCount();
        Estimate errorRate = Intervals.wilson(w.failedRequests(), requests, s.confidence());
        long[] latency = w.latency();
        double throughput = coveredSeconds > 0 ? requests / coveredSeconds : Double.NaN;
        Estimate p50 = Intervals.quantile(latency, 0.50, s.confidence());
        Estimate p95 = Intervals.quantile(latency, 0.95, s.confidence());
        Estimate p99 = Intervals.quantile(latency, 0.99, s.confidence());
        Estimate drift = driftBaseline == null || driftBaseline.isEmpty() || predictions == 0 ? null
                : psiEstimate(driftBaseline, w.predictedClasses(), s.confidence());
        if (!s.classification()) {
            long n = w.regressionLabels();
            Estimate coverage = Intervals.wilson(Math.min(n, predictions), predictions, s.confidence());
            return new WindowMetrics(requests, predictions, n, null, null, null, null, errorRate, coverage, throughput,
                    p50, p95, p99, List.of(), null, null, List.of(), mae(w, s.confidence()),
                    n == 0 ? null : Estimate.point(Math.sqrt(w.squaredErrorSum() / n), n), null, latency.clone(), null, null, null,
                    null);
        }
        long labels = 0;
        long correct = 0;
        Map<String, long[]> bySegment = new TreeMap<>();
        Map<String, long[]> byClass = new TreeMap<>(); // [tp, predicted, actual]
        for (var e : w.labels().entrySet()) {
            WindowCounts.Cell cell = e.getKey();
            long n = e.getValue();
            boolean hit = cell.predicted().equals(cell.actual());
            labels += n;
            correct += hit ? n : 0;
            byClass.computeIfAbsent(cell.predicted(), k -> new long[3])[1] += n;
            byClass.computeIfAbsent(cell.actual(), k -> new long[3])[2] += n;
            if (hit) {
                byClass.get(cell.predicted())[0] += n;
            }
        }
        for (var e : w.segmentLabels().entrySet()) {
            // [correct, labels, tp, fp, fn, tn]
            long[] seg = bySegment.computeIfAbsent(e.getKey().segment(), k -> new long[6]);
            seg[0] += e.getKey().correct() ? e.getValue() : 0;
            seg[1] += e.getValue();
            int outcome = switch (e.getKey().outcome()) {
                case "tp" -> 2;
                case "fp" -> 3;
                case "fn" -> 4;
                case "tn" -> 5;
                default -> -1;
            };
            if (outcome > 0) {
                seg[outcome] += e.getValue();
            }
        }
        Map<String, long[]> predictedBySegment = new TreeMap<>(); // [positive, all]
        w.predictions().forEach((segment, byClassCount) -> byClassCount.forEach((cls, n) -> {
            long[] p = predictedBySegment.computeIfAbsent(segment, k -> new long[2]);
            p[0] += cls.equals(s.positiveLabel()) ? n : 0;
            p[1] += n;
        }));
        Estimate accuracy = Intervals.wilson(correct, labels, s.confidence());
        Estimate coverage = Intervals.wilson(Math.min(labels, predictions), predictions, s.confidence());
        List<ClassScores> classes = new ArrayList<>();
        byClass.forEach((name, c) -> {
            Estimate precision = Intervals.wilson(c[0], c[1], s.confidence());
            Estimate recall = Intervals.wilson(c[0], c[2], s.confidence());
            classes.add(new ClassScores(name, precision, recall, harmonic(precision.value(), recall.value())));
        });
        Estimate precision;
        Estimate recall;
        Estimate f1;
        if (s.binary()) {
            long[] positive = byClass.getOrDefault(s.positiveLabel(), new long[3]);
            precision = Intervals.wilson(positive[0], positive[1], s.confidence());
            recall = Intervals.wilson(positive[0], positive[2], s.confidence());
            f1 = f1(precision, recall, labels);
        } else {
            precision = macro(classes, ClassScores::precision, labels);
            recall = macro(classes, ClassScores::recall, labels);
            f1 = macroF1(classes, labels);
        }
        List<Segment> segments = new ArrayList<>();
        Set<String> names = new TreeSet<>(bySegment.keySet());
        names.addAll(predictedBySegment.keySet());
        for (String name : names) {
            long[] c = bySegment.getOrDefault(name, new long[6]);
            long[] p = predictedBySegment.getOrDefault(name, new long[2]);
            double conf = s.confidence();
            segments.add(new Segment(name, p[1], c[1], p[1] == 0 ? null : Intervals.wilson(p[0], p[1], conf),
                    c[1] == 0 ? null : Intervals.wilson(c[0], c[1], conf),
                    !s.binary() || c[2] + c[4] == 0 ? null : Intervals.wilson(c[2], c[2] + c[4], conf),
                    !s.binary() || c[3] + c[5] == 0 ? null : Intervals.wilson(c[3], c[3] + c[5], conf),
                    !s.binary() || c[2] + c[3] == 0 ? null : Intervals.wilson(c[2], c[2] + c[3], conf),
                    s.binary() || !w.predictions().containsKey(name) ? null : new TreeMap<>(w.predictions().get(name))));
        }
        GroupFairness fairness = fairness(segments, s);
        return new WindowMetrics(requests, predictions, labels, accuracy, precision, recall, f1, errorRate, coverage,
                throughput, p50, p95, p99, segments, fairness.accuracyGap().estimate(), drift,
                s.binary() ? List.of() : classes, null, null, fairness, latency.clone(), null, null, null, null);
    }

    /** Each fairness comparison over the groups, with simultaneous intervals (see {@link Fairness}). */
    static GroupFairness fairness(List<Segment> segments, Settings s) {
        double conf = s.confidence();
        long min = s.minSegmentSamples();
        String ref = s.referenceSegment();
        Fairness.Comparison accuracyGap = Fairness.largestDifference(rates(segments, Segment::accuracy), ref, conf, min);
        List<Fairness.Rate> positive = rates(segments, Segment::positiveRate);
        Fairness.Comparison spd = Fairness.largestDifference(positive, ref, conf, min);
        Fairness.Comparison dir = Fairness.lowestRatio(positive, ref, conf, min);
        if (!s.binary()) {
            return new GroupFairness(accuracyGap, spd, dir, null, null);
        }
        Fairness.Comparison eod = Fairness.largestDifference(rates(segments, Segment::truePositiveRate), ref, conf, min);
        Fairness.Comparison fprGap = Fairness.largestDifference(rates(segments, Segment::falsePositiveRate), ref, conf, min);
        return new GroupFairness(accuracyGap, spd, dir, eod, Fairness.larger(eod, fprGap));
    }

    /**
     * The counts behind one rate of every group (x recovered from the proportion and its n); a group without the
     * rate yet counts as 0 of 0, so that it is listed as short of samples rather than left out.
     */
    private static List<Fairness.Rate> rates(List<Segment> segments, Function<Segment, Estimate> rate) {
        List<Fairness.Rate> rates = new ArrayList<>();
        for (Segment segment : segments) {
            Estimate e = rate.apply(segment);
            rates.add(e == null || e.n() == 0 ? new Fairness.Rate(segment.name(), 0, 0)
                    : new Fairness.Rate(segment.name(), Math.round(e.value() * e.n()), e.n()));
        }
        return rates;
    }

    /**
     * F1 with bounds from the bounds of precision and recall: F1 grows with both, so the harmonic mean of the
     * lower (upper) bounds bounds it from below (above). Conservative rather than exact.
     */
    static Estimate f1(Estimate precision, Estimate recall, long n) {
        if (precision.n() == 0 || recall.n() == 0) {
            return new Estimate(Double.NaN, 0, 1, 0);
        }
        return new Estimate(harmonic(precision.value(), recall.value()), harmonic(precision.lower(), recall.lower()),
                harmonic(precision.upper(), recall.upper()), n);
    }

    private static double harmonic(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.NaN;
        }
        return a + b == 0 ? 0 : 2 * a * b / (a + b);
    }

    /** Macro average over the classes that occur, with the average of their bounds. */
    private static Estimate macro(List<ClassScores> classes, Function<ClassScores, Estimate> f, long n) {
        List<Estimate> defined = classes.stream().map(f).filter(e -> e.n() > 0).toList();
        if (defined.isEmpty()) {
            return new Estimate(Double.NaN, 0, 1, 0);
        }
        return new Estimate(defined.stream().mapToDouble(Estimate::value).average().orElseThrow(),
                defined.stream().mapToDouble(Estimate::lower).average().orElseThrow(),
                defined.stream().mapToDouble(Estimate::upper).average().orElseThrow(), n);
    }

    private static Estimate macroF1(List<ClassScores> classes, long n) {
        List<Estimate> perClass = classes.stream().map(c -> f1(c.precision(), c.recall(), n))
                .filter(e -> !Double.isNaN(e.value())).toList();
        if (perClass.isEmpty()) {
            return new Estimate(Double.NaN, 0, 1, 0);
        }
        return new Estimate(perClass.stream().mapToDouble(Estimate::value).average().orElseThrow(),
                perClass.stream().mapToDouble(Estimate::lower).average().orElseThrow(),
                perClass.stream().mapToDouble(Estimate::upper).average().orElseThrow(), n);
    }

    /**
     * Population stability index, sum over classes of (a - e) * ln(a / e) with a and e the current and expected
     * shares; empty classes count as a share of 1e-4 so that a new or vanished class gives a large but finite
     * value. Reference: Siddiqi, Credit Risk Scorecards (Wiley, 2006), ch. 8; rule of thumb: below 0.1 stable,
     * 0.1-0.25 a shift worth a look, above 0.25 a significant shift.
     */
    public static double psi(Map<String, Long> expected, Map<String, Long> actual) {
        double eTotal = expected.values().stream().mapToLong(Long::longValue).sum();
        double aTotal = actual.values().stream().mapToLong(Long::longValue).sum();
        Set<String> classes = new HashSet<>(expected.keySet());
        classes.addAll(actual.keySet());
        double psi = 0;
        for (String c : classes) {
            double e = Math.max(expected.getOrDefault(c, 0L) / eTotal, 1e-4);
            double a = Math.max(actual.getOrDefault(c, 0L) / aTotal, 1e-4);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /**
     * The PSI between the baseline's and the window's class shares, judged with its sampling noise. With k classes
     * and n, m predictions, two samples of one and the same distribution give N·PSI ~ chi-square(k-1), N = 1/(1/n +
     * 1/m) (PSI is the symmetric Kullback-Leibler divergence; Yurdakul, "Statistical properties of the population
     * stability index", 2018), so noise alone makes PSI about (k-1)/N: 0.31 for 32 classes and 200 predictions each.
     * A real shift makes N·PSI noncentral chi-square with noncentrality N·PSI_true; the interval inverts that
     * (Pearson's two-moment approximation with the Wilson-Hilferty quantile, solved by bisection), and the value is
     * the observed PSI less its expected noise. The objective is Breached only when the interval's lower end exceeds
     * the bound, so noise does not breach it, however many classes and however few predictions.
     */
    public static Estimate psiEstimate(Map<String, Long> expected, Map<String, Long> actual, double confidence) {
        long n = actual.values().stream().mapToLong(Long::longValue).sum();
        long m = expected.values().stream().mapToLong(Long::longValue).sum();
        Set<String> classes = new HashSet<>(expected.keySet());
        classes.addAll(actual.keySet());
        int df = classes.size() - 1;
        // Half a prediction added to every class of both (Jeffreys): a class a small window happens to miss would
        // otherwise weigh ln(share / 1e-4), far more than the noise it is.
        Map<String, Double> e = new HashMap<>();
        Map<String, Double> a = new HashMap<>();
        for (String c : classes) {
            e.put(c, expected.getOrDefault(c, 0L) + 0.5);
            a.put(c, actual.getOrDefault(c, 0L) + 0.5);
        }
        double observed = psiOfWeights(e, a);
        if (df < 1 || n == 0 || m == 0) {
            return new Estimate(observed, observed, observed, n);
        }
        double scale = 1.0 / (1.0 / n + 1.0 / m);
        double t = scale * observed;
        double tail = (1 - confidence) / 2;
        double lower = noncentrality(t, df, 1 - tail) / scale;
        double upper = Math.max(lower, noncentrality(t, df, tail) / scale);
        double value = Math.min(upper, Math.max(lower, observed - df / scale));
        return new Estimate(value, lower, upper, n);
    }

    private static double psiOfWeights(Map<String, Double> expected, Map<String, Double> actual) {
        double eTotal = expected.values().stream().mapToDouble(Double::doubleValue).sum();
        double aTotal = actual.values().stream().mapToDouble(Double::doubleValue).sum();
        double psi = 0;
        for (String c : expected.keySet()) {
            double e = expected.get(c) / eTotal;
            double a = actual.get(c) / aTotal;
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /** The noncentrality at which t is the p-quantile of a noncentral chi-square with df degrees (0 if none is). */
    static double noncentrality(double t, int df, double p) {
        if (chiSquareQuantile(df, 0, p) >= t) {
            return 0;
        }
        double low = 0;
        double high = Math.max(1, t);
        while (chiSquareQuantile(df, high, p) < t) {
            high *= 2;
        }
        for (int i = 0; i < 100 && high - low > 1e-9 * Math.max(1, high); i++) {
            double mid = (low + high) / 2;
            if (chiSquareQuantile(df, mid, p) < t) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return (low + high) / 2;
    }

    /** The p-quantile of a chi-square with df degrees and noncentrality lambda, by Pearson and Wilson-Hilferty. */
    static double chiSquareQuantile(int df, double lambda, double p) {
        double c = (df + 2 * lambda) / (df + lambda);
        double nu = (df + lambda) * (df + lambda) / (df + 2 * lambda);
        double a = 2 / (9 * nu);
        double base = 1 - a + Intervals.inverseNormal(p) * Math.sqrt(a);
        return base <= 0 ? 0 : c * nu * base * base * base;
    }

    /** Mean absolute error with a normal-approximation interval; its variance comes from the squared errors. */
    static Estimate mae(WindowCounts w, double confidence) {
        long n = w.regressionLabels();
        if (n == 0) {
            return null;
        }
        double mae = w.absoluteErrorSum() / n;
        double variance = Math.max(0, w.squaredErrorSum() / n - mae * mae);
        double half = Intervals.z(confidence) * Math.sqrt(variance / n);
        return new Estimate(mae, Math.max(0, mae - half), mae + half, n);
    }
}

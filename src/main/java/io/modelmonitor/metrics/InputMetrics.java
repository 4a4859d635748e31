package io.modelmonitor.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * The figures of what a model was fed over one window: per feature, its drift from the reference, its missing,
 * wrong-type and unseen rates; over all requests, the share whose shape did not match. Every interval of a
 * per-feature figure is simultaneous over the window's features (Bonferroni: each at 1 - (1 - confidence) / k), so
 * a monitor with a hundred stable features is as unlikely to see one of them breach as a monitor with one.
 *
 * <p>Drift is the Jensen-Shannon distance (base 2, in [0, 1]) between the reference's and the window's counts in
 * the same bins (the reference's deciles, or its categories plus "other"). A finite window drawn from the
 * reference's own distribution still shows a distance: 8 x the divergence (in nats) / (1/n + 1/m) is then
 * chi-square with bins - 1 degrees of freedom (the two-sample chi-square statistic it approximates). The interval
 * takes that noise off and on: its lower end is the distance left after the noise's (simultaneous) upper quantile,
 * its upper end the distance with it added. Pure arithmetic; no state. {@code distributions} is false when the window
 * came from a source of counters only (Prometheus), which never has the features' sketches.
 */
public record InputMetrics(long requests, long rows, Estimate schemaViolationRate, List<FeatureFigures> features,
        boolean reference, String referenceProblem, boolean distributions) {

    /**
     * One feature's figures; null members where they cannot be had (no reference, or no value on one side).
     *
     * @param unseenRate numerical: the share of values outside the reference's range; categorical: the share of
     *        categories the reference does not have
     * @param psi the population stability index on the same bins, for those who know drift by it
     */
    public record FeatureFigures(String name, String type, long rows, long referenceValues, Estimate drift, Double psi,
            Estimate missingRate, Estimate wrongTypeRate, Estimate unseenRate) {
    }

    /** @param referenceProblem why there is no reference, where one was named but cannot be used */
    public static InputMetrics compute(InputCounts window, ReferenceProfile reference, String referenceProblem,
            double confidence) {
        int k = Math.max(1, window.features().size());
        double each = 1 - (1 - confidence) / k;
        List<FeatureFigures> figures = new ArrayList<>();
        for (Map.Entry<String, InputCounts.Feature> e : window.features().entrySet()) {
            InputCounts.Feature f = e.getValue();
            ReferenceProfile.Feature ref = reference == null ? null : reference.features().get(e.getKey());
            Estimate drift = null;
            Double psi = null;
            Estimate unseen = null;
            if (ref != null && ref.type().equals(f.type()) && f.sketch() != null && f.sketch().n() > 0
                    && ref.sketch().n() > 0) {
                double[][] bins = ref.sketch().binnedWith(f.sketch());
                drift = drift(bins[0], bins[1], each);
                psi = psi(bins[0], bins[1]);
                double share = ref.sketch().unseenShare(f.sketch());
                long n = f.sketch().n();
                unseen = Double.isNaN(share) ? null : Intervals.wilson(Math.round(share * n), n, each);
            }
            figures.add(new FeatureFigures(e.getKey(), f.type(), f.rows(), ref == null ? 0 : ref.sketch().n(), drift, psi,
                    f.rows() == 0 ? null : Intervals.wilson(f.missing(), f.rows(), each),
                    f.rows() == 0 ? null : Intervals.wilson(f.wrongType(), f.rows(), each), unseen));
        }
        figures.sort(STRONGEST_FIRST);
        Estimate schema = window.requests() == 0 ? null
                : Intervals.wilson(window.schemaViolations(), window.requests(), confidence);
        return new InputMetrics(window.requests(), window.rows(), schema, List.copyOf(figures), reference != null,
                referenceProblem, !window.countersOnly());
    }

    /** The drifted ones first (by the lower end of their drift), then the worst missing rate, then by name. */
    static final Comparator<FeatureFigures> STRONGEST_FIRST = Comparator
            .comparingDouble((FeatureFigures f) -> f.drift() == null ? -1 : f.drift().lower()).reversed()
            .thenComparing(Comparator.comparingDouble((FeatureFigures f) -> f.missingRate() == null ? -1
                    : f.missingRate().value()).reversed())
            .thenComparing(FeatureFigures::name);

    /**
     * The Jensen-Shannon distance of two count vectors with its noise-aware interval at {@code confidence}
     * (one-sided: the noise only ever adds distance).
     */
    public static Estimate drift(double[] reference, double[] current, double confidence) {
        double m = sum(reference);
        double n = sum(current);
        double divergence = divergence(reference, current);
        double value = Math.sqrt(divergence / Math.log(2));
        int df = reference.length - 1;
        if (df < 1 || n <= 0 || m <= 0) {
            return new Estimate(value, value, value, Math.round(n));
        }
        double noise = chiSquareQuantile(confidence, df) * (1 / n + 1 / m) / 8;
        double lower = Math.sqrt(Math.max(0, divergence - noise) / Math.log(2));
        double upper = Math.min(1, Math.sqrt((divergence + noise) / Math.log(2)));
        return new Estimate(value, lower, upper, Math.round(n));
    }

    /** The Jensen-Shannon divergence in nats. */
    static double divergence(double[] p, double[] q) {
        double sp = sum(p);
        double sq = sum(q);
        double divergence = 0;
        for (int i = 0; i < p.length; i++) {
            double a = p[i] / sp;
            double b = q[i] / sq;
            double mid = (a + b) / 2;
            divergence += (a > 0 ? a * Math.log(a / mid) : 0) / 2 + (b > 0 ? b * Math.log(b / mid) : 0) / 2;
        }
        return Math.max(0, divergence);
    }

    /** Population stability index; an empty bin counts as 1e-4, as Evidently and NannyML do. */
    static double psi(double[] reference, double[] current) {
        double m = sum(reference);
        double n = sum(current);
        double psi = 0;
        for (int i = 0; i < reference.length; i++) {
            double e = Math.max(reference[i] / m, 1e-4);
            double a = Math.max(current[i] / n, 1e-4);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /**
     * The chi-square quantile by Wilson and Hilferty's cube-root approximation (1931): within a few percent of the
     * tabulated values in the upper tail (InputMetricsTest checks it), and closed-form for a thousand monitors.
     */
    public static double chiSquareQuantile(double p, int df) {
        double z = Intervals.inverseNormal(p);
        double a = 2.0 / (9 * df);
        double cube = 1 - a + z * Math.sqrt(a);
        return df * Math.max(0, cube * cube * cube);
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}

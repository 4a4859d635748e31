package io.modelmonitor.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.modelmonitor.metrics.Intervals.Estimate;

/**
 * Gaps and ratios of one rate across groups (segments), judged with simultaneous intervals: with m comparisons
 * (every pair of groups, or each group against a reference group) each pairwise interval is computed at confidence
 * {@code 1 - (1 - confidence) / m} (Bonferroni), so that all of them hold together with the stated confidence and
 * more groups do not mean more false alarms. A group with fewer than {@code minSamples} observations of the rate
 * takes no part in the comparison and is listed as {@link Comparison#insufficient()}, never dropped silently.
 * <ul>
 * <li>the largest difference, max |p_i - p_j|, with Newcombe's hybrid score interval for each difference
 * ({@link Intervals#difference}): |d| lies in [max(0, L, -U), max(|L|, |U|)] when d lies in [L, U], and the
 * largest |d| between the largest lower and the largest upper end;</li>
 * <li>the lowest ratio, min over pairs of min(p_i / p_j, p_j / p_i) (or p_i / p_ref), with the Katz log interval
 * for a ratio of independent proportions, ln(p1/p2) ± z·sqrt((1-p1)/x1 + (1-p2)/x2), a half added to an empty
 * count (Katz, Baptista, Azen and Pike, Biometrics 34:469-474, 1978).</li>
 * </ul>
 * Pure arithmetic over counts; no state, no Kubernetes.
 */
public final class Fairness {

    /** One group's count of a rate: {@code x} of {@code n} (e.g. positive predictions of all its predictions). */
    public record Rate(String group, long x, long n) {

        double p() {
            return n == 0 ? Double.NaN : (double) x / n;
        }
    }

    /**
     * A comparison across groups: the estimate (null when fewer than two groups can be compared), the two groups
     * that make its value ({@code first} the higher rate for a difference, the lower for a ratio), and the groups
     * left out for want of samples.
     */
    public record Comparison(Estimate estimate, String first, String second, List<String> insufficient) {
    }

    private Fairness() {
    }

    /** The largest difference of the rate between two groups, or between a group and {@code reference} when set. */
    public static Comparison largestDifference(List<Rate> rates, String reference, double confidence, long minSamples) {
        return compare(rates, reference, confidence, minSamples, false);
    }

    /** The lowest ratio of the rate between two groups, or of a group to {@code reference} when set. */
    public static Comparison lowestRatio(List<Rate> rates, String reference, double confidence, long minSamples) {
        return compare(rates, reference, confidence, minSamples, true);
    }

    /** The larger of two differences (equalized odds: the TPR gap and the FPR gap); its interval is the larger's. */
    public static Comparison larger(Comparison a, Comparison b) {
        List<String> insufficient = new ArrayList<>(a.insufficient());
        b.insufficient().stream().filter(g -> !insufficient.contains(g)).forEach(insufficient::add);
        if (a.estimate() == null || b.estimate() == null) {
            return new Comparison(null, null, null, insufficient);
        }
        Estimate ea = a.estimate();
        Estimate eb = b.estimate();
        // max(X, Y) lies between max of the lower ends and max of the upper ends when X and Y lie in theirs.
        Comparison top = ea.value() >= eb.value() ? a : b;
        return new Comparison(new Estimate(top.estimate().value(), Math.max(ea.lower(), eb.lower()),
                Math.max(ea.upper(), eb.upper()), Math.min(ea.n(), eb.n())), top.first(), top.second(), insufficient);
    }

    private static Comparison compare(List<Rate> rates, String reference, double confidence, long minSamples, boolean ratio) {
        long floor = Math.max(1, minSamples);
        List<Rate> eligible = rates.stream().filter(r -> r.n() >= floor).sorted(Comparator.comparing(Rate::group)).toList();
        List<String> insufficient = rates.stream().filter(r -> r.n() < floor).map(Rate::group).sorted().toList();
        Rate ref = reference == null ? null : eligible.stream().filter(r -> r.group().equals(reference)).findFirst().orElse(null);
        if (reference != null && ref == null) {
            // Without its reference group nothing can be compared; a reference with no rate at all is listed too.
            return new Comparison(null, null, null, insufficient.contains(reference) ? insufficient
                    : withMissing(insufficient, reference));
        }
        List<Rate[]> pairs = new ArrayList<>();
        for (int i = 0; i < eligible.size(); i++) {
            for (int j = i + 1; j < eligible.size(); j++) {
                Rate a = eligible.get(i);
                Rate b = eligible.get(j);
                if (ref == null || a == ref || b == ref) {
                    pairs.add(ref != null && b == ref ? new Rate[] {a, b} : ref != null ? new Rate[] {b, a} : new Rate[] {a, b});
                }
            }
        }
        if (pairs.isEmpty()) {
            return new Comparison(null, null, null, insufficient);
        }
        double adjusted = 1 - (1 - confidence) / pairs.size();
        Estimate best = null;
        String first = null;
        String second = null;
        double lower = ratio ? Double.POSITIVE_INFINITY : 0;
        double upper = ratio ? Double.POSITIVE_INFINITY : 0;
        long n = Long.MAX_VALUE;
        for (Rate[] pair : pairs) {
            // With a reference, pair[1] is the reference; otherwise order the pair by its point values.
            Rate a = pair[0];
            Rate b = pair[1];
            if (ref == null && (ratio ? a.p() > b.p() : a.p() < b.p())) {
                Rate t = a;
                a = b;
                b = t;
            }
            Estimate e = ratio ? ratio(a, b, adjusted) : absoluteDifference(a, b, adjusted);
            if (e == null) {
                continue;
            }
            n = Math.min(n, Math.min(a.n(), b.n()));
            if (ratio) {
                lower = Math.min(lower, e.lower());
                upper = Math.min(upper, e.upper());
                if (best == null || e.value() < best.value()) {
                    best = e;
                    first = a.group();
                    second = b.group();
                }
            } else {
                lower = Math.max(lower, e.lower());
                upper = Math.max(upper, e.upper());
                if (best == null || e.value() > best.value()) {
                    best = e;
                    first = a.group();
                    second = b.group();
                }
            }
        }
        if (best == null) {
            return new Comparison(null, null, null, insufficient);
        }
        return new Comparison(new Estimate(best.value(), lower, upper, n), first, second, insufficient);
    }

    private static List<String> withMissing(List<String> insufficient, String group) {
        List<String> all = new ArrayList<>(insufficient);
        all.add(group);
        return all;
    }

    /** |p_a - p_b| with the interval of |d| implied by Newcombe's interval for d. */
    static Estimate absoluteDifference(Rate a, Rate b, double confidence) {
        Estimate d = Intervals.difference(Intervals.wilson(a.x(), a.n(), confidence), Intervals.wilson(b.x(), b.n(), confidence));
        double lower = d.lower() > 0 ? d.lower() : d.upper() < 0 ? -d.upper() : 0;
        double upper = Math.max(Math.abs(d.lower()), Math.abs(d.upper()));
        return new Estimate(Math.abs(d.value()), lower, Math.min(1, upper), Math.min(a.n(), b.n()));
    }

    /**
     * The ratio of the two rates folded to at most 1, min(p_a/p_b, p_b/p_a) (with a reference, p_a/p_b as is),
     * with the Katz log interval, folded the same way; null when neither group has a single success.
     */
    static Estimate ratio(Rate a, Rate b, double confidence) {
        if (a.x() == 0 && b.x() == 0) {
            return null;
        }
        double xa = a.x() == 0 ? 0.5 : a.x();
        double xb = b.x() == 0 ? 0.5 : b.x();
        double na = a.x() == 0 ? a.n() + 0.5 : a.n();
        double nb = b.x() == 0 ? b.n() + 0.5 : b.n();
        double pa = xa / na;
        double pb = xb / nb;
        double r = pa / pb;
        double se = Math.sqrt(Math.max(0, (1 - pa) / xa) + Math.max(0, (1 - pb) / xb));
        double z = Intervals.z(confidence);
        double lower = Math.exp(Math.log(r) - z * se);
        double upper = Math.exp(Math.log(r) + z * se);
        double value = (double) a.x() / a.n() / ((double) b.x() / b.n());
        if (b.x() == 0) {
            value = Double.POSITIVE_INFINITY;
        }
        // Folded: min(r, 1/r) for r in [lower, upper] lies in [min(lower, 1/upper), 1 if the interval holds 1].
        double foldedValue = value <= 1 ? value : 1 / value;
        double foldedLower = Math.min(lower, 1 / upper);
        double foldedUpper = upper < 1 ? upper : lower > 1 ? 1 / lower : 1;
        // The half added to an empty count moves the interval a little off a point value of 0: keep it inside.
        foldedLower = Math.min(foldedLower, foldedValue);
        foldedUpper = Math.max(foldedUpper, foldedValue);
        return new Estimate(foldedValue, foldedLower, foldedUpper, Math.min(a.n(), b.n()));
    }
}

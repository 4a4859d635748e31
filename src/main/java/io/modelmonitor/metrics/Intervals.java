package io.modelmonitor.metrics;

/**
 * Confidence intervals. Proportions use the Wilson score interval: unlike the textbook Wald interval it keeps
 * close to its nominal coverage at small n and near 0 or 1 (where accuracies live), and unlike Clopper-Pearson it
 * is not conservative, so a real breach is not confirmed later than it needs to be; it is also closed-form,
 * which matters when a thousand monitors are judged every interval. Reference: Wilson (1927), JASA 22:209-212;
 * Brown, Cai & DasGupta (2001), Statistical Science 16:101-133.
 */
public final class Intervals {

    /** A point estimate with its two-sided interval and sample size. */
    public record Estimate(double value, double lower, double upper, long n) {

        public static Estimate point(double value, long n) {
            return new Estimate(value, value, value, n);
        }
    }

    private Intervals() {
    }

    /** Wilson score interval for {@code successes} of {@code n} at a two-sided {@code confidence}. */
    public static Estimate wilson(long successes, long n, double confidence) {
        if (n <= 0) {
            return new Estimate(Double.NaN, 0, 1, 0);
        }
        double z = z(confidence);
        double p = (double) successes / n;
        double z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z / (1 + z2n) * Math.sqrt(p * (1 - p) / n + z2n / (4 * n));
        return new Estimate(p, Math.max(0, centre - half), Math.min(1, centre + half), n);
    }

    /**
     * Difference of two independent proportions, p1 - p2, by Newcombe's hybrid score method (Newcombe 1998,
     * Statistics in Medicine 17:873-890, method 10), built from the two Wilson intervals.
     */
    public static Estimate difference(Estimate a, Estimate b) {
        double d = a.value() - b.value();
        double lower = d - Math.sqrt(sq(a.value() - a.lower()) + sq(b.upper() - b.value()));
        double upper = d + Math.sqrt(sq(a.upper() - a.value()) + sq(b.value() - b.lower()));
        return new Estimate(d, lower, upper, Math.min(a.n(), b.n()));
    }

    /**
     * P(X >= k) for X ~ Binomial(n, p), exactly: the p-value of {@code k} successes in {@code n} when each has
     * probability {@code p}. Summed from the first term (by log-gamma) up the tail until the terms no longer count.
     */
    public static double binomialUpperTail(long k, long n, double p) {
        if (k <= 0) {
            return 1;
        }
        if (k > n) {
            return 0;
        }
        if (p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return 1;
        }
        double logTerm = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
        double term = Math.exp(logTerm);
        double sum = 0;
        double ratio = p / (1 - p);
        for (long i = k; i <= n && term > 0; i++) {
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
            term *= (double) (n - i) / (i + 1) * ratio;
        }
        return Math.min(1, sum);
    }

    /** ln Gamma(x) for x > 0, by Lanczos' approximation (g 7, 9 terms; relative error about 1e-15). */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        x -= 1;
        double a = c[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** The two-sided standard normal quantile for a confidence level, e.g. 0.95 gives 1.959964. */
    public static double z(double confidence) {
        return inverseNormal(1 - (1 - confidence) / 2);
    }

    /**
     * Inverse of the standard normal CDF by Acklam's rational approximation (relative error below 1.15e-9),
     * https://web.archive.org/web/20151030215612/http://home.online.no/~pjacklam/notes/invnorm/
     */
    public static double inverseNormal(double p) {
        if (p <= 0 || p >= 1) {
            throw new IllegalArgumentException("p must lie in (0, 1): " + p);
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            return -inverseNormal(1 - p);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /**
     * A distribution-free interval for the q-quantile of a histogram: the ranks n*q -/+ z*sqrt(n*q*(1-q)) of the
     * binomial order-statistic interval, read off the histogram like the quantile itself.
     */
    public static Estimate quantile(long[] buckets, double q, double confidence) {
        long n = 0;
        for (long c : buckets) {
            n += c;
        }
        if (n == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double spread = z(confidence) * Math.sqrt(n * q * (1 - q));
        double lowerQ = Math.max(0, (n * q - spread) / n);
        double upperQ = Math.min(1, (n * q + spread) / n);
        return new Estimate(LatencyHistogram.quantile(buckets, q), LatencyHistogram.quantile(buckets, lowerQ),
                LatencyHistogram.quantile(buckets, upperQ), n);
    }

    private static double sq(double x) {
        return x * x;
    }
}

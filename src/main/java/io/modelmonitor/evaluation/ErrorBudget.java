package io.modelmonitor.evaluation;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.modelmonitor.metrics.Intervals;

/**
 * An objective's error budget: it should be Met in {@code target} of its judged evaluations over a period of days
 * (InsufficientData counts neither way: no data is never failure), and the budget is the Breached evaluations that
 * target allows. Alerts follow the multi-window, multi-burn-rate rules of Google's SRE workbook (chapter 5, "Alerting
 * on SLOs"), a burn rate being the Breached share of a window over the allowed share:
 * <ul>
 * <li>page when the last hour burns faster than 14.4 and so do the last 5 minutes (2% of a 30-day budget in an hour),
 * or the last 6 hours faster than 6 and the last 30 minutes too (5% in 6 hours);</li>
 * <li>ticket when the last 3 days burn faster than 1 and so do the last 6 hours (10% in 3 days).</li>
 * </ul>
 * A burn at exactly the allowed rate must never alert, and evaluations are few (a 5-minute interval makes 12 an
 * hour; a new monitor has a handful), so every rule also needs its Breached evaluations to be more than the allowed
 * rate explains: an exact binomial test at {@link #ALPHA} of the long window (a ticket's 6 hours or 3 days). Buckets of four sizes hold the history
 * (minutes for the last hour, ten minutes for 6 hours, hours for 3 days, days for the period), so it is bounded
 * whatever the interval, and it is written into the objective's status, so it survives the operator's restarts.
 */
public final class ErrorBudget {

    /** What the burn asks for. */
    public enum Alert {
        None, Ticket, Page
    }

    /**
     * How unlikely the long window's Breached evaluations must be at the allowed rate before an alert. A burn at that
     * rate is looked at every evaluation for weeks, through windows that slide: the largest of four weeks of sliding
     * 3-day counts is far above any one of them (at 1e-4 a simulated four weeks at the allowed rate ticketed about
     * once in 40). At 1e-6 none of them did; an outage still pages within the workbook's time, where the burn rate
     * threshold asks for more than this does.
     */
    static final double ALPHA = 1e-6;
    /** The longest period a budget may have, in days: the day buckets kept. */
    public static final int MAX_PERIOD_DAYS = 90;

    /** A bucket size and how many of them are kept; together they cover the windows the rules read. */
    private enum Resolution {
        MINUTE(1, 60), TEN_MINUTES(10, 36), HOUR(60, 72), DAY(1440, MAX_PERIOD_DAYS);

        final long minutes;
        final int buckets;

        Resolution(long minutes, int buckets) {
            this.minutes = minutes;
            this.buckets = buckets;
        }
    }

    /** The windows a burn rate is read over, and the resolution each is summed at. */
    public enum Window {
        FIVE_MINUTES("5m", Resolution.MINUTE, 5), THIRTY_MINUTES("30m", Resolution.MINUTE, 30),
        ONE_HOUR("1h", Resolution.MINUTE, 60), SIX_HOURS("6h", Resolution.TEN_MINUTES, 36),
        ONE_DAY("1d", Resolution.HOUR, 24), THREE_DAYS("3d", Resolution.HOUR, 72);

        public final String label;
        final Resolution resolution;
        final int buckets;

        Window(String label, Resolution resolution, int buckets) {
            this.label = label;
            this.resolution = resolution;
            this.buckets = buckets;
        }
    }

    private final double target;
    private final int periodDays;
    /** Per resolution: Met and Breached counts per bucket, oldest first; the last bucket holds {@link #minute}. */
    private final long[][] met = new long[Resolution.values().length][];
    private final long[][] breached = new long[Resolution.values().length][];
    /** The epoch minute of the newest evaluation recorded (or advanced to); -1 before the first. */
    private long minute = -1;

    public ErrorBudget(double target, int periodDays) {
        if (!(target > 0 && target < 1)) {
            throw new IllegalArgumentException("target must lie between 0 and 1: " + target);
        }
        if (periodDays < 1 || periodDays > MAX_PERIOD_DAYS) {
            throw new IllegalArgumentException("period must be 1 to " + MAX_PERIOD_DAYS + " days: " + periodDays);
        }
        this.target = target;
        this.periodDays = periodDays;
        for (Resolution r : Resolution.values()) {
            met[r.ordinal()] = new long[r.buckets];
            breached[r.ordinal()] = new long[r.buckets];
        }
    }

    /** Records one judged evaluation at {@code time}: Met, or Breached. */
    public void record(Instant time, boolean wasMet) {
        advance(time);
        for (Resolution r : Resolution.values()) {
            (wasMet ? met : breached)[r.ordinal()][r.buckets - 1]++;
        }
    }

    /** Moves the buckets on to {@code time}: those older than each resolution keeps fall off. Never backwards. */
    public void advance(Instant time) {
        long now = Math.floorDiv(time.getEpochSecond(), 60);
        if (minute < 0) {
            minute = now;
            return;
        }
        if (now <= minute) {
            return;
        }
        for (Resolution r : Resolution.values()) {
            long shift = Math.floorDiv(now, r.minutes) - Math.floorDiv(minute, r.minutes);
            shift(met[r.ordinal()], shift);
            shift(breached[r.ordinal()], shift);
        }
        minute = now;
    }

    private static void shift(long[] buckets, long by) {
        if (by <= 0) {
            return;
        }
        if (by >= buckets.length) {
            Arrays.fill(buckets, 0);
            return;
        }
        int n = (int) by;
        System.arraycopy(buckets, n, buckets, 0, buckets.length - n);
        Arrays.fill(buckets, buckets.length - n, buckets.length, 0);
    }

    /** Met and Breached evaluations of a window. */
    public record Counts(long met, long breached) {
        public long total() {
            return met + breached;
        }
    }

    public Counts counts(Window w) {
        return sum(w.resolution, w.buckets);
    }

    private Counts sum(Resolution r, int buckets) {
        long m = 0;
        long b = 0;
        long[] ms = met[r.ordinal()];
        long[] bs = breached[r.ordinal()];
        for (int i = r.buckets - Math.min(buckets, r.buckets); i < r.buckets; i++) {
            m += ms[i];
            b += bs[i];
        }
        return new Counts(m, b);
    }

    /** The window's Breached share over the allowed one (1 - target); 0 for a window without judged evaluations. */
    public double burnRate(Window w) {
        return burn(counts(w));
    }

    private double burn(Counts c) {
        return c.total() == 0 ? 0 : (double) c.breached() / c.total() / (1 - target);
    }

    /** The period's counts: its days, the current one included. */
    public Counts period() {
        return sum(Resolution.DAY, periodDays);
    }

    /**
     * The share of the period's budget left: 1 untouched, 0 spent, below 0 overspent. The budget is the Breached
     * evaluations the target allows of those judged so far in the period.
     */
    public double remaining() {
        Counts c = period();
        if (c.total() == 0) {
            return 1;
        }
        return 1 - c.breached() / ((1 - target) * c.total());
    }

    /** What the burn asks for now, by the workbook's rules and the guards above. */
    public Alert alert() {
        Counts hour = counts(Window.ONE_HOUR);
        Counts sixHours = counts(Window.SIX_HOURS);
        boolean fast = burn(hour) > 14.4 && burnRate(Window.FIVE_MINUTES) > 14.4 && beyondChance(hour);
        boolean steady = burn(sixHours) > 6 && burnRate(Window.THIRTY_MINUTES) > 6 && beyondChance(sixHours);
        if (fast || steady) {
            return Alert.Page;
        }
        Counts threeDays = counts(Window.THREE_DAYS);
        // The burn's own hours are the sharper evidence: 3 days at the allowed rate before a slow burn dilute it.
        if (burn(threeDays) > 1 && burn(sixHours) > 1 && (beyondChance(sixHours) || beyondChance(threeDays))) {
            return Alert.Ticket;
        }
        return Alert.None;
    }

    /** More Breached evaluations than the allowed rate gives but once in 1 / {@link #ALPHA} windows. */
    private boolean beyondChance(Counts c) {
        return c.breached() > 0 && Intervals.binomialUpperTail(c.breached(), c.total(), 1 - target) < ALPHA;
    }

    /** Every window's burn rate, by its label, rounded for status. */
    public Map<String, Double> burnRates() {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (Window w : Window.values()) {
            rates.put(w.label, Math.round(burnRate(w) * 100) / 100.0);
        }
        return rates;
    }

    public double target() {
        return target;
    }

    public int periodDays() {
        return periodDays;
    }

    /**
     * The history as status keeps it: "minute;" then per resolution its buckets, oldest first, each "met.breached"
     * ("" for an empty one), separated by ","; resolutions by ";". At most 258 buckets: a few kilobytes at worst.
     */
    public String encode() {
        StringBuilder out = new StringBuilder().append(minute);
        for (Resolution r : Resolution.values()) {
            out.append(';');
            for (int i = 0; i < r.buckets; i++) {
                if (i > 0) {
                    out.append(',');
                }
                long m = met[r.ordinal()][i];
                long b = breached[r.ordinal()][i];
                if (m != 0 || b != 0) {
                    out.append(m).append('.').append(b);
                }
            }
        }
        return out.toString();
    }

    /**
     * A budget from its encoded history; an empty one when there is none or it cannot be read (a hand-edited status
     * costs the history, never the evaluation).
     */
    public static ErrorBudget decode(String history, double target, int periodDays) {
        ErrorBudget budget = new ErrorBudget(target, periodDays);
        if (history == null || history.isEmpty()) {
            return budget;
        }
        try {
            String[] parts = history.split(";", -1);
            Resolution[] all = Resolution.values();
            if (parts.length != all.length + 1) {
                return new ErrorBudget(target, periodDays);
            }
            long at = Long.parseLong(parts[0]);
            for (Resolution r : all) {
                String[] buckets = parts[r.ordinal() + 1].split(",", -1);
                if (buckets.length != r.buckets) {
                    return new ErrorBudget(target, periodDays);
                }
                for (int i = 0; i < r.buckets; i++) {
                    if (buckets[i].isEmpty()) {
                        continue;
                    }
                    int dot = buckets[i].indexOf('.');
                    long m = Long.parseLong(buckets[i].substring(0, dot));
                    long b = Long.parseLong(buckets[i].substring(dot + 1));
                    if (m < 0 || b < 0) {
                        return new ErrorBudget(target, periodDays);
                    }
                    budget.met[r.ordinal()][i] = m;
                    budget.breached[r.ordinal()][i] = b;
                }
            }
            budget.minute = at;
            return budget;
        } catch (RuntimeException e) {
            return new ErrorBudget(target, periodDays);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "budget %.1f%% left of %s over %dd; burn 1h %.2f, 6h %.2f, 3d %.2f",
                remaining() * 100, target, periodDays, burnRate(Window.ONE_HOUR), burnRate(Window.SIX_HOURS),
                burnRate(Window.THREE_DAYS));
    }

    /** How long each window is, for messages and tests. */
    public static Duration length(Window w) {
        return Duration.ofMinutes(w.resolution.minutes * w.buckets);
    }
}

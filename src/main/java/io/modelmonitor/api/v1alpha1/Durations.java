package io.modelmonitor.api.v1alpha1;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes users write them (Go's time.ParseDuration subset): 500ms, 30s, 5m, 1h30m. */
public final class Durations {

    public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";
    /** The longest duration any setting takes: a year. Longer text is refused, not wrapped into a negative number. */
    public static final Duration MAX = Duration.ofDays(365);
    /** The longest duration text: enough for 1h30m15s500ms, short enough to cost nothing to check. */
    public static final int MAX_LENGTH = 32;
    private static final Pattern WHOLE = Pattern.compile(PATTERN);
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

    private Durations() {
    }

    /** Like {@link #parse}, but zero (e.g. {@code 0s}) is allowed: for settings where zero means "none". */
    public static Duration parseAllowingZero(String text) {
        if (text != null && text.matches("^(0+(\\.0+)?(ms|s|m|h))+$")) {
            return Duration.ZERO;
        }
        return parse(text);
    }

    /** @throws IllegalArgumentException with a message fit for a user when the text is not a positive duration */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 30s, 5m or 1h30m");
        }
        BigDecimal millis = BigDecimal.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            BigDecimal amount = new BigDecimal(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                default -> 3_600_000L;
            };
            millis = millis.add(amount.multiply(BigDecimal.valueOf(unit)));
        }
        if (millis.compareTo(BigDecimal.valueOf(MAX.toMillis())) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than the longest duration allowed, " + format(MAX));
        }
        Duration d = Duration.ofMillis(millis.longValue());
        if (d.isZero()) {
            throw new IllegalArgumentException("'" + text + "' must be longer than zero");
        }
        return d;
    }

    /** The shortest spelling that parses back to the same duration (millisecond precision). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}

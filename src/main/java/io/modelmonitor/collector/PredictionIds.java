package io.modelmonitor.collector;

import java.security.SecureRandom;

/**
 * Prediction ids name the collector that issued them, so any replica can send a label to the right one:
 * {@code <instance>.<seq>@<podIP>:<adminPort>}. The instance part is random per collector start, so an id issued
 * before a restart never matches a prediction made after it.
 */
final class PredictionIds {

    record Parsed(String instance, long seq, String host, int port) {
    }

    private final String instance;
    private final String suffix;

    PredictionIds(String podIp, int adminPort) {
        this.instance = Long.toString(new SecureRandom().nextLong() >>> 1, 36);
        this.suffix = "@" + (podIp.contains(":") ? "[" + podIp + "]" : podIp) + ":" + adminPort;
    }

    String instance() {
        return instance;
    }

    String format(long seq) {
        return instance + "." + Long.toString(seq, 36) + suffix;
    }

    /**
     * The id of a response without a readable prediction: it still identifies this collector, and a label sent
     * for it is counted as unmatched (sequence 0 is never issued to a prediction).
     */
    String untracked() {
        return format(0);
    }

    boolean isOwn(Parsed id) {
        return instance.equals(id.instance());
    }

    boolean isOwnAddress(Parsed id) {
        return suffix.equals("@" + (id.host().contains(":") ? "[" + id.host() + "]" : id.host()) + ":" + id.port());
    }

    /** Parses an id, or returns null when the text is not one. */
    static Parsed parse(String id) {
        if (id == null || id.length() > 128) {
            return null;
        }
        int at = id.lastIndexOf('@');
        int dot = id.indexOf('.');
        int colon = id.lastIndexOf(':');
        if (at < 0 || dot < 1 || dot > at || colon < at) {
            return null;
        }
        try {
            String instance = id.substring(0, dot);
            long seq = Long.parseLong(id.substring(dot + 1, at), 36);
            String host = id.substring(at + 1, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(id.substring(colon + 1));
            if (host.isEmpty() || port < 1 || port > 65535 || seq < 0) {
                return null;
            }
            return new Parsed(instance, seq, host, port);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

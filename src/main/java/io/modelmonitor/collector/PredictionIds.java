package io.modelmonitor.collector;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Prediction ids: {@code <instance>.<seq>.<revision>@<podIP>:<adminPort>.<signature>}, for example
 * {@code k2x9q1ab.1f.66bdbc99c5@10.0.3.7:9091.Zk3xPq9aB2c}. They name the collector that issued them (so any
 * replica can send a label on to the right one) and the revision (pod-template hash) of the pod that made the
 * prediction. The instance part is random per collector start, so an id issued before a restart never matches a
 * prediction made after it. The signature is an HMAC-SHA256 (first 64 bits) over everything before it, with the
 * monitor's key, which the operator generates and hands to every collector of the monitor through a Secret: an id
 * whose signature does not verify is refused before anything is looked up or called, so a client cannot make a
 * collector call an address of its choosing.
 */
final class PredictionIds {

    /** What an id says, once its signature verified. */
    record Parsed(String instance, long seq, String revision, String host, int port) {
    }

    /** Why an id is refused; null fields on success. */
    record Verified(Parsed id, String problem) {
    }

    static final int MAX_LENGTH = 128;
    private static final Base64.Encoder SIGNATURE = Base64.getUrlEncoder().withoutPadding();

    private final String instance;
    private final String revision;
    private final String address;
    private final byte[] key;
    private final boolean sharedKey;
    private final ThreadLocal<Mac> macs;

    /**
     * @param key the monitor's id key (MM_ID_KEY), or null: then a random key of this process signs, and only this
     *     collector can verify its ids (labels by id cannot be forwarded between replicas)
     */
    PredictionIds(String podIp, int adminPort, String revision, String key) {
        SecureRandom random = new SecureRandom();
        this.instance = base36(random.nextLong() >>> 23, 8);
        this.revision = revision == null || revision.isBlank() ? "-" : revision;
        this.address = (podIp.contains(":") ? "[" + podIp + "]" : podIp) + ":" + adminPort;
        this.sharedKey = key != null && !key.isEmpty();
        if (sharedKey) {
            this.key = key.getBytes(StandardCharsets.UTF_8);
        } else {
            this.key = new byte[32];
            random.nextBytes(this.key);
        }
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(this.key, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        });
    }

    String instance() {
        return instance;
    }

    String revision() {
        return revision;
    }

    /** Whether ids of other replicas can be verified here (they share the monitor's key). */
    boolean sharedKey() {
        return sharedKey;
    }

    String format(long seq) {
        String body = instance + "." + Long.toString(seq, 36) + "." + revision + "@" + address;
        return body + "." + sign(body);
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
        return address.equals((id.host().contains(":") ? "[" + id.host() + "]" : id.host()) + ":" + id.port());
    }

    /** Parses an id and checks its signature; the problem says why it is refused, phrased for the client. */
    Verified verify(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return refused("id is not an X-Prediction-Id issued by model-monitor");
        }
        int lastDot = id.lastIndexOf('.');
        int at = id.lastIndexOf('@');
        if (lastDot < 0 || at < 0 || lastDot < at) {
            return refused("id is not an X-Prediction-Id issued by model-monitor");
        }
        String body = id.substring(0, lastDot);
        byte[] expected = sign(body).getBytes(StandardCharsets.US_ASCII);
        // Constant time: the signature cannot be found byte by byte from response times.
        if (!MessageDigest.isEqual(expected, id.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return refused(sharedKey ? "id signature does not verify: not issued by a collector of this model"
                    : "id signature does not verify (this collector has no MM_ID_KEY, so it can only verify its own ids)");
        }
        Parsed parsed = parse(body);
        return parsed == null ? refused("id is not an X-Prediction-Id issued by model-monitor") : new Verified(parsed, null);
    }

    private static Verified refused(String problem) {
        return new Verified(null, problem);
    }

    /** The signed part: {@code <instance>.<seq>.<revision>@<host>:<port>}. */
    private static Parsed parse(String body) {
        int at = body.lastIndexOf('@');
        int firstDot = body.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : body.indexOf('.', firstDot + 1);
        int colon = body.lastIndexOf(':');
        if (firstDot < 1 || secondDot < 0 || secondDot > at || colon < at) {
            return null;
        }
        try {
            String instance = body.substring(0, firstDot);
            long seq = Long.parseLong(body.substring(firstDot + 1, secondDot), 36);
            String revision = body.substring(secondDot + 1, at);
            String host = body.substring(at + 1, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(body.substring(colon + 1));
            if (host.isEmpty() || port < 1 || port > 65535 || seq < 0 || revision.isEmpty()) {
                return null;
            }
            return new Parsed(instance, seq, revision, host, port);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String sign(String body) {
        byte[] mac = macs.get().doFinal(body.getBytes(StandardCharsets.UTF_8));
        return SIGNATURE.encodeToString(java.util.Arrays.copyOf(mac, 8));
    }

    private static String base36(long value, int width) {
        String text = Long.toString(value, 36);
        return text.length() >= width ? text.substring(text.length() - width) : "0".repeat(width - text.length()) + text;
    }
}

package io.modelmonitor.collector;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Prediction ids: {@code <instance>.<seq>.<issued>.<revision>@<podIP>:<adminPort>.<signature>}, for example
 * {@code k2x9q1ab.1f.t5b7qo.66bdbc99c5@10.0.3.7:9091.Zk3xPq9aB2c}. They name the collector that issued them (so any
 * replica can send a label on to the right one), when (seconds since the epoch, base 36: an id expires with the label
 * TTL, so an old id never sends a label to an address that may by now be another pod's) and the revision
 * (pod-template hash) of the pod that made the prediction. The instance part is random per collector start, so an id issued before a restart never matches a
 * prediction made after it. The signature is an HMAC-SHA256 (first 64 bits) over everything before it, with the
 * monitor's key, which the operator generates and hands to every collector of the monitor through a Secret: an id
 * whose signature does not verify is refused before anything is looked up or called, so a client cannot make a
 * collector call an address of its choosing.
 */
final class PredictionIds {

    /** What an id says, once its signature verified. */
    record Parsed(String instance, long seq, long issuedSeconds, String revision, String host, int port) {

        /** Whether its label can no longer be joined: issued longer ago than the label TTL (and a minute of skew). */
        boolean expired(long nowMillis, long ttlMillis) {
            return issuedSeconds * 1000 + ttlMillis + CLOCK_SKEW_MILLIS < nowMillis;
        }
    }

    /** How far the clocks of two pods may disagree. */
    static final long CLOCK_SKEW_MILLIS = 60_000;
    /** The scheme of the Authorization header of labels forwarded between replicas. */
    static final String FORWARD_SCHEME = "MM-HMAC ";

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
        return format(seq, System.currentTimeMillis());
    }

    String format(long seq, long nowMillis) {
        String body = instance + "." + Long.toString(seq, 36) + "." + Long.toString(nowMillis / 1000, 36) + "." + revision
                + "@" + address;
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

    /** The signed part: {@code <instance>.<seq>.<issued>.<revision>@<host>:<port>}. */
    private static Parsed parse(String body) {
        int at = body.lastIndexOf('@');
        int firstDot = body.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : body.indexOf('.', firstDot + 1);
        int thirdDot = secondDot < 0 ? -1 : body.indexOf('.', secondDot + 1);
        int colon = body.lastIndexOf(':');
        if (firstDot < 1 || secondDot < 0 || thirdDot < 0 || thirdDot > at || colon < at) {
            return null;
        }
        try {
            String instance = body.substring(0, firstDot);
            long seq = Long.parseLong(body.substring(firstDot + 1, secondDot), 36);
            long issued = Long.parseLong(body.substring(secondDot + 1, thirdDot), 36);
            String revision = body.substring(thirdDot + 1, at);
            String host = body.substring(at + 1, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(body.substring(colon + 1));
            if (host.isEmpty() || port < 1 || port > 65535 || seq < 0 || issued < 0 || revision.isEmpty()) {
                return null;
            }
            return new Parsed(instance, seq, issued, revision, host, port);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String sign(String body) {
        byte[] mac = macs.get().doFinal(body.getBytes(StandardCharsets.UTF_8));
        return SIGNATURE.encodeToString(Arrays.copyOf(mac, 8));
    }

    // ---- labels forwarded between replicas: signed with the monitor's key, never the feedback token ----

    /**
     * The Authorization header of a forwarded request: {@code MM-HMAC <seconds, base 36>.<HMAC-SHA256 of "forward",
     * the time and the body>}. Only a holder of the monitor's key can make one, and it proves nothing else: the
     * feedback token is never sent to another address, so a pod that took over an old peer's IP learns no secret.
     */
    String forwardAuthorization(byte[] body, long nowMillis) {
        String time = Long.toString(nowMillis / 1000, 36);
        return FORWARD_SCHEME + time + "." + SIGNATURE.encodeToString(mac("forward", time, body));
    }

    /** Whether a forwarded request's header signs this body, within the clock skew. */
    boolean verifyForward(String authorization, byte[] body, long nowMillis) {
        String time = forwardTime(authorization, nowMillis);
        if (time == null) {
            return false;
        }
        String given = authorization.substring(authorization.indexOf('.') + 1);
        return MessageDigest.isEqual(SIGNATURE.encodeToString(mac("forward", time, body)).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    /** The time of a well-formed, fresh forwarding header, or null: checked on the head, before any body is read. */
    String forwardTime(String authorization, long nowMillis) {
        if (!sharedKey || authorization == null || !authorization.startsWith(FORWARD_SCHEME) || authorization.length() > 128) {
            return null;
        }
        int dot = authorization.indexOf('.');
        if (dot < 0) {
            return null;
        }
        String time = authorization.substring(FORWARD_SCHEME.length(), dot);
        try {
            long seconds = Long.parseLong(time, 36);
            return Math.abs(seconds * 1000 - nowMillis) <= CLOCK_SKEW_MILLIS ? time : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The signature a replica puts on its answer to a forwarded request, bound to that request's header. */
    String answerSignature(String requestAuthorization, byte[] answer) {
        return SIGNATURE.encodeToString(mac("answer", requestAuthorization, answer));
    }

    boolean verifyAnswer(String requestAuthorization, byte[] answer, String signature) {
        return signature != null && MessageDigest.isEqual(answerSignature(requestAuthorization, answer)
                .getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] mac(String purpose, String context, byte[] body) {
        Mac mac = macs.get();
        mac.update((purpose + "\n" + context + "\n").getBytes(StandardCharsets.UTF_8));
        return mac.doFinal(body);
    }

    private static String base36(long value, int width) {
        String text = Long.toString(value, 36);
        return text.length() >= width ? text.substring(text.length() - width) : "0".repeat(width - text.length()) + text;
    }
}

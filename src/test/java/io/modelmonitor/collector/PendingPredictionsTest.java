package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingPredictionsTest {

    @Test
    void aPredictionIsTakenOnce() {
        PendingPredictions p = new PendingPredictions(10, 1000);
        long seq = p.add(3, 1, 0.5, 0);
        assertThat(p.size()).isEqualTo(1);
        assertThat(p.take(seq, 10)).isEqualTo(new PendingPredictions.Pending(3, 1, 0.5));
        assertThat(p.take(seq, 10)).isNull();
        assertThat(p.take(seq + 1, 10)).isNull();
        assertThat(p.size()).isZero();
    }

    @Test
    void aFullRingOverwritesTheOldestAndCountsIt() {
        PendingPredictions p = new PendingPredictions(3, 1000);
        long first = p.add(1, 0, 0, 0);
        p.add(1, 0, 0, 0);
        long third = p.add(1, 0, 0, 0);
        long fourth = p.add(1, 0, 0, 0);
        assertThat(p.size()).isEqualTo(3);
        assertThat(p.evictedByCapacity()).isEqualTo(1);
        assertThat(p.take(first, 1)).isNull();
        assertThat(p.take(third, 1)).isNotNull();
        assertThat(p.take(fourth, 1)).isNotNull();
    }

    @Test
    void expiredPredictionsAreDroppedAndCounted() {
        PendingPredictions p = new PendingPredictions(100, 1000);
        long a = p.add(1, 0, 0, 0);
        long b = p.add(1, 0, 0, 500);
        long c = p.add(1, 0, 0, 900);
        assertThat(p.take(b, 600)).isNotNull();
        p.expireUpTo(1600);
        assertThat(p.evictedByTtl()).isEqualTo(1);
        assertThat(p.take(a, 1600)).isNull();
        assertThat(p.take(c, 1600)).isNotNull();
        assertThat(p.size()).isZero();
    }

    private static final String KEY = "0123456789abcdef0123456789abcdef";

    @Test
    void idsRoundTripAndNameTheirCollectorAndRevision() {
        PredictionIds ids = new PredictionIds("10.1.2.3", 9091, "66bdbc99c5", KEY);
        String id = ids.format(12345);
        PredictionIds.Parsed parsed = ids.verify(id).id();
        assertThat(parsed.seq()).isEqualTo(12345);
        assertThat(parsed.revision()).isEqualTo("66bdbc99c5");
        assertThat(parsed.host()).isEqualTo("10.1.2.3");
        assertThat(parsed.port()).isEqualTo(9091);
        assertThat(ids.isOwn(parsed)).isTrue();
        assertThat(id).as("short enough for a header per instance").hasSizeLessThan(64).doesNotContain(",");
        PredictionIds restarted = new PredictionIds("10.1.2.3", 9091, "66bdbc99c5", KEY);
        assertThat(restarted.isOwn(restarted.verify(id).id())).as("a restarted collector").isFalse();
        PredictionIds v6 = new PredictionIds("fd00::1", 9091, null, KEY);
        assertThat(v6.verify(v6.format(7)).id().host()).isEqualTo("fd00::1");
        assertThat(v6.isOwnAddress(v6.verify(v6.format(7)).id())).isTrue();
    }

    @Test
    void anIdWhoseSignatureDoesNotVerifyIsRefusedWithItsReason() {
        PredictionIds ids = new PredictionIds("10.1.2.3", 9091, "66bdbc99c5", KEY);
        String id = ids.format(42);
        String signature = id.substring(id.lastIndexOf('.') + 1);
        // Aimed at another address with the signature kept: refused.
        String forged = id.replace("10.1.2.3:9091", "169.254.169.254:80");
        assertThat(ids.verify(forged).problem()).contains("signature does not verify");
        assertThat(ids.verify(id.substring(0, id.lastIndexOf('.') + 1) + "AAAAAAAAAAA").problem())
                .contains("signature does not verify");
        assertThat(new PredictionIds("10.1.2.4", 9091, "66bdbc99c5", "another-key-of-32-characters-xx").verify(id)
                .problem()).as("another monitor's key").contains("signature does not verify");
        assertThat(ids.verify("nonsense").problem()).contains("not an X-Prediction-Id");
        assertThat(ids.verify("a.b@host:notaport." + signature).problem()).isNotNull();
        assertThat(new PredictionIds("10.1.2.4", 9091, null, KEY).verify(id).id())
                .as("a replica of the same monitor verifies it").isNotNull();
    }

    @Test
    void withoutAKeyOnlyTheIssuerVerifiesItsIds() {
        PredictionIds a = new PredictionIds("10.1.2.3", 9091, null, null);
        PredictionIds b = new PredictionIds("10.1.2.4", 9091, null, null);
        assertThat(a.verify(a.format(1)).id()).isNotNull();
        assertThat(b.verify(a.format(1)).problem()).contains("no MM_ID_KEY");
    }
}

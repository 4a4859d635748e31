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

    @Test
    void idsRoundTripAndNameTheirCollector() {
        PredictionIds ids = new PredictionIds("10.1.2.3", 9091);
        PredictionIds.Parsed parsed = PredictionIds.parse(ids.format(12345));
        assertThat(parsed.seq()).isEqualTo(12345);
        assertThat(parsed.host()).isEqualTo("10.1.2.3");
        assertThat(parsed.port()).isEqualTo(9091);
        assertThat(ids.isOwn(parsed)).isTrue();
        assertThat(new PredictionIds("10.1.2.3", 9091).isOwn(parsed)).as("a restarted collector").isFalse();
        PredictionIds v6 = new PredictionIds("fd00::1", 9091);
        assertThat(PredictionIds.parse(v6.format(7)).host()).isEqualTo("fd00::1");
        assertThat(v6.isOwnAddress(PredictionIds.parse(v6.format(7)))).isTrue();
        assertThat(PredictionIds.parse("nonsense")).isNull();
        assertThat(PredictionIds.parse("a.b@host:notaport")).isNull();
        assertThat(ids.format(1)).doesNotContain(",");
    }
}

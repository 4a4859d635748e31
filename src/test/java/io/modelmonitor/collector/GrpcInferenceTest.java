package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The hand-written ModelInfer decoder, on messages encoded as the protocol's field numbers say. */
class GrpcInferenceTest {

    private final PredictionReader reader = new PredictionReader(CollectorConfig.fromEnv(Map.of(
            "MM_UPSTREAM_URL", "http://127.0.0.1:1", "MM_TASK", "multiclass-classification")));

    @Test
    void scoreVectorsInTypedContentsAreReadAsArgmaxPerRow() {
        PredictionReader.Result result = GrpcInference.read(framed(CollectorGrpcTest.scoresResponse()), 5
                + CollectorGrpcTest.scoresResponse().length, reader);
        assertThat(result.failure()).isNull();
        assertThat(result.classes()).containsExactly("0", "1", "1");
    }

    @Test
    void rawOutputContentsAreReadByDatatype() {
        byte[] message = CollectorGrpcTest.rawResponse();
        PredictionReader.Result result = GrpcInference.read(framed(message), 5 + message.length, reader);
        assertThat(result.failure()).isNull();
        assertThat(result.classes()).containsExactly("2", "0");
    }

    @Test
    void compressedTruncatedAndEmptyMessagesAreCountedNotThrown() {
        byte[] message = CollectorGrpcTest.scoresResponse();
        byte[] compressed = framed(message);
        compressed[0] = 1;
        assertThat(GrpcInference.read(compressed, compressed.length, reader).failure())
                .isEqualTo(CollectorStats.Unparsed.NOT_JSON);
        assertThat(GrpcInference.read(framed(message), 5 + message.length - 3, reader).failure())
                .isEqualTo(CollectorStats.Unparsed.NO_PREDICTION);
        assertThat(GrpcInference.read(framed(new byte[0]), 5, reader).failure())
                .isEqualTo(CollectorStats.Unparsed.NO_PREDICTION);
    }

    private static byte[] framed(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }
}

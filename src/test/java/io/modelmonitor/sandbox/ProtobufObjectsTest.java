package io.modelmonitor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Protobuf bodies built field by field as k8s.io/api's generated.proto numbers them: what Helm sends when it is
 * pointed at the sandbox's local API.
 */
class ProtobufObjectsTest {

    @Test
    void readsASecretWithLabelsAndBinaryData() {
        byte[] metadata = concat(string(1, "sh.helm.release.v1.mm.v1"), string(3, "ops"), field(8, new byte[0]),
                entry(11, "owner", "helm"), entry(11, "status", "deployed"));
        byte[] secret = concat(field(1, metadata), field(2, concat(string(1, "release"), field(2, new byte[] {0, 1, 2, (byte) 255}))),
                string(3, "helm.sh/release.v1"));
        ObjectNode json = ProtobufObjects.toJson(envelope("Secret", secret)).orElseThrow();
        assertThat(json.toString()).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":"
                + "{\"name\":\"sh.helm.release.v1.mm.v1\",\"namespace\":\"ops\",\"labels\":{\"owner\":\"helm\","
                + "\"status\":\"deployed\"}},\"data\":{\"release\":\"AAEC/w==\"},\"type\":\"helm.sh/release.v1\"}");
    }

    @Test
    void readsConfigMapsAndNamespacesAndRefusesOtherKinds() {
        ObjectNode configMap = ProtobufObjects.toJson(envelope("ConfigMap",
                concat(field(1, string(1, "settings")), entry(2, "level", "debug")))).orElseThrow();
        assertThat(configMap.at("/data/level").asText()).isEqualTo("debug");
        ObjectNode namespace = ProtobufObjects.toJson(envelope("Namespace", field(1, string(1, "ml")))).orElseThrow();
        assertThat(namespace.at("/metadata/name").asText()).isEqualTo("ml");
        assertThat(ProtobufObjects.toJson(envelope("Pod", field(1, string(1, "p"))))).isEmpty();
    }

    @Test
    void malformedBodiesAreRejectedClearly() {
        assertThatThrownBy(() -> ProtobufObjects.toJson("{}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("k8s\\0");
        byte[] whole = envelope("Secret", field(1, string(1, "x")));
        assertThatThrownBy(() -> ProtobufObjects.toJson(Arrays.copyOf(whole, whole.length - 3)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] envelope(String kind, byte[] raw) {
        return concat(new byte[] {'k', '8', 's', 0}, field(1, concat(string(1, "v1"), string(2, kind))), field(2, raw));
    }

    private static byte[] entry(int number, String key, String value) {
        return field(number, concat(string(1, key), string(2, value)));
    }

    private static byte[] string(int number, String value) {
        return field(number, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A length-delimited field (wire type 2). */
    private static byte[] field(int number, byte[] payload) {
        return concat(varint(number << 3 | 2), varint(payload.length), payload);
    }

    private static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

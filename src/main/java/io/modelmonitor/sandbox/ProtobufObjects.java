package io.modelmonitor.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads the few Kubernetes objects that Go clients send as protobuf into their JSON form: Secrets (Helm stores its
 * releases in them), ConfigMaps and Namespaces ({@code kubectl create}). The wire format is the API server's: the
 * magic {@code k8s\0}, then a {@code runtime.Unknown} whose {@code raw} field holds the object, as in
 * k8s.io/api's generated.proto. Fields this does not know are skipped; a kind it does not know is empty.
 */
final class ProtobufObjects {

    private static final byte[] MAGIC = {'k', '8', 's', 0};
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProtobufObjects() {
    }

    /** The object as JSON, or empty for a kind not read here (the caller answers 415). */
    static Optional<ObjectNode> toJson(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not a Kubernetes protobuf message (no k8s\\0 prefix)");
        }
        Reader unknown = new Reader(body, MAGIC.length, body.length);
        String apiVersion = "";
        String kind = "";
        Reader raw = null;
        while (unknown.more()) {
            int tag = unknown.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    Reader typeMeta = unknown.message();
                    while (typeMeta.more()) {
                        int t = typeMeta.tag();
                        switch (t >>> 3) {
                            case 1 -> apiVersion = typeMeta.string();
                            case 2 -> kind = typeMeta.string();
                            default -> typeMeta.skip(t);
                        }
                    }
                }
                case 2 -> raw = unknown.message();
                default -> unknown.skip(tag);
            }
        }
        if (raw == null || !"v1".equals(apiVersion)) {
            return Optional.empty();
        }
        ObjectNode object = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
        switch (kind) {
            case "Secret" -> readSecret(raw, object);
            case "ConfigMap" -> readConfigMap(raw, object);
            case "Namespace" -> readMetadataOnly(raw, object);
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(object);
    }

    private static void readSecret(Reader in, ObjectNode secret) {
        while (in.more()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> secret.set("metadata", metadata(in.message()));
                case 2 -> mapEntry(in.message(), secret.withObjectProperty("data"), true);
                case 3 -> secret.put("type", in.string());
                case 4 -> mapEntry(in.message(), secret.withObjectProperty("stringData"), false);
                case 5 -> secret.put("immutable", in.varint() != 0);
                default -> in.skip(tag);
            }
        }
    }

    private static void readConfigMap(Reader in, ObjectNode configMap) {
        while (in.more()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> configMap.set("metadata", metadata(in.message()));
                case 2 -> mapEntry(in.message(), configMap.withObjectProperty("data"), false);
                case 3 -> mapEntry(in.message(), configMap.withObjectProperty("binaryData"), true);
                case 4 -> configMap.put("immutable", in.varint() != 0);
                default -> in.skip(tag);
            }
        }
    }

    private static void readMetadataOnly(Reader in, ObjectNode object) {
        while (in.more()) {
            int tag = in.tag();
            if (tag >>> 3 == 1) {
                object.set("metadata", metadata(in.message()));
            } else {
                in.skip(tag);
            }
        }
    }

    /** ObjectMeta: the fields a client sets on create and update (server-owned ones come from the store). */
    private static ObjectNode metadata(Reader in) {
        ObjectNode meta = JSON.createObjectNode();
        while (in.more()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> meta.put("name", in.string());
                case 2 -> meta.put("generateName", in.string());
                case 3 -> meta.put("namespace", in.string());
                case 5 -> meta.put("uid", in.string());
                case 6 -> meta.put("resourceVersion", in.string());
                case 11 -> mapEntry(in.message(), meta.withObjectProperty("labels"), false);
                case 12 -> mapEntry(in.message(), meta.withObjectProperty("annotations"), false);
                case 14 -> meta.withArrayProperty("finalizers").add(in.string());
                default -> in.skip(tag);
            }
        }
        return meta;
    }

    /** A protobuf map entry (key = 1, value = 2); bytes values become base64, as in JSON. */
    private static void mapEntry(Reader entry, ObjectNode into, boolean bytes) {
        String key = "";
        String value = "";
        while (entry.more()) {
            int tag = entry.tag();
            switch (tag >>> 3) {
                case 1 -> key = entry.string();
                case 2 -> value = bytes ? Base64.getEncoder().encodeToString(entry.bytes()) : entry.string();
                default -> entry.skip(tag);
            }
        }
        into.put(key, value);
    }

    /** Protobuf wire format over a slice of a byte array. */
    private static final class Reader {

        private final byte[] buffer;
        private int position;
        private final int end;

        Reader(byte[] buffer, int position, int end) {
            this.buffer = buffer;
            this.position = position;
            this.end = end;
        }

        boolean more() {
            return position < end;
        }

        int tag() {
            return (int) varint();
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    throw new IllegalArgumentException("truncated protobuf varint");
                }
                byte b = buffer[position++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed protobuf varint");
        }

        Reader message() {
            int length = length();
            Reader inner = new Reader(buffer, position, position + length);
            position += length;
            return inner;
        }

        byte[] bytes() {
            int length = length();
            byte[] out = Arrays.copyOfRange(buffer, position, position + length);
            position += length;
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        private int length() {
            long length = varint();
            if (length < 0 || position + length > end) {
                throw new IllegalArgumentException("protobuf field longer than its message");
            }
            return (int) length;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> position += 8;
                case 2 -> {
                    int length = length(); // not "position += length()": that adds to the position before the read
                    position += length;
                }
                case 5 -> position += 4;
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + (tag & 7));
            }
        }
    }
}

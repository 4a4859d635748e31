package io.modelmonitor.collector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads the predictions of an Open Inference Protocol v2 gRPC {@code ModelInfer} response: the gRPC message
 * (a 5-byte prefix, uncompressed), then the first output tensor of the protobuf message (and, for the features, the
 * input tensors of a {@code ModelInferRequest}), with its shape and its
 * values from {@code contents} or from {@code raw_output_contents} (little-endian, by datatype), turned into the
 * same {@code {shape, data}} the JSON form has, so both forms are read by one rule. The field numbers are the
 * protocol's ({@code src/main/proto/inference-subset.proto}); a decoder of our own keeps protobuf off the sidecar.
 */
final class GrpcInference {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private GrpcInference() {
    }

    /** The predictions in a gRPC response body (one or more length-prefixed messages; the first is read). */
    static PredictionReader.Result read(byte[] body, int length, PredictionReader reader) {
        if (length < 5) {
            return PredictionReader.Result.failed(CollectorStats.Unparsed.NO_PREDICTION);
        }
        if (body[0] != 0) {
            // A compressed message: not read, passed through.
            return PredictionReader.Result.failed(CollectorStats.Unparsed.NOT_JSON);
        }
        int messageLength = ByteBuffer.wrap(body, 1, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (messageLength < 0 || 5 + messageLength > length) {
            return PredictionReader.Result.failed(CollectorStats.Unparsed.NO_PREDICTION);
        }
        try {
            ObjectNode output = firstOutput(new Protobuf(body, 5, 5 + messageLength));
            return output == null ? PredictionReader.Result.failed(CollectorStats.Unparsed.NO_PREDICTION)
                    : reader.readOpenInferenceOutput(output);
        } catch (IllegalArgumentException e) {
            return PredictionReader.Result.failed(CollectorStats.Unparsed.NO_PREDICTION);
        }
    }

    private static ObjectNode firstOutput(Protobuf response) {
        Protobuf firstTensor = null;
        byte[] firstRaw = null;
        while (response.next()) {
            if (response.field() == 5 && firstTensor == null) {
                firstTensor = response.message();
            } else if (response.field() == 6 && firstRaw == null) {
                firstRaw = response.bytes();
            } else {
                response.skip();
            }
        }
        return firstTensor == null ? null : tensor(firstTensor, firstRaw);
    }

    /**
     * The input tensors of a {@code ModelInferRequest} gRPC body as the JSON form has them, {@code {"inputs": [{name,
     * shape, data}, ...]}}, for the features; null when the body is not one uncompressed message that has inputs.
     * InferInputTensor has InferOutputTensor's field numbers, and raw_input_contents (field 7) pairs with the inputs in
     * order, as raw_output_contents does with the outputs.
     */
    static ObjectNode inputs(byte[] body, int length) {
        if (length < 5 || body[0] != 0) {
            return null;
        }
        int messageLength = ByteBuffer.wrap(body, 1, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (messageLength < 0 || 5 + messageLength > length) {
            return null;
        }
        try {
            Protobuf request = new Protobuf(body, 5, 5 + messageLength);
            List<Protobuf> tensors = new ArrayList<>();
            List<byte[]> raws = new ArrayList<>();
            while (request.next()) {
                if (request.field() == 5 && tensors.size() < InputReader.MAX_MEMBERS) {
                    tensors.add(request.message());
                } else if (request.field() == 7 && raws.size() < InputReader.MAX_MEMBERS) {
                    raws.add(request.bytes());
                } else {
                    request.skip();
                }
            }
            if (tensors.isEmpty()) {
                return null;
            }
            ObjectNode root = JSON.objectNode();
            ArrayNode inputs = root.putArray("inputs");
            for (int i = 0; i < tensors.size(); i++) {
                inputs.add(tensor(tensors.get(i), i < raws.size() ? raws.get(i) : null));
            }
            return root;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** One tensor message (name 1, datatype 2, shape 3, contents 5) with its raw contents, as {name, shape, data}. */
    private static ObjectNode tensor(Protobuf tensor, byte[] raw) {
        String name = null;
        String datatype = null;
        List<Long> shape = new ArrayList<>();
        ArrayNode data = JSON.arrayNode();
        while (tensor.next()) {
            switch (tensor.field()) {
                case 1 -> name = new String(tensor.bytes(), StandardCharsets.UTF_8);
                case 2 -> datatype = new String(tensor.bytes(), StandardCharsets.UTF_8);
                case 3 -> tensor.varints(shape);
                case 5 -> contents(tensor.message(), data);
                default -> tensor.skip();
            }
        }
        if (data.isEmpty() && raw != null && datatype != null) {
            raw(raw, datatype, data);
        }
        ObjectNode node = JSON.objectNode();
        if (name != null) {
            node.put("name", name);
        }
        ArrayNode shapeNode = node.putArray("shape");
        shape.forEach(shapeNode::add);
        node.set("data", data);
        return node;
    }

    /** InferTensorContents: whichever typed list is set. */
    private static void contents(Protobuf contents, ArrayNode data) {
        while (contents.next()) {
            switch (contents.field()) {
                case 1 -> {
                    List<Long> values = new ArrayList<>();
                    contents.varints(values);
                    values.forEach(v -> data.add(v != 0));
                }
                case 2, 3, 4, 5 -> {
                    List<Long> values = new ArrayList<>();
                    contents.varints(values);
                    boolean signed32 = contents.field() == 2;
                    values.forEach(v -> data.add(signed32 ? (int) v.longValue() : v.longValue()));
                }
                case 6 -> contents.fixed32(data);
                case 7 -> contents.fixed64(data);
                case 8 -> data.add(new String(contents.bytes(), StandardCharsets.UTF_8));
                default -> contents.skip();
            }
        }
    }

    /** raw_output_contents: the tensor's values packed little-endian, by datatype. */
    private static void raw(byte[] raw, String datatype, ArrayNode data) {
        ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        switch (datatype) {
            case "FP32" -> { while (buffer.remaining() >= 4) { data.add(buffer.getFloat()); } }
            case "FP64" -> { while (buffer.remaining() >= 8) { data.add(buffer.getDouble()); } }
            case "INT64", "UINT64" -> { while (buffer.remaining() >= 8) { data.add(buffer.getLong()); } }
            case "INT32" -> { while (buffer.remaining() >= 4) { data.add(buffer.getInt()); } }
            case "UINT32" -> { while (buffer.remaining() >= 4) { data.add(buffer.getInt() & 0xffffffffL); } }
            case "INT16" -> { while (buffer.remaining() >= 2) { data.add(buffer.getShort()); } }
            case "UINT16" -> { while (buffer.remaining() >= 2) { data.add(buffer.getShort() & 0xffff); } }
            case "INT8" -> { while (buffer.hasRemaining()) { data.add(buffer.get()); } }
            case "UINT8" -> { while (buffer.hasRemaining()) { data.add(buffer.get() & 0xff); } }
            case "BOOL" -> { while (buffer.hasRemaining()) { data.add(buffer.get() != 0); } }
            case "BYTES" -> {
                while (buffer.remaining() >= 4) {
                    int n = buffer.getInt();
                    if (n < 0 || n > buffer.remaining()) {
                        break;
                    }
                    byte[] text = new byte[n];
                    buffer.get(text);
                    data.add(new String(text, StandardCharsets.UTF_8));
                }
            }
            default -> { } // FP16, BF16: not read
        }
    }

    /** A protobuf wire-format reader over a byte range: just what the messages above need. */
    static final class Protobuf {

        private final byte[] buf;
        private int pos;
        private final int end;
        private int field;
        private int wireType;

        Protobuf(byte[] buf, int from, int to) {
            this.buf = buf;
            this.pos = from;
            this.end = to;
        }

        boolean next() {
            if (pos >= end) {
                return false;
            }
            long key = varint();
            field = (int) (key >>> 3);
            wireType = (int) (key & 7);
            return true;
        }

        int field() {
            return field;
        }

        void skip() {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> advance(length());
                case 5 -> advance(4);
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
            }
        }

        byte[] bytes() {
            require(2);
            int n = length();
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            advance(n);
            return out;
        }

        Protobuf message() {
            require(2);
            int n = length();
            Protobuf inner = new Protobuf(buf, pos, pos + n);
            advance(n);
            return inner;
        }

        /** A repeated varint field, packed (wire type 2) or not. */
        void varints(List<Long> out) {
            if (wireType == 0) {
                out.add(varint());
                return;
            }
            require(2);
            int n = length(); // read first: it moves pos past the length
            int stop = pos + n;
            while (pos < stop) {
                out.add(varint());
            }
        }

        void fixed32(ArrayNode out) {
            if (wireType == 5) {
                out.add(Float.intBitsToFloat(littleEndian(4).intValue()));
                return;
            }
            require(2);
            int n = length(); // read first: it moves pos past the length
            int stop = pos + n;
            while (pos + 4 <= stop) {
                out.add(Float.intBitsToFloat(littleEndian(4).intValue()));
            }
        }

        void fixed64(ArrayNode out) {
            if (wireType == 1) {
                out.add(Double.longBitsToDouble(littleEndian(8)));
                return;
            }
            require(2);
            int n = length(); // read first: it moves pos past the length
            int stop = pos + n;
            while (pos + 8 <= stop) {
                out.add(Double.longBitsToDouble(littleEndian(8)));
            }
        }

        private Long littleEndian(int n) {
            if (pos + n > end) {
                throw new IllegalArgumentException("truncated");
            }
            long v = 0;
            for (int i = n - 1; i >= 0; i--) {
                v = (v << 8) | (buf[pos + i] & 0xff);
            }
            pos += n;
            return v;
        }

        private long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        private int length() {
            long n = varint();
            if (n < 0 || pos + n > end) {
                throw new IllegalArgumentException("length beyond the message");
            }
            return (int) n;
        }

        private void advance(int n) {
            if (pos + n > end) {
                throw new IllegalArgumentException("truncated");
            }
            pos += n;
        }

        private void require(int type) {
            if (wireType != type) {
                throw new IllegalArgumentException("field " + field + " has wire type " + wireType);
            }
        }
    }
}

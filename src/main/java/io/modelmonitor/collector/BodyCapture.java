package io.modelmonitor.collector;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/** A copy of a body as it streams past, up to a limit; past the limit it stops growing and says so. */
final class BodyCapture {

    private final int limit;
    private byte[] bytes = new byte[256];
    private int length;
    private boolean overflowed;

    BodyCapture(int limit) {
        this.limit = limit;
    }

    /** Copies the readable bytes of a chunk (without consuming them). Returns false once past the limit. */
    boolean append(ByteBuf chunk) {
        if (overflowed) {
            return false;
        }
        int n = chunk.readableBytes();
        if (length + n > limit) {
            overflowed = true;
            bytes = null;
            return false;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(length + n, bytes.length * 2)));
        }
        chunk.getBytes(chunk.readerIndex(), bytes, length, n);
        length += n;
        return true;
    }

    boolean overflowed() {
        return overflowed;
    }

    /** The bytes so far (the array may be longer than {@link #length()}). */
    byte[] bytes() {
        return overflowed ? new byte[0] : bytes;
    }

    int length() {
        return overflowed ? 0 : length;
    }
}

package io.modelmonitor.collector;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * A copy of a body as it streams past, up to a limit per body and within the collector's shared {@link MemoryBudget}
 * for all bodies: past either it stops growing, gives its bytes back and says why. The traffic it copies is never
 * held up by it. {@link #release()} returns what it took; every owner calls it when done (it is idempotent).
 */
final class BodyCapture {

    /** Why a capture stopped growing. */
    enum Overflow {
        /** The body is larger than the limit per body. */
        TOO_LARGE,
        /** All bodies together would exceed the collector's budget. */
        OVER_BUDGET
    }

    private static final byte[] EMPTY = new byte[0];

    private final int limit;
    private final MemoryBudget budget;
    private byte[] bytes = EMPTY;
    private int length;
    private Overflow overflow;

    BodyCapture(int limit, MemoryBudget budget) {
        this.limit = limit;
        this.budget = budget;
    }

    /** Copies the readable bytes of a chunk (without consuming them). Returns false once past a limit. */
    boolean append(ByteBuf chunk) {
        if (overflow != null) {
            return false;
        }
        int n = chunk.readableBytes();
        if ((long) length + n > limit) {
            stop(Overflow.TOO_LARGE);
            return false;
        }
        if (length + n > bytes.length) {
            int size = Math.min(limit, Math.max(length + n, Math.max(256, bytes.length * 2)));
            if (!budget.reserve(size - bytes.length)) {
                stop(Overflow.OVER_BUDGET);
                return false;
            }
            bytes = Arrays.copyOf(bytes, size);
        }
        chunk.getBytes(chunk.readerIndex(), bytes, length, n);
        length += n;
        return true;
    }

    /** Empties the capture for reuse, keeping its array (and the bytes it holds of the budget). */
    void clear() {
        length = 0;
        overflow = null;
    }

    private void stop(Overflow why) {
        overflow = why;
        release();
    }

    /** Gives the copied bytes back to the budget; the capture reads as empty afterwards. */
    void release() {
        budget.release(bytes.length);
        bytes = EMPTY;
        length = 0;
    }

    boolean overflowed() {
        return overflow != null;
    }

    /** Why it stopped growing, or null. */
    Overflow overflow() {
        return overflow;
    }

    /** The bytes so far (the array may be longer than {@link #length()}). */
    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }
}

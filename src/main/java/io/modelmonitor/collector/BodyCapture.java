package io.modelmonitor.collector;

import io.vertx.core.buffer.Buffer;

/** A copy of a body as it streams past, up to a limit; past the limit it stops growing and says so. */
final class BodyCapture {

    private final int limit;
    private final Buffer buffer = Buffer.buffer();
    private boolean overflowed;

    BodyCapture(int limit) {
        this.limit = limit;
    }

    /**
     * Appends a chunk. Returns false once the body is larger than the limit; the chunk that crossed it is still
     * kept (so a caller can pass everything on), later ones are not.
     */
    boolean append(Buffer chunk) {
        if (overflowed) {
            return false;
        }
        buffer.appendBuffer(chunk);
        if (buffer.length() > limit) {
            overflowed = true;
            return false;
        }
        return true;
    }

    boolean overflowed() {
        return overflowed;
    }

    Buffer buffer() {
        return buffer;
    }

    byte[] bytes() {
        return buffer.getBytes();
    }

    int length() {
        return buffer.length();
    }
}

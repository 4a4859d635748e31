package io.modelmonitor.collector;

/**
 * Bytes the collector may hold for all its connections together, of one kind (unfinished request heads, or copied
 * and held bodies). Per-connection limits alone let many connections add up past the heap: 4,000 connections each
 * holding 8 KB of header lines ended the collector with an OutOfMemoryError. A reservation that does not fit is
 * refused, and the caller sheds or streams instead of holding. Confined to the collector's one event loop: no locks.
 */
final class MemoryBudget {

    private final String name;
    private final long limit;
    private long used;
    private long peak;
    private long refused;

    MemoryBudget(String name, long limit) {
        this.name = name;
        this.limit = limit;
    }

    /*
     * How the heap is shared, for a heap of maxHeap bytes of which fixed are taken at start-up (the pending ring, about
     * 4 MiB of classes and tables besides): a sixteenth of the rest for unfinished heads (what a head costs on the heap
     * is a multiple of its bytes: the decoder's copy, the parsed header strings), an eighth for bodies, two fifths for
     * the connections themselves (CONNECTION_BYTES each). Together about 60%, so the worst an attacker can fill all of
     * them at once still leaves room for the garbage of honest traffic. Measured with the injected 48 MiB heap: 4,000
     * HTTP/2 connections that sent only the preface held 25 MiB, 4,000 stalled bodies with their model connections 21.
     */

    /** What one client connection and its connection to the model hold on the heap, at most (measured 4-6.3 KiB). */
    static final long CONNECTION_BYTES = 8 << 10;

    static MemoryBudget heads(long maxHeap, long fixed) {
        return new MemoryBudget("heads", Math.max(1 << 20, (maxHeap - fixed) / 16));
    }

    static MemoryBudget bodies(long maxHeap, long fixed) {
        return new MemoryBudget("bodies", Math.max(2 << 20, (maxHeap - fixed) / 8));
    }

    /** The most client connections the heap holds, whatever MM_MAX_CONNECTIONS asks for (at least 64). */
    static int connections(long maxHeap, long fixed) {
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE, (maxHeap - fixed) * 2 / 5 / CONNECTION_BYTES));
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) if they do not. */
    boolean reserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        if (used + bytes > limit) {
            refused++;
            return false;
        }
        used += bytes;
        peak = Math.max(peak, used);
        return true;
    }

    /** Takes {@code bytes} whether they fit or not (they are already held); the caller then sheds. */
    void force(long bytes) {
        used += bytes;
        peak = Math.max(peak, used);
    }

    void release(long bytes) {
        used = Math.max(0, used - bytes);
    }

    boolean over() {
        return used > limit;
    }

    long used() {
        return used;
    }

    long limit() {
        return limit;
    }

    long peak() {
        return peak;
    }

    long refused() {
        return refused;
    }

    String name() {
        return name;
    }
}

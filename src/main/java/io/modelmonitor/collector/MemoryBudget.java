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

    /**
     * The budgets for a heap of {@code maxHeap} bytes of which {@code fixed} are taken at start-up (the pending ring):
     * an eighth of the rest for unfinished heads, a quarter for bodies. What a head costs on the heap is a multiple of
     * its bytes (the decoder's copy, the parsed header strings), hence the smaller share.
     */
    static MemoryBudget heads(long maxHeap, long fixed) {
        return new MemoryBudget("heads", Math.max(1 << 20, (maxHeap - fixed) / 8));
    }

    static MemoryBudget bodies(long maxHeap, long fixed) {
        return new MemoryBudget("bodies", Math.max(2 << 20, (maxHeap - fixed) / 4));
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

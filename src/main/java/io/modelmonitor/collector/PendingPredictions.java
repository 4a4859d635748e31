package io.modelmonitor.collector;

/**
 * Predictions waiting for their ground-truth label, in a fixed ring of {@code capacity} slots allocated once.
 * Sequence numbers grow by one per prediction and every entry gets the same TTL, so the oldest entry is always
 * the next to expire: expiry sweeps from the tail, and a full ring overwrites its oldest entry. Both kinds of
 * loss are counted. Memory is fixed at start-up whatever the traffic does.
 */
final class PendingPredictions {

    /** What a matched label is joined with. */
    record Pending(int classIndex, int segmentIndex, double value) {
    }

    private final int capacity;
    private final long ttlMillis;
    private final long[] seqs;
    private final long[] expiries;
    private final int[] classes;
    private final int[] segments;
    private final double[] values;
    private final boolean[] open;
    private long nextSeq = 1;
    private long oldestSeq = 1;
    private int openCount;
    private long evictedByTtl;
    private long evictedByCapacity;

    PendingPredictions(int capacity, long ttlMillis) {
        this.capacity = capacity;
        this.ttlMillis = ttlMillis;
        this.seqs = new long[capacity];
        this.expiries = new long[capacity];
        this.classes = new int[capacity];
        this.segments = new int[capacity];
        this.values = new double[capacity];
        this.open = new boolean[capacity];
    }

    /** Stores a prediction and returns its sequence number. */
    synchronized long add(int classIndex, int segmentIndex, double value, long nowMillis) {
        long seq = nextSeq++;
        int slot = (int) (seq % capacity);
        if (open[slot]) {
            evictedByCapacity++;
            openCount--;
        }
        seqs[slot] = seq;
        expiries[slot] = nowMillis + ttlMillis;
        classes[slot] = classIndex;
        segments[slot] = segmentIndex;
        values[slot] = value;
        open[slot] = true;
        openCount++;
        oldestSeq = Math.max(oldestSeq, nextSeq - capacity);
        return seq;
    }

    /** Removes and returns the prediction, or null when it is unknown, already labeled, evicted or expired. */
    synchronized Pending take(long seq, long nowMillis) {
        if (seq < oldestSeq || seq >= nextSeq) {
            return null;
        }
        int slot = (int) (seq % capacity);
        if (!open[slot] || seqs[slot] != seq) {
            return null;
        }
        if (expiries[slot] < nowMillis) {
            expireUpTo(nowMillis);
            return null;
        }
        open[slot] = false;
        openCount--;
        return new Pending(classes[slot], segments[slot], values[slot]);
    }

    /** Drops every prediction whose label did not come in time. */
    synchronized void expireUpTo(long nowMillis) {
        while (oldestSeq < nextSeq) {
            int slot = (int) (oldestSeq % capacity);
            if (open[slot] && seqs[slot] == oldestSeq) {
                if (expiries[slot] >= nowMillis) {
                    return;
                }
                open[slot] = false;
                openCount--;
                evictedByTtl++;
            }
            oldestSeq++;
        }
    }

    synchronized int size() {
        return openCount;
    }

    synchronized long evictedByTtl() {
        return evictedByTtl;
    }

    synchronized long evictedByCapacity() {
        return evictedByCapacity;
    }

    /** The heap the ring takes, allocated once at start-up. */
    long bytes() {
        return (long) capacity * BYTES_PER_SLOT;
    }

    /** seq, expiry, class, segment, value, open. */
    static final int BYTES_PER_SLOT = 8 + 8 + 4 + 4 + 8 + 1;

    int capacity() {
        return capacity;
    }
}

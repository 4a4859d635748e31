package io.modelmonitor.collector;

import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.channel.Channel;

/**
 * The data port's client connections and what each is doing, so that no client can hold memory the others need.
 * Confined to the collector's one event loop: no locks.
 * <ul>
 * <li>A connection that sent part of a request head must complete it within {@code MM_HEADER_TIMEOUT}; one with no
 * request in progress is closed after {@code MM_IDLE_TIMEOUT}.</li>
 * <li>At most {@code MM_MAX_CONNECTIONS} are open. When a new one would exceed that, the oldest connection that is
 * idle or still sending its head is closed to make room: slow or silent clients give way to active ones. Only when
 * every connection has a request in progress is the new one refused.</li>
 * <li>At most a quarter of them may be stuck in the middle of a request head (the state in which a slow client
 * holds a partial header buffer); past it the oldest one that has been at it for more than a second is closed.
 * An honest burst, whose heads arrive whole within milliseconds, is never taken for an attack.</li>
 * </ul>
 */
final class Connections {

    /** What a connection is doing now. */
    enum State {
        /** No request in progress: keep-alive, or a new connection before its first byte. */
        IDLE,
        /** Part of a request head received. */
        HEAD,
        /** A request in progress (head complete), a tunnel, or an HTTP/2 connection. */
        ACTIVE
    }

    private static final class Entry {
        State state = State.IDLE;
        long since;
        boolean closeAfterResponse;
        Runnable onDrain;
    }

    /** During a drain, a keep-alive connection idle this long is closed: its client is not about to reuse it. */
    static final long DRAIN_IDLE_MILLIS = 1_000;
    /** A request head this old is slow, not merely queued behind a burst: it may be closed to make room. */
    static final long SLOW_HEAD_MILLIS = 1_000;

    private final CollectorStats stats;
    private final int maxConnections;
    private final int maxHeads;
    private final long headerTimeoutMillis;
    private final long idleTimeoutMillis;
    private final Map<Channel, Entry> open = new LinkedHashMap<>();
    private int heads;
    private boolean draining;

    Connections(CollectorConfig config, CollectorStats stats) {
        this.stats = stats;
        this.maxConnections = config.maxConnections();
        this.maxHeads = Math.max(8, config.maxConnections() / 4);
        this.headerTimeoutMillis = config.headerTimeout().toMillis();
        this.idleTimeoutMillis = config.idleTimeout().toMillis();
    }

    /** A new connection: admitted (making room if needed) or refused. */
    boolean admit(Channel channel, long now) {
        if (open.size() >= maxConnections && !evictOne(false, now, 0)) {
            stats.closed(CollectorStats.Closed.REJECTED);
            return false;
        }
        Entry entry = new Entry();
        entry.since = now;
        entry.closeAfterResponse = draining;
        open.put(channel, entry);
        stats.openConnections.set(open.size());
        return true;
    }

    void closed(Channel channel) {
        Entry entry = open.remove(channel);
        if (entry != null && entry.state == State.HEAD) {
            heads--;
        }
        stats.openConnections.set(open.size());
    }

    /** Bytes of a new request arrived on an idle connection. */
    void headStarted(Channel channel, long now) {
        Entry entry = open.get(channel);
        if (entry == null || entry.state != State.IDLE) {
            return;
        }
        entry.state = State.HEAD;
        entry.since = now;
        heads++;
        if (heads > maxHeads) {
            evictOne(true, now, SLOW_HEAD_MILLIS);
        }
    }

    /** The request head is complete (or the connection became a tunnel or HTTP/2). */
    void active(Channel channel, long now) {
        set(channel, State.ACTIVE, now);
    }

    /** The response is complete; the connection waits for the next request. */
    void idle(Channel channel, long now) {
        set(channel, State.IDLE, now);
    }

    private void set(Channel channel, State state, long now) {
        Entry entry = open.get(channel);
        if (entry == null) {
            return;
        }
        if (entry.state == State.HEAD) {
            heads--;
        }
        entry.state = state;
        entry.since = now;
    }

    /** Whether this connection's response should close it: while draining, every response does. */
    boolean closeAfterResponse(Channel channel) {
        Entry entry = open.get(channel);
        return draining || entry != null && entry.closeAfterResponse;
    }

    boolean draining() {
        return draining;
    }

    /** What to do for this connection when a drain starts (an HTTP/2 connection sends GOAWAY). */
    void onDrain(Channel channel, Runnable action) {
        Entry entry = open.get(channel);
        if (entry != null) {
            entry.onDrain = action;
        }
    }

    /** Starts a drain: from now on responses close their connections and idle ones go. */
    void drain() {
        draining = true;
        for (Entry entry : open.values().toArray(Entry[]::new)) {
            if (entry.onDrain != null) {
                entry.onDrain.run();
            }
        }
    }

    /** Closes what has been waiting too long; run every second. */
    void sweep(long now) {
        long idleLimit = draining ? Math.min(idleTimeoutMillis, DRAIN_IDLE_MILLIS) : idleTimeoutMillis;
        Map<Channel, CollectorStats.Closed> expired = new LinkedHashMap<>();
        for (Map.Entry<Channel, Entry> e : open.entrySet()) {
            Entry entry = e.getValue();
            if (entry.state == State.HEAD && now - entry.since >= headerTimeoutMillis) {
                expired.put(e.getKey(), CollectorStats.Closed.HEADER_TIMEOUT);
            } else if (entry.state == State.IDLE && now - entry.since >= idleLimit) {
                expired.put(e.getKey(), draining ? CollectorStats.Closed.DRAINED : CollectorStats.Closed.IDLE_TIMEOUT);
            }
        }
        expired.forEach((channel, reason) -> {
            close(channel, reason);
            closed(channel);
        });
    }

    /**
     * Closes the oldest connection that is idle, or sending its head for at least {@code minHeadMillis} (only heads
     * if {@code headsOnly}); returns false when there is none.
     */
    private boolean evictOne(boolean headsOnly, long now, long minHeadMillis) {
        Channel oldest = null;
        long oldestSince = Long.MAX_VALUE;
        for (Map.Entry<Channel, Entry> e : open.entrySet()) {
            Entry entry = e.getValue();
            boolean slowHead = entry.state == State.HEAD && now - entry.since >= minHeadMillis;
            if ((slowHead || !headsOnly && entry.state == State.IDLE) && entry.since < oldestSince) {
                oldest = e.getKey();
                oldestSince = entry.since;
            }
        }
        if (oldest == null) {
            return false;
        }
        close(oldest, CollectorStats.Closed.EVICTED);
        closed(oldest);
        return true;
    }

    private void close(Channel channel, CollectorStats.Closed reason) {
        stats.closed(reason);
        channel.close();
    }

    int size() {
        return open.size();
    }
}

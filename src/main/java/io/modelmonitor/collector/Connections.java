package io.modelmonitor.collector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import io.netty.channel.Channel;

/**
 * The data port's client connections and what each is doing, so that no client can hold a slot or memory the others
 * need. Every state has a deadline, and every state but a request waiting for its answer can be taken back under
 * pressure. Confined to the collector's one event loop: no locks.
 * <ul>
 * <li>{@link State#IDLE} (keep-alive, a new connection before its first byte, an HTTP/2 connection with no open
 * stream): closed after {@code MM_IDLE_TIMEOUT}.</li>
 * <li>{@link State#HEAD} (part of a request head received): must be complete within {@code MM_HEADER_TIMEOUT}. The
 * bytes of all unfinished heads together stay within a budget (an eighth of the heap that is not the pending ring):
 * past it, the oldest unfinished heads are shed, however young, before the heap is at risk.</li>
 * <li>{@link State#BODY} (head complete, the request body still coming): closed when no byte of it arrives for
 * {@code MM_BODY_TIMEOUT}.</li>
 * <li>{@link State#ACTIVE} (the request is with the model, or its answer is on the way): the model decides how long
 * it takes, but a client that stops reading its answer is closed once its writes have been stalled for
 * {@code MM_IDLE_TIMEOUT}.</li>
 * <li>{@link State#TUNNEL} (a WebSocket): closed after {@code MM_TUNNEL_IDLE_TIMEOUT} without a byte either way.</li>
 * </ul>
 * At most {@code MM_MAX_CONNECTIONS} are open. When a new one would exceed that, the connection that has waited
 * longest among those that are idle, or have sent nothing for a second (a head, a body, a tunnel), is closed to make
 * room: slow or silent clients give way to active ones. Only when every connection is busy is the new one refused. At
 * most a quarter may be part-way through a head; past it the oldest that has been at it for a second is closed. An
 * honest burst, whose heads arrive whole within milliseconds, is never taken for an attack.
 */
final class Connections {

    /** What a connection is doing now. */
    enum State {
        IDLE, HEAD, BODY, ACTIVE, TUNNEL
    }

    private static final class Entry {
        final Channel channel;
        State state = State.IDLE;
        /** When the state began. */
        long since;
        /** When the client last sent bytes (or, in a tunnel, either side did). */
        long lastActivity;
        /** When writes to the client stalled (it stopped reading), or 0. */
        long stalledSince;
        int headBytes;
        boolean closeAfterResponse;
        Runnable onDrain;
        LongConsumer onSweep;

        Entry(Channel channel, long now) {
            this.channel = channel;
            this.since = now;
            this.lastActivity = now;
        }
    }

    /** During a drain, a keep-alive connection idle this long is closed: its client is not about to reuse it. */
    static final long DRAIN_IDLE_MILLIS = 1_000;
    /** A head, body or tunnel silent this long is slow, not merely queued behind a burst: it may make room. */
    static final long SLOW_MILLIS = 1_000;

    private final CollectorStats stats;
    private final int maxConnections;
    private final int maxHeads;
    private final long headerTimeoutMillis;
    private final long bodyTimeoutMillis;
    private final long idleTimeoutMillis;
    private final long tunnelIdleTimeoutMillis;
    private final MemoryBudget headBytes;
    private final Map<Channel, Entry> open = new HashMap<>();
    /** Connections part-way through a head, oldest head first. */
    private final LinkedHashMap<Channel, Entry> heads = new LinkedHashMap<>();
    private boolean draining;

    /** @param maxConnections MM_MAX_CONNECTIONS, or fewer when the heap holds fewer ({@link MemoryBudget#connections}) */
    Connections(CollectorConfig config, int maxConnections, CollectorStats stats, MemoryBudget headBytes) {
        this.stats = stats;
        this.maxConnections = maxConnections;
        this.maxHeads = Math.max(8, maxConnections / 4);
        this.headerTimeoutMillis = config.headerTimeout().toMillis();
        this.bodyTimeoutMillis = config.bodyTimeout().toMillis();
        this.idleTimeoutMillis = config.idleTimeout().toMillis();
        this.tunnelIdleTimeoutMillis = config.tunnelIdleTimeout().toMillis();
        this.headBytes = headBytes;
    }

    /** A new connection: admitted (making room if needed) or refused. */
    boolean admit(Channel channel, long now) {
        if (open.size() >= maxConnections && !evictOne(now)) {
            stats.closed(CollectorStats.Closed.REJECTED);
            return false;
        }
        Entry entry = new Entry(channel, now);
        entry.closeAfterResponse = draining;
        open.put(channel, entry);
        stats.openConnections.set(open.size());
        return true;
    }

    void closed(Channel channel) {
        Entry entry = open.remove(channel);
        if (entry != null) {
            leaveHead(entry);
        }
        stats.openConnections.set(open.size());
    }

    /** Bytes arrived from the client: a head starts (on an idle connection) or grows, a body or tunnel moves on. */
    void received(Channel channel, int bytes, long now) {
        Entry entry = open.get(channel);
        if (entry == null) {
            return;
        }
        entry.lastActivity = now;
        if (entry.state == State.IDLE) {
            entry.state = State.HEAD;
            entry.since = now;
            heads.put(channel, entry);
            if (heads.size() > maxHeads) {
                shedSlowHead(now);
            }
        }
        if (entry.state == State.HEAD) {
            entry.headBytes += bytes;
            headBytes.force(bytes);
            // Oldest first, however young: the heap is shared, and an honest head is whole within one read.
            while (headBytes.over() && !heads.isEmpty()) {
                Entry oldest = heads.values().iterator().next();
                close(oldest.channel, CollectorStats.Closed.SHED);
                closed(oldest.channel);
            }
        }
    }

    /** The request head is complete and its body is still coming. */
    void body(Channel channel, long now) {
        set(channel, State.BODY, now);
    }

    /** The request is complete (or the connection is HTTP/2 with a stream open): the model has it. */
    void active(Channel channel, long now) {
        set(channel, State.ACTIVE, now);
    }

    /** The connection became a WebSocket tunnel. */
    void tunnel(Channel channel, long now) {
        set(channel, State.TUNNEL, now);
    }

    /** The response is complete (or an HTTP/2 connection has no stream open); it waits for the next request. */
    void idle(Channel channel, long now) {
        set(channel, State.IDLE, now);
    }

    /** Either side of a tunnel moved bytes. */
    void activity(Channel channel, long now) {
        Entry entry = open.get(channel);
        if (entry != null) {
            entry.lastActivity = now;
        }
    }

    /** Writes to the client are stalled (it is not reading), or flowing again. */
    void writable(Channel channel, boolean writable, long now) {
        Entry entry = open.get(channel);
        if (entry != null) {
            entry.stalledSince = writable ? 0 : entry.stalledSince == 0 ? now : entry.stalledSince;
        }
    }

    State state(Channel channel) {
        Entry entry = open.get(channel);
        return entry == null ? null : entry.state;
    }

    private void set(Channel channel, State state, long now) {
        Entry entry = open.get(channel);
        if (entry == null) {
            return;
        }
        leaveHead(entry);
        entry.state = state;
        entry.since = now;
        entry.lastActivity = now;
        entry.stalledSince = 0;
    }

    private void leaveHead(Entry entry) {
        if (heads.remove(entry.channel) != null) {
            headBytes.release(entry.headBytes);
            entry.headBytes = 0;
        }
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

    /** What to check on this connection at every sweep (an HTTP/2 connection's streams have deadlines of their own). */
    void onSweep(Channel channel, LongConsumer action) {
        Entry entry = open.get(channel);
        if (entry != null) {
            entry.onSweep = action;
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

    /** Closes what has waited past its deadline; run every second. */
    void sweep(long now) {
        long idleLimit = draining ? Math.min(idleTimeoutMillis, DRAIN_IDLE_MILLIS) : idleTimeoutMillis;
        List<Entry> sweepers = new ArrayList<>();
        Map<Channel, CollectorStats.Closed> expired = new LinkedHashMap<>();
        for (Entry entry : open.values()) {
            CollectorStats.Closed reason = switch (entry.state) {
                case HEAD -> now - entry.since >= headerTimeoutMillis ? CollectorStats.Closed.HEADER_TIMEOUT : null;
                case BODY -> now - entry.lastActivity >= bodyTimeoutMillis ? CollectorStats.Closed.BODY_TIMEOUT : null;
                case IDLE -> now - entry.since >= idleLimit
                        ? draining ? CollectorStats.Closed.DRAINED : CollectorStats.Closed.IDLE_TIMEOUT : null;
                case TUNNEL -> now - entry.lastActivity >= tunnelIdleTimeoutMillis ? CollectorStats.Closed.IDLE_TIMEOUT : null;
                case ACTIVE -> null;
            };
            if (reason == null && entry.stalledSince > 0 && now - entry.stalledSince >= idleTimeoutMillis) {
                reason = CollectorStats.Closed.STALLED;
            }
            if (reason != null) {
                expired.put(entry.channel, reason);
            } else if (entry.onSweep != null) {
                sweepers.add(entry);
            }
        }
        expired.forEach((channel, reason) -> {
            close(channel, reason);
            closed(channel);
        });
        for (Entry entry : sweepers) {
            entry.onSweep.accept(now);
        }
    }

    /**
     * Closes the connection that has waited longest among those that are idle, or silent for a second in a head, a
     * body or a tunnel; returns false when there is none.
     */
    private boolean evictOne(long now) {
        Entry oldest = null;
        for (Entry entry : open.values()) {
            boolean candidate = switch (entry.state) {
                case IDLE -> true;
                case HEAD -> now - entry.since >= SLOW_MILLIS;
                case BODY, TUNNEL -> now - entry.lastActivity >= SLOW_MILLIS;
                case ACTIVE -> false;
            };
            if (candidate && (oldest == null || waitingSince(entry) < waitingSince(oldest))) {
                oldest = entry;
            }
        }
        if (oldest == null) {
            return false;
        }
        close(oldest.channel, CollectorStats.Closed.EVICTED);
        closed(oldest.channel);
        return true;
    }

    private static long waitingSince(Entry entry) {
        return entry.state == State.IDLE || entry.state == State.HEAD ? entry.since : entry.lastActivity;
    }

    /** Too many heads at once: the oldest that has been at it for a second goes. */
    private void shedSlowHead(long now) {
        Iterator<Entry> it = heads.values().iterator();
        if (it.hasNext()) {
            Entry oldest = it.next();
            if (now - oldest.since >= SLOW_MILLIS) {
                close(oldest.channel, CollectorStats.Closed.EVICTED);
                closed(oldest.channel);
            }
        }
    }

    private void close(Channel channel, CollectorStats.Closed reason) {
        stats.closed(reason);
        channel.close();
    }

    int size() {
        return open.size();
    }

    int limit() {
        return maxConnections;
    }
}

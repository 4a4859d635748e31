package io.modelmonitor.collector;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.modelmonitor.api.v1alpha1.ModelTask;
import io.modelmonitor.metrics.CollectorSnapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The running collector: a data port that proxies the model's traffic and takes labels, an admin port, and what
 * they share, all on one event loop thread (the model gets the cores). Plain Netty: no framework layers in the
 * request path.
 */
public final class Collector implements AutoCloseable {

    private final CollectorConfig config;
    private final EventLoopGroup group;
    private final CollectorContext context;
    private final Channel dataServer;
    private final Channel adminServer;
    private final Transport transport;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean draining;

    private Collector(CollectorConfig config, EventLoopGroup group, CollectorContext context, Channel dataServer,
            Channel adminServer, Transport transport) {
        this.config = config;
        this.group = group;
        this.context = context;
        this.dataServer = dataServer;
        this.adminServer = adminServer;
        this.transport = transport;
    }

    /** Starts both servers; returns once they listen. */
    public static Collector start(CollectorConfig requested) {
        Transport transport = Transport.choose(requested.transport());
        EventLoopGroup group = transport.group(1, new DefaultThreadFactory("collector", true));
        try {
            PendingPredictions pending = new PendingPredictions(requested.maxPendingLabels(),
                    requested.labelTtl().toMillis());
            long heap = Runtime.getRuntime().maxMemory();
            CollectorStats stats = new CollectorStats(requested.maxClasses(), requested.maxSegments(),
                    requested.task() == ModelTask.BINARY_CLASSIFICATION,
                    requested.positiveLabel(), requested.reservedSegments(), !requested.segmentValues().isEmpty(),
                    MemoryBudget.heads(heap, pending.bytes()), MemoryBudget.bodies(heap, pending.bytes()));
            // The admin port is only known once it is bound; ids carry it, and the admin handler needs the rest.
            AdminServer[] admin = new AdminServer[1];
            Channel adminServer = bind(group, transport, requested.bindAddress(), requested.adminPort(), new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    AdminServer.install(ch, admin[0]);
                }
            });
            CollectorConfig config = requested.withAdminPort(((InetSocketAddress) adminServer.localAddress()).getPort());
            PredictionIds ids = new PredictionIds(config.podIp(), config.adminPort(), config.revision(), config.idKey());
            GenerationStats generation = config.task() == ModelTask.GENERATION ? new GenerationStats(stats.segments) : null;
            FeedbackService feedback = new FeedbackService(config, stats, generation, pending, ids,
                    new PeerClient(group, transport.socketChannel(), ids));
            Connections connections = new Connections(config, Math.min(config.maxConnections(),
                    MemoryBudget.connections(heap, pending.bytes())), stats, stats.headBudget);
            stats.connectionLimit = connections.limit();
            boolean features = !config.features().isEmpty();
            InputStats inputs = features ? new InputStats(config.features(), ids.instance(),
                    Math.max(1000, config.sketchEpoch().toMillis()), System::currentTimeMillis) : null;
            CollectorContext context = new CollectorContext(config, stats, pending, ids, new PredictionReader(config),
                    feedback, connections, features ? new InputReader(config.protocol(), config.features()) : null, inputs,
                    generation);
            Collector[] self = new Collector[1];
            admin[0] = new AdminServer(config, stats, feedback, ids,
                    cursor -> Snapshots.snapshot(config, stats, pending, ids, inputs, generation, cursor),
                    () -> self[0] != null && self[0].draining);
            Channel dataServer = bind(group, transport, config.bindAddress(), config.port(), new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (!connections.admit(ch, System.currentTimeMillis())) {
                        ch.close();
                        return;
                    }
                    // Whatever the pipeline has become by then (a tunnel, HTTP/2, nothing yet), the close is seen.
                    ch.closeFuture().addListener(f -> connections.closed(ch));
                    ch.pipeline().addLast("sniff", new ProtocolSniffer(context));
                }
            });
            group.next().scheduleAtFixedRate(() -> {
                long now = System.currentTimeMillis();
                pending.expireUpTo(now);
                connections.sweep(now);
            }, 1, 1, TimeUnit.SECONDS);
            self[0] = new Collector(config, group, context, dataServer, adminServer, transport);
            return self[0];
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Channel bind(EventLoopGroup group, Transport transport, String host, int port,
            ChannelInitializer<SocketChannel> init) {
        try {
            return new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096).option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true).childHandler(init)
                    .bind(host, port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding " + host + ":" + port, e);
        } catch (Exception e) {
            // Netty rethrows the bind's BindException unchecked: a port in use is one line, not a stack trace.
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int dataPort() {
        return ((InetSocketAddress) dataServer.localAddress()).getPort();
    }

    public int adminPort() {
        return config.adminPort();
    }

    public CollectorConfig config() {
        return config;
    }

    /** The sockets it runs on: epoll, or nio and why. */
    public String transport() {
        return transport.toString();
    }

    /** The most client connections open at once: MM_MAX_CONNECTIONS, or fewer when the heap holds fewer. */
    public int connectionLimit() {
        return context.connections().limit();
    }

    /** The cumulative counters as the operator reads them. */
    public CollectorSnapshot snapshot() {
        return snapshot(null);
    }

    /** As the operator reads them, with the features' sketches after {@code cursor} (see {@link InputStats}). */
    public CollectorSnapshot snapshot(String cursor) {
        return Snapshots.snapshot(config, context.stats(), context.pending(), context.ids(), context.inputs(),
                context.generation(), cursor);
    }

    int pendingLabels() {
        return context.pending().size();
    }

    CollectorStats stats() {
        return context.stats();
    }

    /**
     * Stops as a pod's sidecar should: unready at once (so Kubernetes stops sending traffic), still serving for
     * {@code MM_SHUTDOWN_DRAIN} while endpoints update and requests in flight finish. During the drain every
     * response closes its connection (HTTP/1.1 {@code Connection: close}, HTTP/2 GOAWAY) and idle keep-alive
     * connections are closed, so pooled clients move to other pods instead of finding this one gone.
     */
    public void shutDown() {
        draining = true;
        group.next().execute(context.connections()::drain);
        try {
            Thread.sleep(config.shutdownDrain().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        dataServer.close().syncUninterruptibly();
        adminServer.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

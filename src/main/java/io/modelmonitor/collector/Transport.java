package io.modelmonitor.collector;

import java.util.concurrent.ThreadFactory;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The sockets under the collector's event loop: Linux epoll through Netty's native transport when its library loads
 * (fewer system calls and no selector wake-ups per request), else Java NIO. {@code MM_TRANSPORT} chooses: {@code nio}
 * (the default), {@code auto} or {@code epoll} (refuse to start without it). Not epoll by default: with it, 2,000
 * held requests with 7 KB heads did not all reach the model (287 of 2,000 in a minute, CollectorUnderAttackTest)
 * where NIO passes them all, and it bought no CPU at all (src/bench/BENCHMARKS.md, issue 32).
 *
 * <p>Netty loads its library from {@code java.library.path} first, else unpacks it from its jar into a temporary
 * directory. The injected sidecar's root filesystem is read-only, so the image puts the library in
 * {@code /deployments/lib/native} (the build's {@code src/native/epoll.sh}) and names it in {@code JAVA_OPTS}.
 */
final class Transport {

    private final boolean epoll;
    private final String description;

    private Transport(boolean epoll, String description) {
        this.epoll = epoll;
        this.description = description;
    }

    static Transport choose(String requested) {
        if ("nio".equals(requested)) {
            return new Transport(false, "nio");
        }
        if (Epoll.isAvailable()) {
            return new Transport(true, "epoll");
        }
        String why = String.valueOf(Epoll.unavailabilityCause());
        if ("epoll".equals(requested)) {
            throw new IllegalStateException("MM_TRANSPORT epoll: the epoll transport cannot load: " + why);
        }
        return new Transport(false, "nio (epoll unavailable: " + why + ")");
    }

    EventLoopGroup group(int threads, ThreadFactory factory) {
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    @Override
    public String toString() {
        return description;
    }
}

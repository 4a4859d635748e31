package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;

/**
 * A model that speaks WebSocket, through a collector started with the operator's JVM options: the upgrade reaches
 * the model, both directions flow, the connection is counted as a tunnel. (The old collector stripped the Upgrade
 * header, and the model saw a plain GET.)
 */
class CollectorWebSocketTest {

    private final Vertx vertx = Vertx.vertx();
    private CollectorProcess collector;

    private final EventLoopGroup modelLoop = new NioEventLoopGroup(1);

    @AfterEach
    void close() throws Exception {
        if (collector != null) {
            collector.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        modelLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /**
     * A model that echoes WebSocket text messages on /v1/stream and answers anything else 400. Netty, not a Vert.x
     * server: Quarkus tests earlier in this JVM set vertx.disableWebsockets, which Vert.x servers read once.
     */
    private int echoModel(List<String> heard) throws InterruptedException {
        Channel server = new ServerBootstrap().group(modelLoop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                                new WebSocketServerProtocolHandler("/v1/stream"),
                                new SimpleChannelInboundHandler<Object>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                        if (msg instanceof TextWebSocketFrame text) {
                                            heard.add(text.text());
                                            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + text.text()));
                                        } else {
                                            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                    HttpResponseStatus.BAD_REQUEST)).addListener(ChannelFutureListener.CLOSE);
                                        }
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void webSocketUpgradesAreTunnelledBothWaysAndCounted() throws Exception {
        List<String> heardByModel = new CopyOnWriteArrayList<>();
        int modelPort = echoModel(heardByModel);
        collector = CollectorProcess.start(modelPort, Map.of());

        List<String> heardByClient = new CopyOnWriteArrayList<>();
        WebSocket socket;
        try {
            socket = vertx.createWebSocketClient().connect(collector.dataPort(), "127.0.0.1", "/v1/stream")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof io.vertx.core.http.UpgradeRejectedException rejected) {
                throw new AssertionError("upgrade refused with " + rejected.getStatus() + " " + rejected.getHeaders()
                        + " " + rejected.getBody() + "; collector output: " + collector.output(), e);
            }
            throw e;
        }
        socket.textMessageHandler(heardByClient::add);
        socket.writeTextMessage("hello");
        socket.writeTextMessage("again");

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(heardByClient).containsExactly("echo: hello", "echo: again"));
        assertThat(heardByModel).containsExactly("hello", "again");
        assertThat(collector.metric("modelmonitor_tunnels_total{protocol=\"websocket\"}")).isEqualTo(1);

        socket.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await("the tunnel is closed on both sides").atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(collector.metric("modelmonitor_connections_open")).isZero());
    }
}

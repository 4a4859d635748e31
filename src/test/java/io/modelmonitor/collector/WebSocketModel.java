package io.modelmonitor.collector;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import java.nio.charset.StandardCharsets;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * A model that echoes WebSocket text messages on /v1/stream and answers any other request with one prediction. Netty, not a Vert.x
 * server: Quarkus tests earlier in the JVM set vertx.disableWebsockets, which Vert.x servers read once.
 */
final class WebSocketModel implements AutoCloseable {

    static final String PREDICTION = "{\"predictions\":[1]}";

    final List<String> heard = new CopyOnWriteArrayList<>();
    private final EventLoopGroup loop = new NioEventLoopGroup(1);
    private final int port;

    WebSocketModel() throws InterruptedException {
        Channel server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
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
                                        } else if (msg instanceof FullHttpRequest) {
                                            FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                    HttpResponseStatus.OK, Unpooled.copiedBuffer(PREDICTION, StandardCharsets.US_ASCII));
                                            answer.headers().set("content-type", "application/json")
                                                    .setInt("content-length", answer.content().readableBytes());
                                            ctx.writeAndFlush(answer);
                                        }
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}

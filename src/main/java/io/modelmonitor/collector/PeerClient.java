package io.modelmonitor.collector;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import io.modelmonitor.api.CollectorContract;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * Sends labels to the replica that issued their ids, on its admin port: one short-lived connection per call, 5 s at
 * most. Only ever called with an address taken from an id whose signature verified and that is younger than the label
 * TTL. The request is signed with the monitor's key, not the feedback token, and the answer counts only if it is signed
 * with the same key: whatever listens at an old address learns no secret and cannot fake an outcome.
 */
final class PeerClient implements FeedbackService.Peers {

    static final int TIMEOUT_SECONDS = 5;

    /** The largest answer read from a peer: a count and up to 10,000 short rejections. */
    static final int MAX_ANSWER_BYTES = 2 << 20;
    /** The answer's signature header. */
    static final String SIGNATURE_HEADER = "X-MM-Signature";

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channel;
    private final PredictionIds ids;

    /** @param channel the socket channel of the group's transport (epoll or NIO) */
    PeerClient(EventLoopGroup group, Class<? extends SocketChannel> channel, PredictionIds ids) {
        this.group = group;
        this.channel = channel;
        this.ids = ids;
    }

    @Override
    public CompletableFuture<JsonNode> forward(String host, int port, byte[] json) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        String authorization = ids.forwardAuthorization(json, System.currentTimeMillis());
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channel)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, TIMEOUT_SECONDS * 1000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new HttpObjectAggregator(MAX_ANSWER_BYTES));
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                try {
                                    byte[] body = ByteBufUtil.getBytes(response.content());
                                    if (response.status().code() != 202) {
                                        answer.completeExceptionally(new IllegalStateException("status "
                                                + response.status().code()));
                                    } else if (!ids.verifyAnswer(authorization, body,
                                            response.headers().get(SIGNATURE_HEADER))) {
                                        answer.completeExceptionally(new IllegalStateException(
                                                "the answer is not signed with the monitor's key"));
                                    } else {
                                        answer.complete(PredictionReader.JSON.readTree(body));
                                    }
                                } catch (IOException e) {
                                    answer.completeExceptionally(e);
                                }
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                answer.completeExceptionally(new IllegalStateException("connection closed"));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                answer.completeExceptionally(cause);
                                ctx.close();
                            }
                        });
                    }
                });
        String hostHeader = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        bootstrap.connect(host, port).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                    CollectorContract.FORWARDED_FEEDBACK_PATH, Unpooled.wrappedBuffer(json));
            request.headers().set(HttpHeaderNames.HOST, hostHeader).set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
            f.channel().writeAndFlush(request);
        });
        return answer;
    }
}

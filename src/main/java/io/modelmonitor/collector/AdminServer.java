package io.modelmonitor.collector;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.metrics.CollectorSnapshot;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * The admin port: Prometheus metrics, the snapshot the operator reads, health, and feedback forwarded by other
 * replicas. Small requests from few clients (the operator, Prometheus, the kubelet, peers), so at most
 * {@value #MAX_CONNECTIONS} connections at once (a new one closes the oldest, so a client holding them all cannot
 * starve the kubelet's probes), each closed after 30 s without a byte. A forwarded request must carry
 * a fresh signature with the monitor's key on its head before its body is read, and its body takes its share of the
 * collector's budget for bodies; every other request is a GET without a body.
 */
final class AdminServer extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final int MAX_CONNECTIONS = 64;
    private static final AttributeKey<Long> RESERVED = AttributeKey.valueOf("modelmonitor.admin.reserved");

    private final CollectorConfig config;
    private final CollectorStats stats;
    private final FeedbackService feedback;
    private final PredictionIds ids;
    /** The snapshot for a reader's sketch cursor (null: no sketches, nothing closed). */
    private final Function<String, CollectorSnapshot> snapshots;
    private final Supplier<Boolean> draining;
    /** Open connections, oldest first. */
    private final ArrayDeque<SocketChannel> open = new ArrayDeque<>();

    AdminServer(CollectorConfig config, CollectorStats stats, FeedbackService feedback, PredictionIds ids,
            Function<String, CollectorSnapshot> snapshots, Supplier<Boolean> draining) {
        this.config = config;
        this.stats = stats;
        this.feedback = feedback;
        this.ids = ids;
        this.snapshots = snapshots;
        this.draining = draining;
    }

    /** Runs on the collector's one event loop, as does every handler here. */
    static void install(SocketChannel channel, AdminServer handler) {
        if (handler.open.size() >= MAX_CONNECTIONS) {
            handler.open.poll().close();
        }
        handler.open.add(channel);
        channel.closeFuture().addListener(f -> {
            handler.open.remove(channel);
            Long reserved = channel.attr(RESERVED).getAndSet(null);
            if (reserved != null) {
                handler.stats.bodyBudget.release(reserved);
            }
        });
        channel.pipeline().addLast(new ReadTimeoutHandler(30));
        channel.pipeline().addLast(new HttpServerCodec());
        channel.pipeline().addLast(handler.new Guard());
        channel.pipeline().addLast(new HttpObjectAggregator(handler.config.maxBodyBytes()));
        channel.pipeline().addLast(handler);
    }

    /** Decides on the head what may have a body, before the aggregator holds any of it. */
    private final class Guard extends ChannelInboundHandlerAdapter {

        private boolean discarding;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                discarding = false;
                String refusal = refusal(ctx, request);
                if (refusal != null) {
                    discarding = true;
                    ReferenceCountUtil.release(msg);
                    HttpResponseStatus status = HttpResponseStatus.valueOf(Integer.parseInt(refusal.substring(0, 3)));
                    send(ctx, text(status, refusal.substring(4) + "\n"), false);
                    return;
                }
            } else if (discarding) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        /** "status reason" if the request is refused on its head, else null (and its body's bytes are reserved). */
        private String refusal(ChannelHandlerContext ctx, HttpRequest request) {
            boolean forwarded = request.method() == HttpMethod.POST
                    && CollectorContract.FORWARDED_FEEDBACK_PATH.equals(path(request.uri()));
            long length = HttpUtil.getContentLength(request, -1L);
            if (!forwarded) {
                return length > 0 || HttpUtil.isTransferEncodingChunked(request) ? "413 only forwarded feedback has a body"
                        : null;
            }
            if (ids.forwardTime(request.headers().get(HttpHeaderNames.AUTHORIZATION), System.currentTimeMillis()) == null) {
                return "401 forwarded feedback must be signed with the monitor's key";
            }
            if (length < 0 || length > config.maxBodyBytes()) {
                return "413 forwarded feedback needs a Content-Length of at most " + config.maxBodyBytes();
            }
            if (!stats.bodyBudget.reserve(length)) {
                return "503 the collector holds as much feedback as it may at once";
            }
            ctx.channel().attr(RESERVED).set(length);
            return null;
        }
    }

    @Override
    public boolean isSharable() {
        return true;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = path(request.uri());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.method() == HttpMethod.POST && CollectorContract.FORWARDED_FEEDBACK_PATH.equals(path)) {
            byte[] body = ByteBufUtil.getBytes(request.content());
            String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (!ids.verifyForward(authorization, body, System.currentTimeMillis())) {
                release(ctx);
                send(ctx, text(HttpResponseStatus.UNAUTHORIZED, "forwarded feedback must be signed with the monitor's key\n"),
                        false);
                return;
            }
            feedback.handle(body, body.length, null, true)
                    .whenComplete((answer, error) -> ctx.executor().execute(() -> {
                        release(ctx);
                        send(ctx, answer != null ? signed(Http1Proxy.answer(answer), authorization)
                                : text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "error\n"), keepAlive);
                    }));
            return;
        }
        if (request.method() != HttpMethod.GET) {
            send(ctx, text(HttpResponseStatus.METHOD_NOT_ALLOWED, ""), keepAlive);
            return;
        }
        FullHttpResponse response = switch (path) {
            case CollectorContract.HEALTH_PATH -> text(HttpResponseStatus.OK, "ok\n");
            case CollectorContract.READY_PATH -> draining.get() ? text(HttpResponseStatus.SERVICE_UNAVAILABLE, "draining\n")
                    : text(HttpResponseStatus.OK, "ok\n");
            case CollectorContract.METRICS_PATH -> {
                FullHttpResponse r = text(HttpResponseStatus.OK, Snapshots.prometheus(snapshots.apply(null), stats));
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                yield r;
            }
            case CollectorContract.SNAPSHOT_PATH -> {
                try {
                    FullHttpResponse r = text(HttpResponseStatus.OK,
                            PredictionReader.JSON.writeValueAsString(snapshots.apply(cursor(request.uri()))));
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    yield r;
                } catch (JsonProcessingException e) {
                    yield text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "");
                }
            }
            default -> text(HttpResponseStatus.NOT_FOUND, "");
        };
        send(ctx, response, keepAlive);
    }

    private void release(ChannelHandlerContext ctx) {
        Long reserved = ctx.channel().attr(RESERVED).getAndSet(null);
        if (reserved != null) {
            stats.bodyBudget.release(reserved);
        }
    }

    /** The answer to a forwarded request, signed so the forwarding replica knows it came from a holder of the key. */
    private FullHttpResponse signed(FullHttpResponse response, String requestAuthorization) {
        response.headers().set(PeerClient.SIGNATURE_HEADER,
                ids.answerSignature(requestAuthorization, ByteBufUtil.getBytes(response.content())));
        return response;
    }

    /** The snapshot's {@code since} parameter, bounded: a cursor is an instance id, a colon and a number. */
    private static String cursor(String uri) {
        List<String> values = new QueryStringDecoder(uri).parameters().get(CollectorContract.SNAPSHOT_SINCE);
        if (values == null || values.isEmpty() || values.get(0).length() > 128) {
            return null;
        }
        return values.get(0);
    }

    private static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

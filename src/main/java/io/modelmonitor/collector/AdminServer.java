package io.modelmonitor.collector;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.metrics.CollectorSnapshot;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * The admin port: Prometheus metrics, the snapshot the operator reads, health, and feedback forwarded by other
 * replicas. Small requests from few clients (the operator, Prometheus, the kubelet, peers): each is read whole.
 */
final class AdminServer extends SimpleChannelInboundHandler<FullHttpRequest> {


    private final CollectorStats stats;
    private final FeedbackService feedback;
    private final Supplier<CollectorSnapshot> snapshots;
    private final Supplier<Boolean> draining;

    AdminServer(CollectorStats stats, FeedbackService feedback, Supplier<CollectorSnapshot> snapshots,
            Supplier<Boolean> draining) {
        this.stats = stats;
        this.feedback = feedback;
        this.snapshots = snapshots;
        this.draining = draining;
    }

    static void install(SocketChannel channel, int maxBodyBytes, AdminServer handler) {
        channel.pipeline().addLast(new ReadTimeoutHandler(60));
        channel.pipeline().addLast(new HttpServerCodec());
        channel.pipeline().addLast(new HttpObjectAggregator(maxBodyBytes));
        channel.pipeline().addLast(handler);
    }

    @Override
    public boolean isSharable() {
        return true;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri().contains("?") ? request.uri().substring(0, request.uri().indexOf('?')) : request.uri();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.method() == HttpMethod.POST && CollectorContract.FORWARDED_FEEDBACK_PATH.equals(path)) {
            byte[] body = ByteBufUtil.getBytes(request.content());
            feedback.handle(body, body.length, request.headers().get(HttpHeaderNames.AUTHORIZATION), true)
                    .whenComplete((answer, error) -> ctx.executor().execute(() -> send(ctx, answer != null
                            ? Http1Proxy.answer(answer) : text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "error\n"), keepAlive)));
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
                FullHttpResponse r = text(HttpResponseStatus.OK, Snapshots.prometheus(snapshots.get(), stats));
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                yield r;
            }
            case CollectorContract.SNAPSHOT_PATH -> {
                try {
                    FullHttpResponse r = text(HttpResponseStatus.OK,
                            PredictionReader.JSON.writeValueAsString(snapshots.get()));
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

package io.modelmonitor.collector;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** One direction of an upgraded connection (a WebSocket): bytes as they come, with back-pressure both ways. */
final class Tunnel extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private final Runnable onActivity;

    /** @param onActivity told of every read, either way (a tunnel with no bytes for long is closed) */
    Tunnel(Channel peer, Runnable onActivity) {
        this.peer = peer;
        this.onActivity = onActivity;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        onActivity.run();
        peer.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        peer.config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

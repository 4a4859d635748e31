package io.modelmonitor.collector;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Notices the first bytes of a request head on an idle connection, before the decoder holds them. */
final class HeadActivity extends ChannelInboundHandlerAdapter {

    private final Connections connections;

    HeadActivity(Connections connections) {
        this.connections = connections;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            connections.headStarted(ctx.channel(), System.currentTimeMillis());
        }
        ctx.fireChannelRead(msg);
    }
}

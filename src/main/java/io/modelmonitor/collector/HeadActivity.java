package io.modelmonitor.collector;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Tells {@link Connections} of every read from the client before the decoder holds its bytes: the first bytes of a
 * request head on an idle connection, the head's growth (counted against the budget of all unfinished heads), and a
 * body's progress.
 */
final class HeadActivity extends ChannelInboundHandlerAdapter {

    private final Connections connections;

    HeadActivity(Connections connections) {
        this.connections = connections;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            connections.received(ctx.channel(), bytes.readableBytes(), System.currentTimeMillis());
        }
        ctx.fireChannelRead(msg);
    }
}

package io.modelmonitor.collector;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Tells HTTP/2 with prior knowledge (what gRPC clients speak in the clear: the connection starts with the
 * preface {@code PRI * HTTP/2.0}) from HTTP/1.1 by the first bytes of a connection, installs the matching proxy and
 * steps aside, handing on what it read.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    private static final byte[] PREFACE = "PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII);

    private final CollectorContext context;

    ProtocolSniffer(CollectorContext context) {
        this.context = context;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // Bytes of something: from now on the header timeout applies, not the idle one. (Their bytes are counted by
        // HeadActivity for HTTP/1.1, or held by the HTTP/2 codec within its own limits.)
        context.connections().received(ctx.channel(), 0, System.currentTimeMillis());
        int n = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                Http1Proxy.install(ctx.channel(), context);
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (n < PREFACE.length) {
            return; // not enough to tell yet
        }
        // A preface alone is not a request: until a stream opens, the connection is idle and may be closed or evicted.
        context.connections().idle(ctx.channel(), System.currentTimeMillis());
        Http2Proxy.install(ctx.channel(), context);
        ctx.pipeline().remove(this);
    }
}

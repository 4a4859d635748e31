package io.modelmonitor.collector;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;

import io.modelmonitor.collector.CollectorStats.Outcome;
import io.modelmonitor.collector.CollectorStats.Unparsed;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;

/**
 * HTTP/2 in the clear with prior knowledge (h2c; what gRPC clients, Triton's and KServe's among them, speak to a
 * sidecar) proxied frame by frame to one HTTP/2 connection to the model. Each client stream gets a model stream;
 * DATA flows on as it comes and flow-control credit goes back to the sender only once the other side took it, so
 * a slow reader slows the writer instead of filling memory. Each call is timed from its request headers to its end;
 * a gRPC call counts by its {@code grpc-status} (mapped to 2xx/4xx/5xx as gRPC's HTTP mapping does), an HTTP/2 call
 * by {@code :status}. The predictions of an Open Inference Protocol v2 {@code ModelInfer} response are read and
 * their ids sent back in the trailing metadata {@code x-prediction-id}; other responses carry an untracked id in
 * their headers.
 *
 * <p>Bounds: at most {@value #MAX_STREAMS} streams per client connection; a stream whose request stops arriving for
 * {@code MM_BODY_TIMEOUT} is reset both ways; streams beyond the model's own limit wait for one of its slots (Netty's
 * buffering encoder) instead of failing silently, and a stream the model's connection cannot take is refused
 * ({@code REFUSED_STREAM}, which clients may retry). A connection with no open stream is idle to {@link Connections}.
 */
final class Http2Proxy extends Http2ChannelDuplexHandler {

    static final String MODEL_INFER = "/inference.GRPCInferenceService/ModelInfer";
    /** Streams per client connection: the RFC's recommended minimum, and what common servers grant. */
    static final int MAX_STREAMS = 100;
    static final String PREDICTION_ID = "x-prediction-id";

    private final CollectorContext context;
    private ChannelHandlerContext down;
    private Channel up;
    private Upstream upstream;
    private boolean connecting;
    private final Queue<Runnable> whileConnecting = new ArrayDeque<>();
    /** DATA received while the model connection is being set up, released if it fails. */
    private final Queue<ReferenceCounted> heldWhileConnecting = new ArrayDeque<>();
    private final Map<Http2FrameStream, Call> byClientStream = new HashMap<>();
    private final Map<Http2FrameStream, Call> byModelStream = new HashMap<>();
    private boolean goingAway;

    Http2Proxy(CollectorContext context) {
        this.context = context;
    }

    static void install(Channel channel, CollectorContext context) {
        Http2Settings settings = Http2Settings.defaultSettings().maxConcurrentStreams(MAX_STREAMS)
                .maxHeaderListSize(context.config().maxHeaderBytes());
        channel.pipeline().addLast("h2", Http2FrameCodecBuilder.forServer().initialSettings(settings).build());
        Http2Proxy proxy = new Http2Proxy(context);
        channel.pipeline().addLast("proxy", proxy);
        context.connections().onDrain(channel, proxy::goAway);
        context.connections().onSweep(channel, proxy::resetStalled);
    }

    /** Resets, both ways, every stream whose request stopped arriving for MM_BODY_TIMEOUT. */
    void resetStalled(long now) {
        long limit = context.config().bodyTimeout().toMillis();
        for (Call call : byClientStream.values().toArray(Call[]::new)) {
            if (!call.requestEnded && now - call.lastClientFrame >= limit) {
                context.stats().streamResets.incrementAndGet(CollectorStats.StreamReset.BODY_TIMEOUT.ordinal());
                call.clientReset(Http2Error.CANCEL.code());
                down.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(call.client));
            }
        }
    }

    @Override
    protected void handlerAdded0(ChannelHandlerContext ctx) {
        down = ctx;
        if (context.connections().draining()) {
            goAway();
        }
    }

    /** Shutting down: no new streams on this connection; those in flight finish. */
    void goAway() {
        if (goingAway || down == null) {
            return;
        }
        goingAway = true;
        down.executor().execute(() -> {
            down.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            closeIfDone();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame headers) {
            Call call = byClientStream.get(headers.stream());
            if (call == null) {
                call = new Call(headers.stream(), headers.headers());
                byClientStream.put(headers.stream(), call);
                context.connections().active(ctx.channel(), System.currentTimeMillis());
            }
            call.clientHeaders(headers);
        } else if (msg instanceof Http2DataFrame data) {
            Call call = byClientStream.get(data.stream());
            if (call == null) {
                ReferenceCountUtil.release(data);
                return;
            }
            call.clientData(data);
        } else if (msg instanceof Http2ResetFrame reset) {
            Call call = byClientStream.get(reset.stream());
            if (call != null) {
                call.clientReset(reset.errorCode());
            }
        } else if (msg instanceof Http2GoAwayFrame goAway) {
            ReferenceCountUtil.release(goAway);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (up != null && up.isActive()) {
            up.flush();
        }
        ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (Call call : byClientStream.values().toArray(Call[]::new)) {
            call.abandoned();
        }
        if (up != null) {
            up.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void withModel(Runnable action) {
        if (up != null && up.isActive() && upstream.ready) {
            action.run();
            return;
        }
        whileConnecting.add(action);
        if (!connecting && up == null) {
            connect();
        }
    }

    private void connect() {
        connecting = true;
        long started = System.nanoTime();
        Channel client = down.channel();
        upstream = new Upstream();
        new Bootstrap().group(client.eventLoop()).channel(client.getClass().asSubclass(SocketChannel.class))
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // Streams beyond the model's SETTINGS_MAX_CONCURRENT_STREAMS wait for a slot instead of failing.
                        ch.pipeline().addLast("h2", Http2FrameCodecBuilder.forClient()
                                .encoderEnforceMaxConcurrentStreams(true).build());
                        ch.pipeline().addLast("model", upstream);
                    }
                })
                .connect(context.config().upstreamHost(), context.config().upstreamPort()).addListener((ChannelFuture f) -> {
                    connecting = false;
                    context.stats().upstreamWait.record(System.nanoTime() - started);
                    if (!f.isSuccess()) {
                        whileConnecting.clear();
                        heldWhileConnecting.forEach(ReferenceCountUtil::release);
                        heldWhileConnecting.clear();
                        for (Call call : byClientStream.values().toArray(Call[]::new)) {
                            call.unreachable();
                        }
                        return;
                    }
                    up = f.channel();
                    upstream.ready = true;
                    heldWhileConnecting.clear();
                    Runnable action;
                    while ((action = whileConnecting.poll()) != null) {
                        action.run();
                    }
                    up.flush();
                });
    }

    private void closeIfDone() {
        if (goingAway && byClientStream.isEmpty()) {
            down.close();
        }
    }

    /** The model's side: one HTTP/2 connection, its streams mapped back to the client's. */
    private final class Upstream extends Http2ChannelDuplexHandler {

        boolean ready;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers) {
                Call call = byModelStream.get(headers.stream());
                if (call != null) {
                    call.modelHeaders(headers);
                }
            } else if (msg instanceof Http2DataFrame data) {
                Call call = byModelStream.get(data.stream());
                if (call == null) {
                    ctx.write(new DefaultHttp2WindowUpdateFrame(data.initialFlowControlledBytes()).stream(data.stream()));
                    ReferenceCountUtil.release(data);
                    return;
                }
                call.modelData(ctx, data);
            } else if (msg instanceof Http2ResetFrame reset) {
                Call call = byModelStream.get(reset.stream());
                if (call != null) {
                    call.modelReset(reset.errorCode());
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            down.flush();
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            up = null;
            for (Call call : byClientStream.values().toArray(Call[]::new)) {
                call.modelGone();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        Http2FrameStream stream() {
            return newStream();
        }
    }

    /** One client stream, its model stream, and what is learned of the call on the way. */
    private final class Call {

        private final Http2FrameStream client;
        private Http2FrameStream model;
        private final long startNanos = System.nanoTime();
        private final boolean grpc;
        private final boolean modelInfer;
        private final String segment;
        /** When the client last sent a frame of this stream; whether its request side has ended. */
        long lastClientFrame = System.currentTimeMillis();
        boolean requestEnded;
        private int httpStatus;
        private boolean responseStarted;
        private BodyCapture responseBody;
        /** The request's body, for its input features: JSON over HTTP/2, or a gRPC ModelInfer request. */
        private final BodyCapture requestBody;
        private boolean done;

        Call(Http2FrameStream client, Http2Headers requestHeaders) {
            this.client = client;
            CharSequence type = requestHeaders.get("content-type");
            this.grpc = type != null && type.toString().startsWith("application/grpc");
            CharSequence path = requestHeaders.path();
            this.modelInfer = grpc && path != null && MODEL_INFER.contentEquals(path);
            String header = context.config().segmentHeader();
            CharSequence value = header == null ? null : requestHeaders.get(header.toLowerCase(Locale.ROOT));
            this.segment = value == null || value.toString().isBlank() ? PredictionReader.NO_SEGMENT : value.toString();
            if (grpc) {
                context.stats().grpcCalls.increment();
            }
            this.requestBody = context.readsInputs() && (modelInfer || !grpc)
                    ? new BodyCapture(context.config().maxBodyBytes(), context.stats().bodyBudget) : null;
        }

        /**
         * The request's features, once its last frame has gone on to the model; whatever the body holds, the
         * call is not touched (as over HTTP/1.1).
         */
        private void readInputs() {
            if (requestBody == null || requestBody.length() == 0) {
                return;
            }
            InputReader.Rows rows;
            try {
                rows = requestBody.overflowed() ? InputReader.VIOLATION : modelInfer
                        ? context.inputReader().readTensors(GrpcInference.inputs(requestBody.bytes(), requestBody.length()))
                        : context.inputReader().read(requestBody.bytes(), requestBody.length());
            } catch (RuntimeException e) {
                rows = InputReader.VIOLATION;
            }
            context.inputs().record(rows);
            requestBody.release();
        }

        void clientHeaders(Http2HeadersFrame frame) {
            lastClientFrame = System.currentTimeMillis();
            requestEnded |= frame.isEndStream();
            withModel(() -> {
                if (model == null) {
                    model = upstream.stream();
                    byModelStream.put(model, this);
                }
                up.write(new DefaultHttp2HeadersFrame(frame.headers(), frame.isEndStream(), frame.padding()).stream(model))
                        .addListener(f -> {
                            if (!f.isSuccess() && !done) {
                                // The model's connection could not take the stream: the client may retry it.
                                context.stats().streamResets.incrementAndGet(CollectorStats.StreamReset.REFUSED.ordinal());
                                down.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM).stream(client));
                                end(Outcome.UNREACHABLE);
                            }
                        });
            });
        }

        void clientData(Http2DataFrame frame) {
            lastClientFrame = System.currentTimeMillis();
            requestEnded |= frame.isEndStream();
            int credit = frame.initialFlowControlledBytes();
            if (requestBody != null) {
                requestBody.append(frame.content()); // a copy, before the write below gives the frame away
            }
            if (up == null || upstream == null || !upstream.ready) {
                heldWhileConnecting.add(frame.content());
            }
            withModel(() -> up.write(new DefaultHttp2DataFrame(frame.content(), frame.isEndStream(), frame.padding())
                    .stream(model)).addListener(f -> {
                        // Credit back to the client only once the model's side took the bytes.
                        if (down.channel().isActive() && client.state().remoteSideOpen()) {
                            down.writeAndFlush(new DefaultHttp2WindowUpdateFrame(credit).stream(client));
                        }
                    }));
            if (requestBody != null && frame.isEndStream()) {
                readInputs();
            }
        }

        void modelHeaders(Http2HeadersFrame frame) {
            Http2Headers headers = frame.headers();
            if (!responseStarted) {
                responseStarted = true;
                CharSequence status = headers.status();
                httpStatus = status == null ? 200 : Integer.parseInt(status.toString());
                if (modelInfer && httpStatus == 200) {
                    responseBody = new BodyCapture(context.config().maxBodyBytes(), context.stats().bodyBudget);
                }
                if (!modelInfer || frame.isEndStream()) {
                    headers.set(PREDICTION_ID, context.ids().untracked());
                }
            } else if (responseBody != null && frame.isEndStream()) {
                // Trailers: the response message is complete, its predictions can be named now.
                headers.set(PREDICTION_ID, predictions());
            }
            down.write(new DefaultHttp2HeadersFrame(headers, frame.isEndStream(), frame.padding()).stream(client));
            if (frame.isEndStream()) {
                CharSequence grpcStatus = headers.get("grpc-status");
                end(grpcStatus != null ? Outcome.ofGrpc(parse(grpcStatus)) : Outcome.of(httpStatus));
            }
        }

        void modelData(ChannelHandlerContext upCtx, Http2DataFrame frame) {
            int credit = frame.initialFlowControlledBytes();
            if (responseBody != null) {
                responseBody.append(frame.content());
            }
            boolean end = frame.isEndStream();
            down.write(new DefaultHttp2DataFrame(frame.content(), end, frame.padding()).stream(client)).addListener(f -> {
                if (upCtx.channel().isActive() && model.state().remoteSideOpen()) {
                    upCtx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(credit).stream(model));
                }
            });
            if (end) {
                end(Outcome.of(httpStatus));
            }
        }

        /** The predictions of the ModelInfer response in the body, as ids (an untracked one if none could be read). */
        private String predictions() {
            if (responseBody.overflowed()) {
                context.stats().unparsed(responseBody.overflow() == BodyCapture.Overflow.OVER_BUDGET ? Unparsed.OVER_BUDGET
                        : Unparsed.TOO_LARGE);
                return context.ids().untracked();
            }
            PredictionReader.Result result = GrpcInference.read(responseBody.bytes(), responseBody.length(),
                    context.reader());
            if (result.failure() != null) {
                context.stats().unparsed(result.failure());
                return context.ids().untracked();
            }
            CollectorStats stats = context.stats();
            int segmentIndex = stats.segments.indexOf(segment);
            long now = System.currentTimeMillis();
            StringBuilder ids = new StringBuilder();
            boolean classification = context.config().classification();
            for (int i = 0; i < result.size(); i++) {
                int cls = classification ? stats.classes.indexOf(result.classes().get(i)) : 0;
                stats.prediction(segmentIndex, cls);
                if (classification) {
                    stats.score(cls, result.score(i));
                }
                if (i > 0) {
                    ids.append(',');
                }
                ids.append(context.ids().format(context.pending().add(cls, segmentIndex, classification ? result.score(i)
                        : result.values()[i], now)));
            }
            return ids.toString();
        }

        void clientReset(long errorCode) {
            if (model != null && up != null) {
                up.writeAndFlush(new DefaultHttp2ResetFrame(errorCode).stream(model));
            }
            forget();
        }

        void modelReset(long errorCode) {
            down.writeAndFlush(new DefaultHttp2ResetFrame(errorCode).stream(client));
            end(Outcome.C5XX);
        }

        void unreachable() {
            if (done) {
                return;
            }
            Http2Headers headers = new DefaultHttp2Headers().status("502").set(PREDICTION_ID, context.ids().untracked());
            if (grpc) {
                // gRPC clients read a missing model as UNAVAILABLE from this trailers-only answer.
                headers.set("content-type", "application/grpc").set("grpc-status", "14")
                        .set("grpc-message", "model-monitor collector: the model did not answer");
                headers.status("200");
            }
            down.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true).stream(client));
            end(Outcome.UNREACHABLE);
        }

        void modelGone() {
            if (done) {
                return;
            }
            if (!responseStarted) {
                unreachable();
                return;
            }
            down.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(client));
            end(Outcome.UNREACHABLE);
        }

        void abandoned() {
            forget();
        }

        private void end(Outcome outcome) {
            if (done) {
                return;
            }
            done = true;
            context.stats().request(outcome, System.nanoTime() - startNanos);
            forget();
        }

        private void forget() {
            done = true;
            if (responseBody != null) {
                responseBody.release();
            }
            if (requestBody != null) {
                requestBody.release();
            }
            byClientStream.remove(client);
            if (model != null) {
                byModelStream.remove(model);
            }
            if (byClientStream.isEmpty()) {
                context.connections().idle(down.channel(), System.currentTimeMillis());
            }
            closeIfDone();
        }
    }

    private static int parse(CharSequence value) {
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            return 2; // UNKNOWN
        }
    }
}

package io.modelmonitor.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.collector.CollectorStats.Outcome;
import io.modelmonitor.collector.CollectorStats.Unparsed;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The data port's HTTP/1.1 side, one instance per client connection, with one connection to the model of its own:
 * the sidecar serves exactly one model, so there is no pool to wait for, and a request goes upstream as soon as its
 * head is read. Messages are forwarded as Netty decodes them; headers lose their hop-by-hop fields in place.
 *
 * <p>A response is held back only while it may still carry predictions whose ids go into a header: a JSON (or
 * untyped) success, not larger than {@code MM_MAX_BODY_BYTES}, complete within {@code MM_STREAM_HOLD} (5 ms by
 * default). Such a response gets one {@code X-Prediction-Id} per prediction. Anything else flows through as it
 * arrives (token streams, large bodies, slow chunked JSON, other types) with an untracked id; a streamed JSON body
 * that fits the limit is still read afterwards, for the prediction counts, without delaying the client.
 */
final class Http1Proxy extends ChannelInboundHandlerAdapter {

    /** RFC 9110 §7.6.1: meaningful for one connection only. Transfer-Encoding is re-applied by the encoder. */
    private static final String[] HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "upgrade", "proxy-connection"};
    /**
     * Fields a Connection header may name but never removes: without them the message has no framing (or no host),
     * and the body would reach the other side as a message of its own, uncounted.
     */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "host");
    /** Messages decoded beyond the request in progress (pipelined), held until it is answered; more closes. */
    private static final int MAX_PIPELINED = 64;

    private final CollectorContext context;
    private final JsonPointer segmentPointer;
    private final JsonPointer responseSegmentPointer;
    private Channel down;
    private Channel up;
    private boolean connecting;
    private final Queue<Object> queued = new ArrayDeque<>();
    private Exchange exchange;
    private FeedbackRequest feedback;
    private boolean pausedForResponse;
    private boolean pausedForBackpressure;
    /** Pipelined messages read while a request was in progress: answered in order, one at a time. */
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
    private int pipelinedBytes;
    private boolean replaying;

    Http1Proxy(CollectorContext context) {
        this.context = context;
        this.segmentPointer = context.config().segmentPointer() == null ? null
                : JsonPointer.compile(context.config().segmentPointer());
        this.responseSegmentPointer = context.config().segmentResponsePointer() == null ? null
                : JsonPointer.compile(context.config().segmentResponsePointer());
    }

    /** The downstream pipeline: raw bytes are watched for the start of a request head, then decoded. */
    static void install(Channel channel, CollectorContext context) {
        CollectorConfig config = context.config();
        channel.pipeline().addLast("activity", new HeadActivity(context.connections()));
        channel.pipeline().addLast("http", new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(8192)
                .setMaxHeaderSize(config.maxHeaderBytes()).setMaxChunkSize(64 << 10)));
        channel.pipeline().addLast("proxy", new Http1Proxy(context));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        down = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // The decoder decodes every request in what it has read, also while reading is paused for an answer: a request
        // pipelined behind one in progress waits here for its turn instead of taking the place of the first.
        if (!replaying && !pipelined.isEmpty() || msg instanceof HttpRequest && busy()) {
            hold(msg);
            return;
        }
        dispatch(msg);
    }

    private boolean busy() {
        return exchange != null || feedback != null || pausedForResponse;
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                ReferenceCountUtil.release(msg);
                rejectBadRequest(request.decoderResult().cause());
                return;
            }
            long now = System.currentTimeMillis();
            if (request instanceof LastHttpContent) {
                context.connections().active(down, now);
            } else {
                context.connections().body(down, now);
            }
            if (request.method() == HttpMethod.POST && CollectorContract.FEEDBACK_PATH.equals(path(request.uri()))) {
                feedback = new FeedbackRequest(request);
                feedback.start();
                return;
            }
            exchange = new Exchange(request);
            exchange.start();
            return;
        }
        if (msg instanceof LastHttpContent) {
            context.connections().active(down, System.currentTimeMillis());
        }
        if (feedback != null) {
            feedback.content((HttpContent) msg);
            return;
        }
        if (exchange == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        exchange.requestContent((HttpContent) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (up != null && up.isActive()) {
            up.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // The client reads slower than the model answers: stop reading from the model until it catches up. A client
        // that stops reading altogether is closed by Connections after MM_IDLE_TIMEOUT.
        if (up != null) {
            up.config().setAutoRead(down.isWritable());
        }
        context.connections().writable(down, down.isWritable(), System.currentTimeMillis());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientGone();
        }
        if (feedback != null) {
            feedback.body.release();
            feedback = null;
        }
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
        releaseQueued();
        if (up != null) {
            up.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A client reset or a protocol error: this connection is done, the collector carries on.
        ctx.close();
    }

    private void rejectBadRequest(Throwable cause) {
        HttpResponseStatus status = cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG : HttpResponseStatus.BAD_REQUEST;
        context.stats().closed(CollectorStats.Closed.BAD_REQUEST);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer("model-monitor collector: " + status.reasonPhrase() + "\n", StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").set(HttpHeaderNames.CONNECTION, "close")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        down.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void updateAutoRead() {
        down.config().setAutoRead(!pausedForResponse && !pausedForBackpressure && !connecting && pipelined.isEmpty());
    }

    private void hold(Object msg) {
        pipelined.add(msg);
        if (msg instanceof HttpContent content) {
            pipelinedBytes += content.content().readableBytes();
        }
        // Reading is paused, so this is what one read held; a client that sends far more before its answer is not
        // a pipelining client but one trying to make the collector hold it.
        if (pipelined.size() > MAX_PIPELINED || pipelinedBytes > context.config().maxHeaderBytes() + (64 << 10)) {
            context.stats().closed(CollectorStats.Closed.BAD_REQUEST);
            down.close();
        }
    }

    /**
     * The request in progress is answered: the next pipelined one, if any, is taken up now, with the parts of its body
     * that were read with it; a request after it waits for its own turn.
     */
    private void next() {
        boolean outer = !replaying;
        replaying = true;
        try {
            while (!pipelined.isEmpty() && down.isActive() && !(pipelined.peek() instanceof HttpRequest && busy())) {
                Object msg = pipelined.poll();
                if (msg instanceof HttpContent content) {
                    pipelinedBytes -= content.content().readableBytes();
                }
                dispatch(msg);
            }
        } finally {
            replaying = !outer;
        }
        // What was replayed went upstream without a read from the client, whose read-complete would have flushed it.
        if (up != null && up.isActive()) {
            up.flush();
        }
        updateAutoRead();
    }

    private static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** Removes hop-by-hop fields, and the fields the Connection header names (never the framing), in place. */
    static void stripHopByHop(HttpHeaders headers, boolean keepUpgrade) {
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !FRAMING.contains(name) && !(keepUpgrade && name.equals("upgrade"))) {
                    headers.remove(name);
                }
            }
        }
        for (String name : HOP_BY_HOP) {
            if (keepUpgrade && (name.equals("upgrade") || name.equals("connection"))) {
                continue;
            }
            headers.remove(name);
        }
    }

    private static boolean isWebSocketUpgrade(HttpRequest request) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket")
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    private void releaseQueued() {
        Object o;
        while ((o = queued.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    // ---- the connection to the model ----

    private void sendUpstream(Object msg) {
        if (up != null && up.isActive()) {
            up.write(msg);
            if (!up.isWritable()) {
                pausedForBackpressure = true;
                updateAutoRead();
            }
            return;
        }
        queued.add(msg);
        if (!connecting) {
            connect();
        }
    }

    private void connect() {
        connecting = true;
        updateAutoRead();
        long started = System.nanoTime();
        CollectorConfig config = context.config();
        Bootstrap bootstrap = new Bootstrap().group(down.eventLoop()).channel(down.getClass().asSubclass(SocketChannel.class))
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.ALLOCATOR, down.alloc())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpClientCodec(new HttpDecoderConfig().setMaxInitialLineLength(8192)
                                .setMaxHeaderSize(64 << 10).setMaxChunkSize(64 << 10), false, false));
                        ch.pipeline().addLast("model", new Upstream());
                    }
                });
        bootstrap.connect(config.upstreamHost(), config.upstreamPort()).addListener((ChannelFuture f) -> {
            connecting = false;
            context.stats().upstreamWait.record(System.nanoTime() - started);
            if (!f.isSuccess()) {
                releaseQueued();
                if (exchange != null) {
                    exchange.unreachable();
                }
                return;
            }
            if (!down.isActive()) {
                f.channel().close();
                releaseQueued();
                return;
            }
            up = f.channel();
            Object o;
            while ((o = queued.poll()) != null) {
                up.write(o);
            }
            up.flush();
            updateAutoRead();
        });
    }

    /** The model's side of this connection. */
    private final class Upstream extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf raw) {
                // After a 101 the decoder passes the model's bytes on as they are: they belong to the tunnel.
                down.write(raw);
                return;
            }
            if (exchange == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse response) {
                exchange.response(response);
            }
            if (msg instanceof HttpContent content) {
                exchange.responseContent(content);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (exchange != null) {
                exchange.upstreamReadComplete();
            }
            down.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && pausedForBackpressure) {
                pausedForBackpressure = false;
                updateAutoRead();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == up) {
                up = null;
            }
            if (exchange != null) {
                exchange.modelGone();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    // ---- one request and its response ----

    /** One proxied request and its response. */
    private final class Exchange {

        /** Until it is sent on: a request's headers can be large, and thousands may wait for the model at once. */
        private HttpRequest request;
        private final long startNanos = System.nanoTime();
        private final boolean http10;
        private final boolean head;
        private final boolean keepAlive;
        private final boolean webSocket;
        private final BodyCapture requestBody;
        private String segment;
        private boolean requestDone;
        private HttpResponse response;
        private boolean responseHeadWritten;
        private List<HttpContent> held;
        private int heldBytes;
        private ScheduledFuture<?> holdTimer;
        /** The held body has a declared length: it is held until complete, whatever the hold. */
        private boolean untilComplete;
        private BodyCapture streamedBody;
        /** A generative model's answer being read as it passes (task generation), or null. */
        private final GenerationMeter meter;
        private boolean finished;
        private boolean closeUpstreamAfter;

        Exchange(HttpRequest request) {
            this.request = request;
            this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
            this.head = request.method() == HttpMethod.HEAD;
            this.keepAlive = HttpUtil.isKeepAlive(request);
            this.webSocket = isWebSocketUpgrade(request);
            CollectorConfig config = context.config();
            this.requestBody = segmentPointer == null && !context.readsInputs() ? null
                    : new BodyCapture(config.maxBodyBytes(), context.stats().bodyBudget);
            if (config.segmentHeader() != null) {
                segment = request.headers().get(config.segmentHeader());
            }
            GenerationMeter.Endpoint endpoint = context.generative() && request.method() == HttpMethod.POST
                    ? GenerationMeter.Endpoint.of(config.protocol(), path(request.uri())) : null;
            this.meter = endpoint == null ? null : new GenerationMeter(context.generation(), endpoint, startNanos,
                    config.maxBodyBytes(), context.stats().bodyBudget);
        }

        void start() {
            HttpRequest head = request;
            request = null;
            stripHopByHop(head.headers(), webSocket);
            sendUpstream(head);
            if (head instanceof HttpContent content) {
                requestContent(content);
            }
        }

        void requestContent(HttpContent content) {
            if (requestBody != null) {
                requestBody.append(content.content());
            }
            boolean last = content instanceof LastHttpContent;
            sendUpstream(content);
            if (last) {
                requestDone = true;
                readInputs();
                if (!finished) {
                    // No pipelining: the next request is read once this response is complete.
                    pausedForResponse = true;
                    updateAutoRead();
                }
            }
        }

        void response(HttpResponse r) {
            int status = r.status().code();
            if (status == 101 && webSocket) {
                tunnel(r);
                return;
            }
            if (status >= 100 && status < 200) {
                // 100 Continue and friends: pass on, the real response follows.
                stripHopByHop(r.headers(), false);
                down.write(r);
                return;
            }
            response = r;
            closeUpstreamAfter = !HttpUtil.isKeepAlive(r);
            stripHopByHop(r.headers(), false);
            if (!keepAlive || context.connections().closeAfterResponse(down)) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (http10) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            if (context.generative()) {
                // Never held: every event goes on as it arrives. One id per answer, in the head, for feedback on it.
                String id = ids().untracked();
                if (meter != null) {
                    meter.head(status, r.headers().get(HttpHeaderNames.CONTENT_TYPE),
                            r.headers().get(HttpHeaderNames.CONTENT_ENCODING));
                    if (status >= 200 && status < 300 && meter.answers()) {
                        int segmentIndex = context.stats().segments.indexOf(segment(null));
                        meter.segment(segmentIndex);
                        id = ids().format(context.pending().add(0, segmentIndex, Double.NaN, System.currentTimeMillis()));
                    }
                }
                writeHead(id);
            } else if (mayHoldPredictions(r)) {
                held = new ArrayList<>(4);
                long hold = context.config().streamHold().toNanos();
                // A body of declared length (bounded by mayHoldPredictions) is a document, not a stream: it waits until
                // complete, so a model that pauses between head and body (a GC) does not lose the join. Only a body
                // of unknown length (chunked) may be a stream and is held no longer than the stream hold.
                untilComplete = HttpUtil.isContentLengthSet(r);
                if (hold > 0 && !untilComplete) {
                    holdTimer = down.eventLoop().schedule(this::stopHolding, hold, TimeUnit.NANOSECONDS);
                }
            } else {
                writeHead(ids().untracked());
            }
        }

        private boolean mayHoldPredictions(HttpResponse r) {
            int status = r.status().code();
            if (status < 200 || status >= 300 || status == 204 || head) {
                return false;
            }
            String type = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (type != null && !type.toLowerCase(Locale.ROOT).contains("json")) {
                context.stats().unparsed(Unparsed.NOT_JSON);
                return false;
            }
            long length = HttpUtil.getContentLength(r, -1L);
            if (length > context.config().maxBodyBytes()) {
                context.stats().unparsed(Unparsed.TOO_LARGE);
                return false;
            }
            return true;
        }

        void responseContent(HttpContent content) {
            if (meter != null) {
                meter.content(content.content(), System.nanoTime());
            }
            if (held != null) {
                held.add(content);
                int n = content.content().readableBytes();
                heldBytes += n;
                if (!context.stats().bodyBudget.reserve(n)) {
                    // Every response held at once is more than the collector may hold: this one goes on unread.
                    context.stats().bodyBudget.force(n);
                    context.stats().unparsed(Unparsed.OVER_BUDGET);
                    stopHolding();
                } else if (content instanceof LastHttpContent) {
                    completeHeld();
                } else if (heldBytes > context.config().maxBodyBytes()) {
                    context.stats().unparsed(Unparsed.TOO_LARGE);
                    stopHolding();
                }
                return;
            }
            if (streamedBody != null && !streamedBody.append(content.content())) {
                context.stats().unparsed(streamedBody.overflow() == BodyCapture.Overflow.OVER_BUDGET ? Unparsed.OVER_BUDGET
                        : Unparsed.TOO_LARGE);
                streamedBody = null;
            }
            boolean last = content instanceof LastHttpContent;
            down.write(content);
            if (last) {
                if (streamedBody != null) {
                    readPredictions(streamedBody, false);
                    streamedBody.release();
                    streamedBody = null;
                }
                finish(response.status().code());
            }
        }

        /** With MM_STREAM_HOLD 0s a body is held only as long as it keeps arriving in the same read. */
        void upstreamReadComplete() {
            if (held != null && holdTimer == null && !untilComplete) {
                stopHolding();
            }
        }

        /** The body is not complete in time (or too large): send what there is and stream the rest. */
        private void stopHolding() {
            if (held == null || finished) {
                return;
            }
            cancelHold();
            List<HttpContent> already = held;
            held = null;
            boolean fits = heldBytes <= context.config().maxBodyBytes();
            releaseHeldBytes();
            streamedBody = fits ? new BodyCapture(context.config().maxBodyBytes(), context.stats().bodyBudget) : null;
            writeHead(ids().untracked());
            for (HttpContent c : already) {
                if (streamedBody != null && !streamedBody.append(c.content())) {
                    streamedBody = null;
                }
                down.write(c);
            }
            down.flush();
        }

        /** The whole small JSON body is here: read its predictions, answer with their ids and the body. */
        private void completeHeld() {
            cancelHold();
            List<HttpContent> body = held;
            held = null;
            // The held buffers are already counted against the budget; the copy read for predictions is as large.
            BodyCapture capture = new BodyCapture(context.config().maxBodyBytes(), context.stats().bodyBudget);
            for (HttpContent c : body) {
                capture.append(c.content());
            }
            String header = capture.overflowed() ? overBudget() : readPredictions(capture, true);
            capture.release();
            releaseHeldBytes();
            writeHead(header);
            for (HttpContent c : body) {
                down.write(c);
            }
            finish(response.status().code());
        }

        private String overBudget() {
            context.stats().unparsed(Unparsed.OVER_BUDGET);
            return ids().untracked();
        }

        private void releaseHeldBytes() {
            context.stats().bodyBudget.release(heldBytes);
            heldBytes = 0;
        }

        private void cancelHold() {
            if (holdTimer != null) {
                holdTimer.cancel(false);
                holdTimer = null;
            }
        }

        private void writeHead(String predictionIds) {
            response.headers().set(PREDICTION_ID, predictionIds);
            responseHeadWritten = true;
            down.write(response);
        }

        /** Records the predictions of a body; returns the ids for the header (untracked if none or not tracked). */
        private String readPredictions(BodyCapture body, boolean track) {
            PredictionReader.Result result = context.reader().read(body.bytes(), body.length());
            if (result.failure() != null) {
                context.stats().unparsed(result.failure());
                return ids().untracked();
            }
            CollectorStats stats = context.stats();
            int segmentIndex = stats.segments.indexOf(segment(body));
            long now = System.currentTimeMillis();
            StringBuilder header = new StringBuilder();
            boolean classification = context.config().classification();
            for (int i = 0; i < result.size(); i++) {
                int cls = classification ? stats.classes.indexOf(result.classes().get(i)) : 0;
                // A classifier's pending value is its score (NaN without one), joined with the label when it comes.
                double value = classification ? result.score(i) : result.values()[i];
                stats.prediction(segmentIndex, cls);
                if (classification) {
                    stats.score(cls, value);
                }
                if (track) {
                    if (i > 0) {
                        header.append(',');
                    }
                    header.append(ids().format(context.pending().add(cls, segmentIndex, value, now)));
                }
            }
            if (!track) {
                // Streamed: counted, but its ids could not go into the header that was already sent.
                stats.unparsed(Unparsed.STREAMED);
                return null;
            }
            return header.toString();
        }

        /**
         * The request's features, once it has gone on to the model: a body too large or over the budget is counted
         * as unread by the capture's own counters, a body with no JSON of the expected shape as a schema violation.
         */
        private void readInputs() {
            if (!context.readsInputs() || requestBody == null || head || webSocket) {
                return;
            }
            if (requestBody.overflowed()) {
                context.inputs().record(InputReader.VIOLATION);
                return;
            }
            if (requestBody.length() > 0) {
                JsonNode root = null;
                InputReader.Rows rows;
                try {
                    root = PredictionReader.JSON.readTree(requestBody.bytes(), 0, requestBody.length());
                    rows = context.inputReader().read(root);
                } catch (IOException | RuntimeException e) {
                    // Whatever a body does to the reader (a parser's limit, say), the request has gone on: counted.
                    rows = InputReader.VIOLATION;
                }
                context.inputs().record(rows);
                if (segment == null && segmentPointer != null) {
                    // From the tree just parsed, so the body is not parsed a second time for it; blank is "none".
                    String value = root == null ? null : PredictionReader.canonical(root.at(segmentPointer));
                    segment = value == null ? "" : value;
                }
            }
        }

        /** From the request's header or body, or from the response the predictions were read from. */
        private String segment(BodyCapture response) {
            String value = segment;
            if (value == null && segmentPointer != null && requestBody != null && !requestBody.overflowed()
                    && requestBody.length() > 0) {
                value = PredictionReader.segmentFromBody(requestBody.bytes(), requestBody.length(), segmentPointer);
            }
            if (value == null && responseSegmentPointer != null && response != null && !response.overflowed()) {
                value = PredictionReader.segmentFromBody(response.bytes(), response.length(), responseSegmentPointer);
            }
            return value == null || value.isBlank() ? PredictionReader.NO_SEGMENT : value;
        }

        private PredictionIds ids() {
            return context.ids();
        }

        /** Switches both connections to relaying bytes, once the model agreed to the WebSocket upgrade. */
        private void tunnel(HttpResponse r) {
            context.stats().websocketTunnels.increment();
            finished = true;
            releaseCaptures();
            context.stats().request(Outcome.C1XX, System.nanoTime() - startNanos);
            exchange = null;
            Channel model = up;
            down.writeAndFlush(r).addListener(f -> {
                if (!f.isSuccess() || model == null) {
                    down.close();
                    return;
                }
                // The relays first: bytes the codecs still hold are handed to whatever follows them when removed.
                Runnable moved = () -> context.connections().activity(down, System.currentTimeMillis());
                model.pipeline().replace("model", "tunnel", new Tunnel(down, moved));
                model.pipeline().remove("http");
                down.pipeline().replace("proxy", "tunnel", new Tunnel(model, moved));
                down.pipeline().remove("http");
                down.pipeline().remove("activity");
                context.connections().tunnel(down, System.currentTimeMillis());
                pausedForResponse = false;
                down.config().setAutoRead(true);
            });
        }

        private void finish(int status) {
            if (finished) {
                return;
            }
            finished = true;
            releaseCaptures();
            if (meter != null) {
                meter.end(System.nanoTime(), true);
            }
            context.stats().request(Outcome.of(status), System.nanoTime() - startNanos);
            exchange = null;
            boolean close = !keepAlive || context.connections().closeAfterResponse(down) || !requestDone;
            if (close) {
                if (context.connections().draining()) {
                    context.stats().closed(CollectorStats.Closed.DRAINED);
                }
                down.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (closeUpstreamAfter && up != null) {
                up.close();
                up = null;
            }
            context.connections().idle(down, System.currentTimeMillis());
            pausedForResponse = false;
            next();
        }

        void unreachable() {
            if (finished) {
                return;
            }
            finished = true;
            releaseCaptures();
            exchange = null;
            if (meter != null) {
                meter.head(502, null, null);
                meter.end(System.nanoTime(), false);
            }
            context.stats().request(Outcome.UNREACHABLE, System.nanoTime() - startNanos);
            if (responseHeadWritten) {
                down.close();
                return;
            }
            CollectorConfig config = context.config();
            FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY,
                    Unpooled.copiedBuffer("model-monitor collector: the model at " + config.upstreamHost() + ":"
                            + config.upstreamPort() + " did not answer\n", StandardCharsets.US_ASCII));
            answer.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.content().readableBytes())
                    .set(PREDICTION_ID, ids().untracked())
                    // The rest of the request body was not read: this connection cannot carry another request.
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            down.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
        }

        void modelGone() {
            if (finished) {
                return;
            }
            if (response == null) {
                unreachable();
                return;
            }
            // The model hung up in the middle of its response: the client cannot get the rest either.
            releaseHeld();
            releaseCaptures();
            if (meter != null) {
                meter.end(System.nanoTime(), false);
            }
            finished = true;
            exchange = null;
            context.stats().request(Outcome.UNREACHABLE, System.nanoTime() - startNanos);
            down.close();
        }

        void clientGone() {
            if (meter != null) {
                meter.clientGone();
            }
            cancelHold();
            releaseHeld();
            releaseCaptures();
            finished = true;
        }

        private void releaseHeld() {
            if (held != null) {
                held.forEach(ReferenceCountUtil::release);
                held = null;
                releaseHeldBytes();
            }
        }

        /** Every copy this exchange made goes back to the budget. */
        private void releaseCaptures() {
            if (requestBody != null) {
                requestBody.release();
            }
            if (streamedBody != null) {
                streamedBody.release();
                streamedBody = null;
            }
        }
    }

    // ---- feedback on the data port ----

    /**
     * {@code POST /modelmonitor/v1/feedback}: answered here, not proxied. The token is checked on the head, before a
     * byte of the body is held; the body is then collected within the limit per request and the budget of all bodies.
     */
    private final class FeedbackRequest {

        private final HttpRequest request;
        final BodyCapture body;
        private boolean refused;

        FeedbackRequest(HttpRequest request) {
            this.request = request;
            this.body = new BodyCapture(context.config().maxBodyBytes(), context.stats().bodyBudget);
        }

        void start() {
            if (!context.feedback().authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                refuse(FeedbackService.UNAUTHORIZED);
            } else if (HttpUtil.getContentLength(request, -1L) > context.config().maxBodyBytes()) {
                refuse(tooLarge());
            } else if (request instanceof HttpContent content) {
                content(content);
            }
        }

        void content(HttpContent content) {
            if (refused) {
                ReferenceCountUtil.release(content);
                return;
            }
            try {
                if (!body.append(content.content())) {
                    refuse(body.overflow() == BodyCapture.Overflow.TOO_LARGE ? tooLarge()
                            : new FeedbackService.Answer(503, "{\"error\":\"the collector holds as much feedback as it may "
                                    + "at once; retry shortly\"}", false));
                    return;
                }
            } finally {
                ReferenceCountUtil.release(content);
            }
            if (content instanceof LastHttpContent) {
                feedback = null;
                pausedForResponse = true;
                updateAutoRead();
                context.feedback().handle(body.bytes(), body.length(), request.headers().get(HttpHeaderNames.AUTHORIZATION), false)
                        .whenComplete((answer, error) -> down.eventLoop().execute(() -> {
                            body.release();
                            respond(answer != null ? answer
                                    : new FeedbackService.Answer(500, "{\"error\":\"internal error\"}", false), false);
                        }));
            }
        }

        private FeedbackService.Answer tooLarge() {
            return new FeedbackService.Answer(413, "{\"error\":\"feedback body is larger than "
                    + context.config().maxBodyBytes() + " bytes\"}", false);
        }

        /** Answers now and closes: the rest of the body is not read. */
        private void refuse(FeedbackService.Answer answer) {
            refused = true;
            feedback = null;
            body.release();
            respond(answer, true);
        }

        private void respond(FeedbackService.Answer answer, boolean close) {
            FullHttpResponse response = answer(answer);
            if (answer.status() == 503) {
                response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            }
            boolean keep = !close && HttpUtil.isKeepAlive(request) && !context.connections().closeAfterResponse(down);
            if (!keep) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                down.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            down.writeAndFlush(response);
            context.connections().idle(down, System.currentTimeMillis());
            pausedForResponse = false;
            next();
        }
    }

    /** A feedback answer as an HTTP response. */
    static FullHttpResponse answer(FeedbackService.Answer answer) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()),
                Unpooled.copiedBuffer(answer.json(), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (answer.authenticate()) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"model-monitor feedback\"");
        }
        return response;
    }

    static final String PREDICTION_ID = CollectorContract.PREDICTION_ID_HEADER;
}

package io.modelmonitor.collector;

import java.util.List;

import com.fasterxml.jackson.core.JsonPointer;

import io.netty.handler.codec.http.HttpResponseStatus;

import io.modelmonitor.collector.CollectorStats.Outcome;
import io.modelmonitor.collector.CollectorStats.Unparsed;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;

/**
 * The data port: a streaming reverse proxy to the model. Bodies flow through with back-pressure; only a JSON
 * response up to {@code maxBodyBytes} is held until complete, because its prediction ids go into a header,
 * which must be sent before the body. Anything larger, not JSON or not a success streams through untouched
 * and is counted. Metrics work is a few counter increments: nothing here waits on it.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

    static final String FEEDBACK_PATH = "/modelmonitor/v1/feedback";
    static final String PREDICTION_ID = "X-Prediction-Id";
    static final String NO_SEGMENT = "none";

    /** RFC 9110 §7.6.1: meaningful for one connection only, never forwarded. */
    private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");

    private final CollectorConfig config;
    private final HttpClient upstream;
    private final CollectorStats stats;
    private final PendingPredictions pending;
    private final PredictionIds ids;
    private final PredictionReader reader;
    private final FeedbackHandler feedback;
    private final JsonPointer segmentPointer;

    ProxyHandler(CollectorConfig config, HttpClient upstream, CollectorStats stats, PendingPredictions pending,
            PredictionIds ids, FeedbackHandler feedback) {
        this.config = config;
        this.upstream = upstream;
        this.stats = stats;
        this.pending = pending;
        this.ids = ids;
        this.reader = new PredictionReader(config);
        this.feedback = feedback;
        this.segmentPointer = config.segmentPointer() == null ? null : JsonPointer.compile(config.segmentPointer());
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (request.method() == HttpMethod.POST && FEEDBACK_PATH.equals(request.path())) {
            feedback.handle(request);
            return;
        }
        Exchange exchange = new Exchange(request, System.nanoTime());
        request.pause();
        RequestOptions options = new RequestOptions()
                .setHost(config.upstreamHost())
                .setPort(config.upstreamPort())
                .setMethod(request.method())
                .setURI(request.uri())
                .setHeaders(endToEnd(request.headers()));
        upstream.request(options).onComplete(ar -> {
            if (ar.failed()) {
                exchange.upstreamFailed();
            } else {
                exchange.forward(ar.result());
            }
        });
    }

    private static MultiMap endToEnd(MultiMap headers) {
        MultiMap copy = HttpHeaders.headers();
        String connection = headers.get(HttpHeaders.CONNECTION);
        for (var entry : headers) {
            String name = entry.getKey();
            if (!isHopByHop(name) && (connection == null || !containsIgnoreCase(connection, name))) {
                copy.add(name, entry.getValue());
            }
        }
        return copy;
    }

    private static boolean isHopByHop(String name) {
        for (String hop : HOP_BY_HOP) {
            if (hop.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoreCase(String text, String word) {
        for (int i = 0; i + word.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    /** One request and its response as they pass through. */
    private final class Exchange {

        private final HttpServerRequest request;
        private final HttpServerResponse response;
        private final long startNanos;
        private final BodyCapture requestBody;
        private HttpClientRequest upstreamRequest;
        private boolean done;

        Exchange(HttpServerRequest request, long startNanos) {
            this.request = request;
            this.response = request.response();
            this.startNanos = startNanos;
            this.requestBody = segmentPointer == null ? null : new BodyCapture(config.maxBodyBytes());
            response.closeHandler(v -> {
                if (!done && upstreamRequest != null) {
                    upstreamRequest.reset();
                }
            });
        }

        void forward(HttpClientRequest up) {
            upstreamRequest = up;
            if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                    && !request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                up.setChunked(true);
            }
            up.response().onComplete(ar -> {
                if (ar.failed()) {
                    upstreamFailed();
                } else {
                    respond(ar.result());
                }
            });
            request.handler(chunk -> {
                if (requestBody != null) {
                    requestBody.append(chunk);
                }
                up.write(chunk);
                if (up.writeQueueFull()) {
                    request.pause();
                    up.drainHandler(v -> request.resume());
                }
            });
            request.endHandler(v -> up.end());
            request.exceptionHandler(t -> up.reset());
            request.resume();
        }

        void upstreamFailed() {
            if (done) {
                return;
            }
            done = true;
            stats.request(Outcome.UNREACHABLE, System.nanoTime() - startNanos);
            if (response.headWritten()) {
                response.reset();
                return;
            }
            response.setStatusCode(502).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                    .putHeader(PREDICTION_ID, ids.untracked())
                    .end("model-monitor collector: the model at " + config.upstreamHost() + ":" + config.upstreamPort()
                            + " did not answer\n");
        }

        void respond(HttpClientResponse upstreamResponse) {
            response.setStatusCode(upstreamResponse.statusCode());
            String reason = upstreamResponse.statusMessage();
            if (reason != null && !reason.equals(HttpResponseStatus.valueOf(upstreamResponse.statusCode()).reasonPhrase())) {
                response.setStatusMessage(reason); // only a non-standard reason phrase needs copying
            }
            response.headers().addAll(endToEnd(upstreamResponse.headers()));
            upstreamResponse.exceptionHandler(t -> upstreamFailed());
            if (mayHoldPredictions(upstreamResponse)) {
                hold(upstreamResponse);
            } else {
                stream(upstreamResponse, null);
            }
        }

        private boolean mayHoldPredictions(HttpClientResponse r) {
            int status = r.statusCode();
            if (status < 200 || status >= 300 || status == 204 || request.method() == HttpMethod.HEAD) {
                return false;
            }
            String type = r.getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null && !type.toLowerCase().contains("json")) {
                stats.unparsed(Unparsed.NOT_JSON);
                return false;
            }
            String length = r.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null) {
                try {
                    if (Long.parseLong(length.trim()) > config.maxBodyBytes()) {
                        stats.unparsed(Unparsed.TOO_LARGE);
                        return false;
                    }
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            return true;
        }

        /** Collects a small JSON body, reads its predictions, then answers with their ids and the body. */
        private void hold(HttpClientResponse r) {
            BodyCapture body = new BodyCapture(config.maxBodyBytes());
            r.handler(chunk -> {
                if (!body.append(chunk)) {
                    // Larger than announced, or chunked and large: give up on it and stream from here on.
                    stats.unparsed(Unparsed.TOO_LARGE);
                    r.handler(null);
                    stream(r, body.buffer());
                }
            });
            r.endHandler(v -> {
                if (done || body.overflowed()) {
                    return;
                }
                response.putHeader(PREDICTION_ID, record(body));
                finish(r.statusCode());
                response.end(body.buffer());
            });
        }

        private String record(BodyCapture body) {
            PredictionReader.Result result = reader.read(body.bytes(), body.length());
            if (result.failure() != null) {
                stats.unparsed(result.failure());
                return ids.untracked();
            }
            int segment = stats.segments.indexOf(segment());
            long now = System.currentTimeMillis();
            StringBuilder header = new StringBuilder();
            for (int i = 0; i < result.size(); i++) {
                int cls = config.classification() ? stats.classes.indexOf(result.classes().get(i)) : 0;
                double value = config.classification() ? 0 : result.values()[i];
                stats.prediction(segment, cls);
                if (i > 0) {
                    header.append(',');
                }
                header.append(ids.format(pending.add(cls, segment, value, now)));
            }
            return header.toString();
        }

        private String segment() {
            String segment = null;
            if (config.segmentHeader() != null) {
                segment = request.getHeader(config.segmentHeader());
            } else if (requestBody != null && !requestBody.overflowed()) {
                segment = PredictionReader.segmentFromBody(requestBody.bytes(), requestBody.length(), segmentPointer);
            }
            return segment == null || segment.isBlank() ? NO_SEGMENT : segment;
        }

        /** Passes the rest of the body through with back-pressure; {@code already} was read before. */
        private void stream(HttpClientResponse r, Buffer already) {
            if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                response.setChunked(true);
            }
            response.putHeader(PREDICTION_ID, ids.untracked());
            if (already != null && already.length() > 0) {
                response.write(already);
            }
            r.handler(chunk -> {
                response.write(chunk);
                if (response.writeQueueFull()) {
                    r.pause();
                    response.drainHandler(v -> r.resume());
                }
            });
            r.endHandler(v -> {
                if (!done) {
                    finish(r.statusCode());
                    response.end();
                }
            });
            r.resume();
        }

        private void finish(int status) {
            done = true;
            stats.request(Outcome.of(status), System.nanoTime() - startNanos);
        }
    }
}

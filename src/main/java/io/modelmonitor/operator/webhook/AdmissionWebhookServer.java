package io.modelmonitor.operator.webhook;

import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.operator.config.OperatorConfig;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.tls.ServingTls;
import io.modelmonitor.operator.tls.WebhookCertificates;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemTrustOptions;

/**
 * The mutating admission webhook for pods ({@link PodAdmission}), over TLS on its own port, on every replica (the
 * API server calls whichever the webhook Service picks). Its certificate comes from {@link WebhookCertificates},
 * checked again every hour and swapped in without a restart.
 *
 * <p>Anyone who reaches the port can call it (the API server presents no credential a webhook can check without
 * cluster-specific set-up). What such a caller gets is bounded: an answer computed from the review it sent (a JSON
 * patch that names images and Secrets, never their values), no side effect (the id-key Secret is the reconciler's to
 * create), at most {@value #MAX_CONNECTIONS} connections and {@value #MAX_IN_FLIGHT} reviews in flight of at most
 * {@value #MAX_BODY} bytes each; beyond, 429, which the API server treats as the webhook failing (failurePolicy).
 */
@ApplicationScoped
public class AdmissionWebhookServer {

    private static final Logger LOG = Logger.getLogger(AdmissionWebhookServer.class);
    /** An AdmissionReview of a pod is a few kilobytes; the API server's own limit on a request is 3 MiB. */
    static final int MAX_BODY = 3 * 1024 * 1024;
    static final int MAX_CONNECTIONS = 256;
    static final int MAX_IN_FLIGHT = 32;

    private final Vertx vertx;
    private final KubernetesClient client;
    private final PodAdmission admission;
    private final OperatorConfig operator;
    private final OperatorConfig.Webhook config;
    private final Clock clock = Clock.systemUTC();
    private volatile HttpServer server;
    private volatile ServingTls tls;
    /** Whether the replica answered one review of its own: only then is it Ready (see {@link #warmUp}). */
    private volatile boolean warm;
    private long timer = -1;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    public AdmissionWebhookServer(Vertx vertx, KubernetesClient client, PodAdmission admission, OperatorConfig config) {
        this.vertx = vertx;
        this.client = client;
        this.admission = admission;
        this.operator = config;
        this.config = config.webhook();
    }

    void onStart(@Observes StartupEvent event) {
        if (config.port() < 0) {
            return;
        }
        WebhookCertificates certificates = WebhookCertificates.of(client, operator);
        try {
            start(certificates);
        } catch (RuntimeException e) {
            // Not fatal: until it serves, failurePolicy decides what pod creation does (src/docs/targets.md, "Injection and GitOps").
            LOG.warnf("admission webhook not started yet (retrying every 10 s): %s", e.toString());
            timer = vertx.setPeriodic(10_000, id -> vertx.executeBlocking(() -> {
                start(certificates);
                return true;
            }, false).onSuccess(ok -> vertx.cancelTimer(id)));
        }
    }

    private synchronized void start(WebhookCertificates certificates) {
        if (server != null) {
            return;
        }
        ServingTls serving = new ServingTls(vertx, certificates, clock, "admission webhook");
        HttpServer s = vertx.createHttpServer(serving.apply(new HttpServerOptions())
                .setIdleTimeout(60).setMaxHeaderSize(16 * 1024));
        s.connectionHandler(connection -> {
            if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                connection.close();
            }
            connection.closeHandler(closed -> connections.decrementAndGet());
        });
        s.requestHandler(this::handle);
        server = s.listen(config.port(), config.host()).toCompletionStage().toCompletableFuture().join();
        LOG.infof("admission webhook on port %d (certificate valid until %s)", server.actualPort(),
                serving.material().notAfter());
        serving.watch(server);
        tls = serving;
        // Waited for here, before the operator reports started: a readiness probe that found the replica not yet warm
        // would come back only a period (10 s) later, which slowed every rollout of the operator.
        try {
            warmUp().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("admission webhook warm-up failed (Ready anyway): %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            warm = true;
        }
    }

    /**
     * One review sent to itself over TLS before the replica is Ready. The API server's first calls pay for the TLS
     * handshake and the classes of the review path in a cold JVM: on a loaded node (the cluster tests' two cores) the
     * first two took over the 5 s the API server waits, and those pods were created without a collector. The pod of
     * this review already has a collector, so it costs no API call. Ready either way once it is answered or failed
     * (10 s at most).
     */
    private Future<?> warmUp() {
        AdmissionReview review = new AdmissionReview();
        review.setApiVersion("admission.k8s.io/v1");
        review.setKind("AdmissionReview");
        AdmissionRequest request =
                new AdmissionRequest();
        request.setUid("warm-up");
        request.setOperation("CREATE");
        request.setKind(new GroupVersionKind("", "Pod", "v1"));
        request.setObject(new PodBuilder().withNewMetadata().withName("warm-up")
                .endMetadata().withNewSpec().addNewContainer().withName(Annotations.COLLECTOR_CONTAINER).endContainer()
                .endSpec().build());
        review.setRequest(request);
        String host = "0.0.0.0".equals(config.host()) || "::".equals(config.host()) ? "127.0.0.1" : config.host();
        var http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(false)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(tls.material().ca()))));
        return http.request(HttpMethod.POST, server.actualPort(), host, "/mutate-pods")
                .compose(r -> r.send(Serialization.asJson(review)).compose(HttpClientResponse::body))
                .onComplete(done -> http.close());
    }

    /** Whether this replica answers the API server's calls: off by configuration, or listening and warmed up. */
    boolean serving() {
        return config.port() < 0 || server != null && warm;
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (tls != null) {
            tls.stop();
        }
        HttpServer s = server;
        if (s != null) {
            s.close();
        }
    }

    /** The port it listens on; -1 when off. */
    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    /** The CA its certificate chains to, PEM (what the configuration's caBundle holds). */
    public String ca() {
        return tls == null ? null : tls.material().ca();
    }

    private void handle(HttpServerRequest request) {
        if (request.method() != HttpMethod.POST || !"/mutate-pods".equals(request.path())) {
            request.response().setStatusCode(404).end();
            return;
        }
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            request.response().setStatusCode(429).end();
            request.connection().close();
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        request.response().endHandler(ended -> release.run());
        request.response().closeHandler(closed -> release.run());
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY) {
                request.response().setStatusCode(413).end();
                request.connection().close();
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(done -> {
            if (request.response().ended()) {
                return;
            }
            vertx.<String>executeBlocking(() -> Serialization.asJson(admission.review(
                    Serialization.unmarshal(body.toString(), AdmissionReview.class))), false)
                    .onComplete(answer -> {
                        if (answer.failed()) {
                            request.response().setStatusCode(400).putHeader("Content-Type", "text/plain")
                                    .end("not an AdmissionReview: " + answer.cause().getClass().getSimpleName());
                        } else {
                            request.response().putHeader("Content-Type", "application/json").end(answer.result());
                        }
                    });
        });
    }
}

package io.modelmonitor.operator.verdictapi;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.operator.config.OperatorConfig;
import io.modelmonitor.operator.tls.ServingTls;
import io.modelmonitor.operator.tls.WebhookCertificates;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The verdict API for rollout tools, on its own port (so a NetworkPolicy can open it to them alone):
 * <ul>
 * <li>{@code GET /v1/namespaces/{ns}/modelmonitors/{name}/verdict?revision=newest|<pod-template-hash>}: the verdict
 * as JSON, always 200 when the monitor exists (Argo Rollouts' web provider treats any other status as an error and
 * reads {@code result} with its own conditions);</li>
 * <li>{@code GET|POST .../gate} (same parameters): the same JSON, with the status a Flagger webhook gate uses as is,
 * 200 only when the gate should pass: 412 Failed, 503 Inconclusive (with Retry-After), unless
 * {@code inconclusive=pass}, which lets thin data through and fails on a confirmed breach only.</li>
 * </ul>
 * Every answer is read from the monitor's status, so every replica answers, leader or not.
 */
@ApplicationScoped
public class VerdictServer {

    private static final Logger LOG = Logger.getLogger(VerdictServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile(
            "/v1/namespaces/([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)/modelmonitors/([a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?)/(verdict|gate)");
    private static final Pattern HASH = Pattern.compile("[a-z0-9]{1,63}");

    private final Vertx vertx;
    private final KubernetesClient client;
    private final VerdictAuth auth;
    private final OperatorConfig.Verdict config;
    private final OperatorConfig operator;
    private final Clock clock = Clock.systemUTC();
    private volatile HttpServer server;
    private volatile ServingTls tls;
    private long retry = -1;

    public VerdictServer(Vertx vertx, KubernetesClient client, VerdictAuth auth, OperatorConfig config) {
        this.vertx = vertx;
        this.client = client;
        this.auth = auth;
        this.operator = config;
        this.config = config.verdict();
    }

    void onStart(@Observes StartupEvent event) {
        if (config.port() < 0) {
            return;
        }
        try {
            start();
        } catch (RuntimeException e) {
            // Only with TLS, until its certificate can be read: the API is unavailable meanwhile, nothing else is.
            LOG.warnf("verdict API not started yet (retrying every 10 s): %s", e.toString());
            retry = vertx.setPeriodic(10_000, id -> vertx.executeBlocking(() -> {
                start();
                return true;
            }, false).onSuccess(ok -> vertx.cancelTimer(id)));
        }
    }

    private synchronized void start() {
        if (server != null) {
            return;
        }
        HttpServerOptions options = new HttpServerOptions().setIdleTimeout(30).setMaxHeaderSize(16 * 1024)
                .setMaxInitialLineLength(4096);
        ServingTls serving = null;
        if (config.tls()) {
            serving = new ServingTls(vertx, WebhookCertificates.of(client, operator), clock, "verdict API");
            options = serving.apply(options);
        }
        HttpServer s = vertx.createHttpServer(options);
        s.requestHandler(this::handle);
        server = s.listen(config.port(), config.host()).toCompletionStage().toCompletableFuture().join();
        if (serving != null) {
            serving.watch(server);
            tls = serving;
        }
        LOG.infof("verdict API on port %d (auth: %s, %s)", server.actualPort(), auth.mode(), config.tls() ? "HTTPS" : "HTTP");
    }

    /** The CA its certificate chains to (PEM), when it serves HTTPS. */
    String ca() {
        return tls == null ? null : tls.material().ca();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (retry >= 0) {
            vertx.cancelTimer(retry);
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

    private void handle(HttpServerRequest request) {
        // A gate's POST body (Flagger's payload) says nothing the path does not: it is read and dropped.
        request.handler(ignored -> { });
        String authorization = request.getHeader("Authorization");
        String client = request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress();
        HttpMethod method = request.method();
        String path = request.path();
        String revision = request.getParam("revision");
        boolean inconclusivePasses = "pass".equals(request.getParam("inconclusive"));
        vertx.<Answer>executeBlocking(() -> answer(method, path, revision, inconclusivePasses, authorization, client), false)
                .onComplete(done -> {
                    Answer a = done.succeeded() ? done.result()
                            : Answer.error(500, "the verdict could not be computed: " + done.cause().getClass().getSimpleName());
                    var response = request.response().setStatusCode(a.status())
                            .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store");
                    if (a.status() == 401) {
                        response.putHeader("WWW-Authenticate", "Bearer");
                    }
                    if (a.status() == 429) {
                        response.putHeader("Retry-After", "1");
                    }
                    if (a.retryAfterSeconds() > 0) {
                        response.putHeader("Retry-After", Long.toString(a.retryAfterSeconds()));
                    }
                    response.end(new String(a.body(), StandardCharsets.UTF_8));
                });
    }

    record Answer(int status, byte[] body, long retryAfterSeconds) {

        static Answer error(int status, String message) {
            try {
                return new Answer(status, JSON.writeValueAsBytes(Map.of("error", message)), 0);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    Answer answer(HttpMethod method, String path, String revision, boolean inconclusivePasses, String authorization) {
        return answer(method, path, revision, inconclusivePasses, authorization, "-");
    }

    Answer answer(HttpMethod method, String path, String revision, boolean inconclusivePasses, String authorization,
            String caller) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            return Answer.error(404, "no such path; use /v1/namespaces/<namespace>/modelmonitors/<name>/verdict or /gate");
        }
        boolean gate = "gate".equals(m.group(5));
        if (!(method == HttpMethod.GET || (gate && method == HttpMethod.POST))) {
            return Answer.error(405, (gate ? "GET or POST" : "GET") + " only");
        }
        if (revision != null && !RevisionVerdict.NEWEST.equals(revision) && !HASH.matcher(revision).matches()) {
            return Answer.error(400, "revision must be 'newest' or a pod-template-hash (lower-case letters and digits)");
        }
        String namespace = m.group(1);
        String name = m.group(3);
        // Authorized before anything about the monitor is said, even whether it exists.
        VerdictAuth.Decision decision = auth.check(authorization, namespace, name, caller);
        if (!decision.allowed()) {
            return Answer.error(decision.status(), decision.message());
        }
        ModelMonitor monitor;
        try {
            monitor = client.resources(ModelMonitor.class).inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            return Answer.error(503, "cannot read the monitor now (HTTP " + e.getCode() + ")");
        }
        if (monitor == null) {
            return Answer.error(404, "no ModelMonitor " + name + " in namespace " + namespace);
        }
        RevisionVerdict verdict = RevisionVerdict.of(monitor, revision, clock.instant());
        int status = gate ? verdict.gateStatus(inconclusivePasses) : 200;
        long retryAfter = status == 503 ? Duration.ofMillis(Durations
                .parse(monitor.getSpec().getEvaluation().getInterval()).toMillis()).toSeconds() + 1 : 0;
        try {
            return new Answer(status, JSON.writeValueAsBytes(verdict), retryAfter);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

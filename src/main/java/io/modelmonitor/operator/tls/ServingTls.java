package io.modelmonitor.operator.tls;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;

/**
 * The TLS of a server of the operator's (the admission webhook, the verdict API): its certificate from
 * {@link WebhookCertificates}, checked again every hour and swapped in without a restart.
 */
public final class ServingTls {

    private static final Logger LOG = Logger.getLogger(ServingTls.class);
    static final long RECHECK_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final Vertx vertx;
    private final WebhookCertificates certificates;
    private final Clock clock;
    private final String what;
    private volatile WebhookCertificates.Material material;
    private volatile long timer = -1;

    /** Reads (and, self-managed, issues) the certificate now: fails like {@link WebhookCertificates#ensure}. */
    public ServingTls(Vertx vertx, WebhookCertificates certificates, Clock clock, String what) {
        this.vertx = vertx;
        this.certificates = certificates;
        this.clock = clock;
        this.what = what;
        this.material = certificates.ensure(clock.instant());
    }

    public HttpServerOptions apply(HttpServerOptions options) {
        return options.setSsl(true).setKeyCertOptions(keyCert(material));
    }

    /** Checks the certificate every hour and gives the server a renewed one. */
    public void watch(HttpServer server) {
        timer = vertx.setPeriodic(RECHECK_MILLIS, id -> vertx.executeBlocking(() -> certificates.ensure(clock.instant()),
                false).onSuccess(next -> swap(server, next))
                .onFailure(e -> LOG.warnf("%s certificate check failed (will retry): %s", what, e.toString())));
    }

    private void swap(HttpServer server, WebhookCertificates.Material next) {
        if (next.certificate().equals(material.certificate())) {
            return;
        }
        material = next;
        server.updateSSLOptions(new SSLOptions().setKeyCertOptions(keyCert(next)))
                .onSuccess(ok -> LOG.infof("%s now serves a certificate valid until %s", what, next.notAfter()));
    }

    public WebhookCertificates.Material material() {
        return material;
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private static PemKeyCertOptions keyCert(WebhookCertificates.Material m) {
        return new PemKeyCertOptions().addCertValue(Buffer.buffer(m.certificate())).addKeyValue(Buffer.buffer(m.key()));
    }
}

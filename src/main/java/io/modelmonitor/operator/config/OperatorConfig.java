package io.modelmonitor.operator.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.modelmonitor.alerting.AlertDelivery;
import io.modelmonitor.api.v1alpha1.MetricsSourceType;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Operator-wide settings; each can be set by environment, e.g. MODELMONITOR_COLLECTOR_IMAGE. */
@ConfigMapping(prefix = "modelmonitor")
public interface OperatorConfig {

    /**
     * C2 alone (no tiered C1) with one compiler thread, and the native heap trimmed every 5 s: C2's compilations
     * borrow native memory (about 30 MiB at warm-up) that glibc would otherwise keep, so the sidecar settles at C1's
     * resident memory with about two thirds of its CPU per request. Measured in src/bench/BENCHMARKS.md (issue 32).
     */
    String COLLECTOR_JVM_OPTIONS = "-XX:+UseSerialGC -Xms8m -Xmx48m -Xss256k -XX:MaxMetaspaceSize=48m "
            + "-XX:ReservedCodeCacheSize=24m -XX:-TieredCompilation -XX:CICompilerCount=1 -XX:TrimNativeHeapInterval=5000 "
            + "-XX:+ExitOnOutOfMemoryError -Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1";

    /**
     * The collector's default memory limit: its peak was 143 MiB under 10,000 hostile connections with C2 warming
     * up (HostileClientBenchmark), 105 MiB at warm-up under honest load; the limit leaves room above both.
     */
    String COLLECTOR_MEMORY_LIMIT = "192Mi";

    Collector collector();

    AlertDelivery alerts();

    MetricsSource metricsSource();

    LeaderElection leaderElection();

    Verdict verdict();

    Webhook webhook();

    /** The mutating admission webhook that injects collectors into pods (spec.collector.injection: webhook). */
    interface Webhook {

        /** Its own TLS port; 0 takes a free one; -1 turns it off. */
        @WithDefault("9443")
        int port();

        @WithDefault("0.0.0.0")
        String host();

        /**
         * true: pods reach {@link PodAdmission} without the webhook server, because whatever creates them calls it
         * in process (the sandbox's simulated control plane, which plays the API server's admission chain). With the
         * port at -1 and this false, monitors with webhook injection wait as {@code WebhookDisabled}.
         */
        @WithDefault("false")
        boolean inProcess();

        /** Whether pods being created reach the webhook's admission at all. */
        default boolean admitsPods() {
            return port() >= 0 || inProcess();
        }

        /** The operator's namespace, where the certificate's Secret lives; default: the client's (the pod's own). */
        Optional<String> namespace();

        /** The Service the API server calls it through: the certificate is issued for its DNS names. */
        @WithDefault("model-monitor-webhook")
        String service();

        /** The Secret holding its certificate (tls.crt, tls.key, ca.crt). */
        @WithDefault("model-monitor-webhook-tls")
        String secret();

        /** The MutatingWebhookConfiguration whose caBundle the operator keeps current. */
        @WithDefault("model-monitor-pods")
        String configuration();

        /** true: cert-manager issues the Secret and injects the caBundle; the operator only reads it. */
        @WithDefault("false")
        boolean certManager();
    }

    /** The verdict API: rollout tools ask it whether a revision passes (see {@link VerdictServer}). */
    interface Verdict {

        /** Its own port, apart from metrics and health; 0 takes a free one; -1 turns the API off. */
        @WithDefault("8082")
        int port();

        @WithDefault("0.0.0.0")
        String host();

        /**
         * token: callers send a ServiceAccount token (Authorization: Bearer), checked with a TokenReview, and need
         * get on the monitor, checked with a SubjectAccessReview. none: anyone who reaches the port; only for a
         * port closed by a NetworkPolicy to the rollout tool (Flagger's webhooks cannot send a token).
         */
        @WithDefault("token")
        AuthMode auth();

        /** How callers of the verdict API are authenticated: see {@link #auth()}. */
        enum AuthMode {
            token,
            none
        }

        /** The audience callers' tokens must be issued for; the TokenReview asks the API server for exactly it. */
        @WithDefault("model-monitor")
        String audience();

        /** New tokens each client address may have reviewed per second (a review costs the API server). */
        @WithDefault("5")
        double reviewsPerSecond();

        @WithDefault("20")
        int reviewBurst();

        /**
         * Serve HTTPS, with the certificate the operator keeps for its webhook (or cert-manager's), issued for the
         * verdict Service's names too. Needs the webhook's certificate machinery (chart: webhook.enabled).
         */
        @WithDefault("false")
        boolean tls();

        /** The Service rollout tools call it through: its DNS names go into the certificate when tls is on. */
        @WithDefault("model-monitor-verdict")
        String service();
    }

    /**
     * One reconciling replica among several: the holder of a Lease. Active in the packaged (prod) application only;
     * tests and {@code quarkus dev} reconcile without it.
     */
    interface LeaderElection {

        @WithDefault("true")
        boolean enabled();

        @WithDefault("model-monitor-leader")
        String leaseName();

        /** Namespace of the Lease; default: the client's namespace, i.e. the operator pod's own. */
        Optional<String> leaseNamespace();

        /** This replica's name in the Lease; default: the host (pod) name plus a random suffix. */
        Optional<String> identity();

        /** How long a leader that stopped renewing keeps the Lease: the longest a failover takes. */
        @WithDefault("15s")
        Duration leaseDuration();

        /** How long the leader keeps trying to renew before it gives up leading (and exits, to be restarted). */
        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }

    /** Where monitors that do not say get their metrics from. */
    interface MetricsSource {

        /** collectors (direct) or prometheus. */
        @WithDefault("collectors")
        MetricsSourceType type();

        /** The Prometheus API used when a monitor names none. */
        Optional<String> prometheusUrl();

        /**
         * URL prefixes a monitor's Prometheus URL must be under (scheme, host and port exact, path a prefix); unset,
         * any URL. A Secret named by authSecretRef is sent to these, or to what its own annotation allows.
         */
        Optional<List<String>> allowedUrls();

        default List<String> allowed() {
            return allowedUrls().orElse(List.of());
        }
    }

    interface Collector {

        /** Image of injected collectors when a monitor names none: normally the operator's own image. */
        @WithDefault("ghcr.io/modelmonitor/model-monitor:0.1.0")
        String image();

        /**
         * Other images a monitor's spec.collector.image may name: exact images, or prefixes ending in '/'. Unset,
         * only {@link #image()}: the image runs in the model's pods, with its traffic.
         */
        Optional<List<String>> allowedImages();

        default List<String> allowed() {
            return allowedImages().orElse(List.of());
        }

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        @WithDefault("50m")
        String cpuRequest();

        @WithDefault("96Mi")
        String memoryRequest();

        /** No CPU limit by default: throttling a proxy in the request path adds latency to every request. */
        Optional<String> cpuLimit();

        @WithDefault(COLLECTOR_MEMORY_LIMIT)
        String memoryLimit();

        @WithDefault("100000")
        int maxPendingLabels();

        /**
         * JVM options of the collector (JAVA_TOOL_OPTIONS): a small serial-GC heap, C2 with one compiler thread and a
         * trimmed native heap keep the sidecar's resident memory about 80 MiB with a full pending ring (about 105 MiB
         * while C2 warms up); src/bench/BENCHMARKS.md gives the C1 line for a lower peak and a quicker start.
         */
        @WithDefault(COLLECTOR_JVM_OPTIONS)
        String jvmOptions();

        /** The UID the collector runs as; the image's non-root user. */
        @WithDefault("185")
        long runAsUser();
    }
}

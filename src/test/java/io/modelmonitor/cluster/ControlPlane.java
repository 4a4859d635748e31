package io.modelmonitor.cluster;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes control plane, from the binaries {@code src/kube/build.sh} built from source: etcd, a
 * kube-apiserver with Node and RBAC authorization, service-account tokens, its default admission plugins plus
 * NodeRestriction and an audit log, and a kube-controller-manager running the deployment, replicaset,
 * statefulset, garbage-collector, namespace, service-account and endpoints controllers, each under its own service account
 * (admission webhooks are called through their Service's endpoints: --enable-aggregator-routing). A
 * {@link NodeAgent} stands in for the scheduler and one kubelet.
 *
 * <p>One instance serves every cluster test of a JVM ({@link #shared()}); tests keep to namespaces of their own.
 * Logs, kubeconfigs, the audit log and every container's output are under {@code target/cluster/}.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlPlane.class);
    public static final Path DIR = Path.of("target", "cluster").toAbsolutePath();
    public static final String NODE_NAME = "mm-node";
    private static final Path PIDS = DIR.resolve("control-plane.pids");
    private static ControlPlane shared;

    /** The users the control plane knows by static token; the operator runs as a ServiceAccount instead. */
    public enum Identity {
        ADMIN("kubernetes-admin", "system:masters"),
        CONTROLLER_MANAGER("system:kube-controller-manager", null),
        SCHEDULER("system:kube-scheduler", null),
        NODE("system:node:" + NODE_NAME, "system:nodes");

        final String user;
        final String group;

        Identity(String user, String group) {
            this.user = user;
            this.group = group;
        }
    }

    private final List<Process> processes = new ArrayList<>();
    private final Map<Identity, String> tokens = new LinkedHashMap<>();
    private PodNetwork network;
    private NodeAgent node;
    private String url;
    private Path caFile;
    private KubernetesClient admin;

    private ControlPlane() {
    }

    /** The control plane of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized ControlPlane shared() {
        if (shared == null) {
            ControlPlane started = new ControlPlane();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "control-plane-stop"));
            try {
                started.start();
            } catch (RuntimeException | Error e) {
                started.close();
                throw e;
            }
            shared = started;
        }
        return shared;
    }

    private void start() {
        long begin = System.nanoTime();
        try {
            stopLeftovers();
            deleteRecursively(DIR);
            Files.createDirectories(DIR.resolve("pki"));
            network = PodNetwork.create();
            SecureRandom random = new SecureRandom();
            StringBuilder tokenFile = new StringBuilder();
            for (Identity identity : Identity.values()) {
                byte[] bytes = new byte[24];
                random.nextBytes(bytes);
                String token = HexFormat.of().formatHex(bytes);
                tokens.put(identity, token);
                tokenFile.append(token).append(',').append(identity.user).append(',').append(identity.user)
                        .append(identity.group == null ? "" : ",\"" + identity.group + "\"").append('\n');
            }
            Path tokenPath = write(DIR.resolve("pki/tokens.csv"), tokenFile.toString());
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair serviceAccountKey = generator.generateKeyPair();
            Path saKey = write(DIR.resolve("pki/sa.key"), pem("PRIVATE KEY", serviceAccountKey.getPrivate().getEncoded()));
            Path saPub = write(DIR.resolve("pki/sa.pub"), pem("PUBLIC KEY", serviceAccountKey.getPublic().getEncoded()));
            Path auditPolicy = write(DIR.resolve("audit-policy.yaml"), """
                    apiVersion: audit.k8s.io/v1
                    kind: Policy
                    omitStages: [RequestReceived]
                    rules:
                      # The control plane's own controllers are not what the tests look at.
                      - level: None
                        userGroups: ["system:serviceaccounts:kube-system"]
                      # Every call of every other service account (the operator's), with the authorizer's decision.
                      - level: Metadata
                        userGroups: ["system:serviceaccounts"]
                      - level: None
                    """);

            int etcdPort = freePort();
            int peerPort = freePort();
            start("etcd", List.of(KubeBinaries.binary("etcd").toString(), "--name", "default",
                    "--data-dir", DIR.resolve("etcd").toString(),
                    "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
                    "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
                    "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                    "--initial-cluster", "default=http://127.0.0.1:" + peerPort,
                    "--unsafe-no-fsync", "--log-level", "warn"));
            awaitHttp("etcd", "http://127.0.0.1:" + etcdPort + "/health", Duration.ofSeconds(30));

            int port = freePort();
            url = "https://" + PodNetwork.GATEWAY + ":" + port;
            start("kube-apiserver", List.of(KubeBinaries.binary("kube-apiserver").toString(),
                    "--etcd-servers", "http://127.0.0.1:" + etcdPort,
                    // On the pod bridge, so that the operator's pods reach it as they would the kubernetes Service.
                    "--bind-address", PodNetwork.GATEWAY, "--advertise-address", PodNetwork.GATEWAY,
                    "--secure-port", Integer.toString(port),
                    "--cert-dir", DIR.resolve("pki").toString(),
                    "--token-auth-file", tokenPath.toString(),
                    "--authorization-mode", "Node,RBAC",
                    "--enable-admission-plugins", "NodeRestriction",
                    // Admission webhooks reach their Service's pods through its endpoints (there is no kube-proxy here).
                    "--enable-aggregator-routing=true",
                    "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
                    "--service-account-key-file", saPub.toString(),
                    "--service-account-signing-key-file", saKey.toString(),
                    "--service-cluster-ip-range", "10.96.0.0/16",
                    "--audit-policy-file", auditPolicy.toString(),
                    "--audit-log-path", auditLog().toString(),
                    "--audit-log-maxsize", "200",
                    "--profiling=false", "--v=1"));
            caFile = DIR.resolve("pki/apiserver.crt");
            await("the API server's serving certificate").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(caFile) && Files.size(caFile) > 0);
            awaitHttp("kube-apiserver", url + "/readyz", Duration.ofSeconds(90));
            admin = client(Identity.ADMIN);

            Path kcmConfig = kubeconfig(Identity.CONTROLLER_MANAGER);
            start("kube-controller-manager", List.of(KubeBinaries.binary("kube-controller-manager").toString(),
                    "--kubeconfig", kcmConfig.toString(),
                    "--controllers", "deployment-controller,replicaset-controller,garbage-collector-controller,"
                            + "namespace-controller,serviceaccount-controller,serviceaccount-token-controller,"
                            + "root-ca-certificate-publisher-controller,disruption-controller,endpoints-controller,"
                            + "endpointslice-controller,statefulset-controller",
                    "--use-service-account-credentials=true",
                    "--service-account-private-key-file", saKey.toString(),
                    "--root-ca-file", caFile.toString(),
                    "--leader-elect=false", "--secure-port=0", "--v=1"));
            await("the default ServiceAccount (made by the serviceaccount controller)").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> admin.serviceAccounts().inNamespace("default").withName("default").get() != null);
            node = NodeAgent.start(this, network);
            LOG.infof("control plane %s up at %s in %d ms", KubeBinaries.version(), url,
                    (System.nanoTime() - begin) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A test JVM killed outright (a cancelled build) leaves its control plane running: the next one stops what the
     * pid file lists, if it still is one of the control plane's binaries. Pods' processes go with their network
     * namespaces ({@link PodNetwork#create()}).
     */
    private static void stopLeftovers() throws IOException {
        if (!Files.exists(PIDS)) {
            return;
        }
        for (String line : Files.readAllLines(PIDS)) {
            ProcessHandle.of(Long.parseLong(line.trim()))
                    .filter(p -> p.info().command().map(c -> c.startsWith(KubeBinaries.dir().toString())).orElse(false))
                    .ifPresent(p -> {
                        p.destroyForcibly();
                        p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
                    });
        }
    }

    /** https://10.213.0.1:port: the API server, reachable from the host and from every pod. */
    public String url() {
        return url;
    }

    /** The certificate authority that signed the API server's serving certificate. */
    public Path caFile() {
        return caFile;
    }

    public KubernetesClient admin() {
        return admin;
    }

    public NodeAgent node() {
        return node;
    }

    public Path auditLog() {
        return DIR.resolve("audit.log");
    }

    /** A client authenticated as one of the static identities. */
    public KubernetesClient client(Identity identity) {
        return clientWithToken(tokens.get(identity));
    }

    /** A client authenticated by a bearer token (e.g. a ServiceAccount's from the TokenRequest API). */
    public KubernetesClient clientWithToken(String token) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url).withCaCertFile(caFile.toString())
                .withOauthToken(token).withRequestTimeout(30_000).withConnectionTimeout(10_000).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** A kubeconfig file for one identity, as kubectl and Helm read it. */
    public Path kubeconfig(Identity identity) {
        return kubeconfigWithToken(identity.name().toLowerCase().replace('_', '-'), tokens.get(identity));
    }

    public Path kubeconfigWithToken(String name, String token) {
        return write(DIR.resolve(name + ".kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: test
                    cluster: {server: "%s", certificate-authority: "%s"}
                users:
                  - name: %s
                    user: {token: "%s"}
                contexts:
                  - name: %s
                    context: {cluster: test, user: %s}
                current-context: %s
                """.formatted(url, caFile, name, token, name, name, name));
    }

    /** kubectl as the cluster administrator. */
    public Kubectl kubectl() {
        return new Kubectl(kubeconfig(Identity.ADMIN));
    }

    private void start(String name, List<String> command) throws IOException {
        Path log = DIR.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        Files.writeString(PIDS, process.pid() + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        process.onExit().thenRun(() -> {
            if (processes.contains(process)) {
                LOG.errorf("%s exited with %d; see %s", name, process.exitValue(), log);
            }
        });
    }

    private static void awaitHttp(String what, String url, Duration within) {
        HttpClient http = insecureHttp();
        await(what + " at " + url).atMost(within).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** Only for polling health endpoints before the CA file exists; every client of the API verifies its certificate. */
    private static HttpClient insecureHttp() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                    .connectTimeout(Duration.ofSeconds(2)).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    static Path write(Path path, String content) {
        try {
            Files.createDirectories(path.getParent());
            return Files.writeString(path, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (node != null) {
            node.close();
            node = null;
        }
        if (admin != null) {
            admin.close();
            admin = null;
        }
        List<Process> stopping = new ArrayList<>(processes);
        processes.clear();
        // The controller manager first, etcd last: nothing should outlive what it talks to.
        Collections.reverse(stopping);
        for (Process p : stopping) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (network != null) {
            network.close();
            network = null;
        }
    }
}

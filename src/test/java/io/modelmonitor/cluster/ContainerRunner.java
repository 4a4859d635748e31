package io.modelmonitor.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;

/**
 * One container of a pod on the test node, run as a kubelet runs it: a process in the pod's network namespace
 * (its argv from {@link Images}), as the container's user, with the service-account token mounted where pods find
 * it; restarted with the kubelet's back-off when it exits (CrashLoopBackOff: 10 s, doubling, at most 5 minutes);
 * started, ready and alive as its startup, readiness and liveness probes say.
 */
final class ContainerRunner {

    private static final Logger LOG = Logger.getLogger(ContainerRunner.class);
    private static final HttpClient PROBES = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** What the pod gives its containers. */
    interface Pod {
        String name();

        PodNetwork.Sandbox sandbox();

        /** The service-account token, CA and namespace to mount, if the pod mounts them. */
        Optional<Path> serviceAccountDir();

        Path logDir();

        String restartPolicy();

        /** The container's environment as the kubelet resolves it, with the cluster's service variables. */
        Map<String, String> environment(Container container);

        Long runAsUser(Container container);

        Long runAsGroup(Container container);
    }

    private final Container spec;
    private final Pod pod;
    private Process process;
    private Instant startedAt;
    private int restartCount;
    private ContainerStateTerminated lastTerminated;
    private Instant nextStart = Instant.EPOCH;
    private Duration backoff = Duration.ZERO;
    private String waitingReason = "ContainerCreating";
    private String waitingMessage;
    private final Prober startup;
    private final Prober readiness;
    private final Prober liveness;
    private boolean stopping;

    ContainerRunner(Container spec, Pod pod) {
        this.spec = spec;
        this.pod = pod;
        this.startup = spec.getStartupProbe() == null ? null : new Prober(spec.getStartupProbe());
        this.readiness = spec.getReadinessProbe() == null ? null : new Prober(spec.getReadinessProbe());
        this.liveness = spec.getLivenessProbe() == null ? null : new Prober(spec.getLivenessProbe());
    }

    String name() {
        return spec.getName();
    }

    /** Starts, restarts and probes the container as due at {@code now}. */
    void sync(Instant now) {
        if (stopping) {
            return;
        }
        if (process != null && !process.isAlive()) {
            exited(now);
        }
        if (process == null) {
            if (!now.isBefore(nextStart)) {
                start(now);
            }
            return;
        }
        boolean started = startup == null || startup.probe(now, startedAt, this) == Boolean.TRUE;
        if (!started) {
            return;
        }
        if (readiness != null) {
            readiness.probe(now, startedAt, this);
        }
        if (liveness != null && liveness.probe(now, startedAt, this) == Boolean.FALSE) {
            LOG.infof("%s/%s: liveness probe failed %d times; restarting", pod.name(), name(), liveness.failures);
            kill(Duration.ofSeconds(5));
        }
    }

    private void start(Instant now) {
        Map<String, String> env;
        Optional<Images.Entrypoint> entrypoint;
        try {
            env = pod.environment(spec);
            entrypoint = Images.entrypoint(spec, env);
        } catch (RuntimeException e) {
            waiting("CreateContainerConfigError", e.getMessage(), now.plusSeconds(10));
            return;
        }
        if (entrypoint.isEmpty()) {
            // A real node would try a registry; this one has only the project's image.
            boolean first = "ContainerCreating".equals(waitingReason);
            waiting(first ? "ErrImagePull" : "ImagePullBackOff", "Back-off pulling image \"" + spec.getImage()
                    + "\": the test node has only the model-monitor image", now.plusSeconds(10));
            return;
        }
        List<String> command = new ArrayList<>(PodNetwork.enter(pod.sandbox()));
        command.addAll(List.of("sh", "-c", launcher(), spec.getName()));
        command.addAll(entrypoint.get().argv());
        ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("/tmp").toFile())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(entrypoint.get().env());
        builder.environment().putAll(env);
        try {
            Path log = pod.logDir().resolve(spec.getName() + ".log");
            Files.createDirectories(log.getParent());
            Files.writeString(log, "---- " + now + " start #" + restartCount + ": " + String.join(" ",
                    entrypoint.get().argv()) + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
            startedAt = now;
            waitingReason = null;
            waitingMessage = null;
            for (Prober p : new Prober[] {startup, readiness, liveness}) {
                if (p != null) {
                    p.reset();
                }
            }
        } catch (IOException e) {
            waiting("CreateContainerError", e.getMessage(), now.plusSeconds(10));
        }
    }

    /**
     * The shell that turns the namespace's process into the container: the token where in-cluster clients look for
     * it (on a tmpfs over /run, private to this process), then the container's user, without new privileges.
     */
    private String launcher() {
        StringBuilder script = new StringBuilder("set -e\n");
        pod.serviceAccountDir().ifPresent(dir -> script
                .append("mount -t tmpfs -o size=1m,mode=755 tmpfs /run\n")
                .append("mkdir -p /run/secrets/kubernetes.io/serviceaccount\n")
                .append("mount --bind '").append(dir).append("' /run/secrets/kubernetes.io/serviceaccount\n"));
        Long user = pod.runAsUser(spec);
        if (user == null && Images.isProjectImage(spec.getImage())) {
            user = Images.IMAGE_USER;
        }
        if (user != null && user != 0) {
            Long group = pod.runAsGroup(spec);
            script.append("exec setpriv --reuid=").append(user).append(" --regid=").append(group == null ? user : group)
                    .append(" --clear-groups --no-new-privs -- \"$@\"\n");
        } else {
            script.append("exec \"$@\"\n");
        }
        return script.toString();
    }

    private void exited(Instant now) {
        int code = process.exitValue();
        lastTerminated = new ContainerStateTerminatedBuilder().withExitCode(code).withReason(code == 0 ? "Completed" : "Error")
                .withStartedAt(time(startedAt)).withFinishedAt(time(now)).build();
        process = null;
        boolean restart = switch (pod.restartPolicy()) {
            case "Never" -> false;
            case "OnFailure" -> code != 0;
            default -> true;
        };
        if (!restart) {
            stopping = true;
            return;
        }
        restartCount++;
        // Like the kubelet: a container that ran for 10 minutes starts its back-off afresh.
        if (startedAt != null && Duration.between(startedAt, now).compareTo(Duration.ofMinutes(10)) > 0) {
            backoff = Duration.ZERO;
        }
        backoff = backoff.isZero() ? Duration.ofSeconds(10) : min(backoff.multipliedBy(2), MAX_BACKOFF);
        waiting("CrashLoopBackOff", "back-off " + backoff.toSeconds() + "s restarting failed container=" + name()
                + " pod=" + pod.name(), now.plus(backoff));
    }

    private void waiting(String reason, String message, Instant retryAt) {
        waitingReason = reason;
        waitingMessage = message;
        nextStart = retryAt;
    }

    /** SIGTERM now; SIGKILL after {@code grace} if it has not exited. Returns at once. */
    void kill(Duration grace) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        p.onExit().orTimeout(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS)
                .exceptionally(timeout -> {
                    p.destroyForcibly();
                    return p;
                });
    }

    /** The pod is going away: stop for good, SIGKILL after {@code grace}. */
    void stop(Duration grace) {
        stopping = true;
        kill(grace);
    }

    boolean exited() {
        return process == null || !process.isAlive();
    }

    /** SIGKILL, as an OOM kill or a crash would end it; the container restarts as its policy says. */
    boolean crash() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return false;
        }
        p.destroyForcibly();
        return true;
    }

    void forceStop() {
        stopping = true;
        if (process != null) {
            process.destroyForcibly();
        }
    }

    boolean ready() {
        return process != null && process.isAlive() && (startup == null || startup.result == Boolean.TRUE)
                && (readiness == null || readiness.result == Boolean.TRUE);
    }

    boolean everStarted() {
        return startedAt != null;
    }

    ContainerStatus status() {
        ContainerStatusBuilder status = new ContainerStatusBuilder().withName(name()).withImage(spec.getImage())
                .withImageID(Images.isProjectImage(spec.getImage()) ? "file://" + Images.app() : "")
                .withRestartCount(restartCount).withReady(ready())
                .withStarted(process != null && process.isAlive() && (startup == null || startup.result == Boolean.TRUE));
        if (process != null && process.isAlive()) {
            status.withContainerID("mm://" + process.pid())
                    .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(time(startedAt)).endRunning().build());
        } else if (stopping && lastTerminated != null) {
            status.withState(new ContainerStateBuilder().withTerminated(lastTerminated).build());
        } else {
            status.withState(new ContainerStateBuilder().withNewWaiting().withReason(waitingReason == null ? "ContainerCreating"
                    : waitingReason).withMessage(waitingMessage).endWaiting().build());
        }
        if (lastTerminated != null) {
            status.withLastState(new ContainerStateBuilder().withTerminated(lastTerminated).build());
        }
        return status.build();
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private int port(IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return spec.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new IllegalStateException("no container port named " + port.getStrVal()));
    }

    /** One probe's schedule and its consecutive results, with the kubelet's defaults. */
    private static final class Prober {

        private final Probe spec;
        private Instant due;
        private int successes;
        private int failures;
        private Boolean result;

        Prober(Probe spec) {
            this.spec = spec;
        }

        void reset() {
            due = null;
            successes = 0;
            failures = 0;
            result = null;
        }

        /** Runs the probe if it is due; returns the current verdict (null before the first one). */
        Boolean probe(Instant now, Instant startedAt, ContainerRunner container) {
            if (due == null) {
                due = startedAt.plusSeconds(value(spec.getInitialDelaySeconds(), 0));
            }
            if (now.isBefore(due)) {
                return result;
            }
            due = now.plusSeconds(value(spec.getPeriodSeconds(), 10));
            boolean ok = check(container);
            if (ok) {
                failures = 0;
                if (++successes >= value(spec.getSuccessThreshold(), 1)) {
                    result = true;
                }
            } else {
                successes = 0;
                if (++failures >= value(spec.getFailureThreshold(), 3)) {
                    result = false;
                }
            }
            return result;
        }

        private boolean check(ContainerRunner container) {
            Duration timeout = Duration.ofSeconds(value(spec.getTimeoutSeconds(), 1));
            String ip = container.pod.sandbox().ip();
            try {
                if (spec.getHttpGet() != null) {
                    String path = spec.getHttpGet().getPath() == null ? "/" : spec.getHttpGet().getPath();
                    URI uri = URI.create("http://" + ip + ":" + container.port(spec.getHttpGet().getPort()) + path);
                    int code = PROBES.send(HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "kube-probe/1.36")
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    return code >= 200 && code < 400;
                }
                if (spec.getTcpSocket() != null) {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(ip, container.port(spec.getTcpSocket().getPort())),
                                (int) timeout.toMillis());
                        return true;
                    }
                }
                LOG.warnf("%s: only httpGet and tcpSocket probes are supported by the test node", container.name());
                return false;
            } catch (IOException | RuntimeException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private static int value(Integer value, int fallback) {
            return value == null ? fallback : value;
        }
    }
}

package io.modelmonitor.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The kubelet's work for one pod bound to the test node: a network namespace, the service-account token, its
 * containers ({@link ContainerRunner}), the pod's status (phase, IPs, conditions, container statuses) written as
 * the node, and on deletion SIGTERM, the grace period, SIGKILL and the final delete.
 */
final class PodWorker implements ContainerRunner.Pod {

    private static final Logger LOG = Logger.getLogger(PodWorker.class);

    private final KubernetesClient node;
    private final ControlPlane controlPlane;
    private final PodNetwork network;
    private final String uid;
    private volatile Pod pod;
    private volatile boolean gone;
    private PodNetwork.Sandbox sandbox;
    private Path serviceAccountDir;
    private Instant startTime;
    private final Map<String, ContainerRunner> containers = new LinkedHashMap<>();
    private final Map<String, String> transitions = new HashMap<>();
    private Instant killDeadline;
    private boolean deleteSent;
    private String lastStatus;
    private boolean finished;

    PodWorker(KubernetesClient node, ControlPlane controlPlane, PodNetwork network, Pod pod) {
        this.node = node;
        this.controlPlane = controlPlane;
        this.network = network;
        this.uid = pod.getMetadata().getUid();
        this.pod = pod;
    }

    void update(Pod latest) {
        this.pod = latest;
    }

    /** The pod object is gone from the API: whatever still runs is stopped. */
    void deleted() {
        gone = true;
    }

    /** Kills a container of this pod with SIGKILL; false if it does not run. */
    synchronized boolean crash(String container) {
        ContainerRunner runner = containers.get(container);
        return runner != null && runner.crash();
    }

    String podName() {
        return pod.getMetadata().getName();
    }

    String namespace() {
        return pod.getMetadata().getNamespace();
    }

    boolean finished() {
        return finished;
    }

    @Override
    public String name() {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    /** One pass of the pod's sync loop. */
    synchronized void sync() {
        if (finished) {
            return;
        }
        Instant now = Instant.now();
        if (gone) {
            containers.values().forEach(ContainerRunner::forceStop);
            release();
            return;
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            terminate(now);
            return;
        }
        if (sandbox == null && !createSandbox()) {
            return;
        }
        for (Container c : pod.getSpec().getContainers()) {
            containers.computeIfAbsent(c.getName(), n -> new ContainerRunner(c, this)).sync(now);
        }
        writeStatus(now);
    }

    private boolean createSandbox() {
        try {
            sandbox = network.add();
            startTime = Instant.now();
            Boolean automount = pod.getSpec().getAutomountServiceAccountToken();
            String account = pod.getSpec().getServiceAccountName();
            if (!Boolean.FALSE.equals(automount) && account != null) {
                serviceAccountDir = mountServiceAccount(account);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("%s: cannot set up the pod: %s", name(), e.getMessage());
            return false;
        }
    }

    /** A bound token for the pod's ServiceAccount, asked for as the node (the kubelet's projected volume). */
    private Path mountServiceAccount(String account) {
        TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
                .withUid(uid).endBoundObjectRef().endSpec().build();
        TokenRequest token = node.serviceAccounts().inNamespace(pod.getMetadata().getNamespace()).withName(account)
                .tokenRequest(request);
        try {
            Path dir = logDir().resolve("serviceaccount");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("token"), token.getStatus().getToken());
            Files.copy(controlPlane.caFile(), dir.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("namespace"), pod.getMetadata().getNamespace());
            // As the projected volume's defaultMode 0644: readable by the container's non-root user.
            for (Path p : List.of(dir, logDir())) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            for (String f : List.of("token", "ca.crt", "namespace")) {
                Files.setPosixFilePermissions(dir.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void terminate(Instant now) {
        if (killDeadline == null) {
            long grace = pod.getMetadata().getDeletionGracePeriodSeconds() != null
                    ? pod.getMetadata().getDeletionGracePeriodSeconds()
                    : pod.getSpec().getTerminationGracePeriodSeconds() == null ? 30 : pod.getSpec().getTerminationGracePeriodSeconds();
            killDeadline = now.plusSeconds(grace);
            containers.values().forEach(c -> c.stop(Duration.ofSeconds(grace)));
        }
        boolean allExited = containers.values().stream().allMatch(ContainerRunner::exited);
        if (!allExited && now.isBefore(killDeadline.plusSeconds(2))) {
            return;
        }
        containers.values().forEach(ContainerRunner::forceStop);
        if (!deleteSent) {
            try {
                // The kubelet's last word: the containers are gone, the object may go.
                node.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                        .withGracePeriod(0).delete();
                deleteSent = true;
            } catch (KubernetesClientException e) {
                LOG.warnf("%s: final delete failed: %s", name(), e.getMessage());
                return;
            }
        }
        if (gone) {
            release();
        }
    }

    private void release() {
        if (sandbox != null) {
            network.remove(sandbox);
            sandbox = null;
        }
        finished = true;
    }

    private void writeStatus(Instant now) {
        List<ContainerStatus> statuses = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            statuses.add(containers.get(c.getName()).status());
        }
        boolean allStarted = containers.values().stream().allMatch(ContainerRunner::everStarted);
        boolean allReady = containers.values().stream().allMatch(ContainerRunner::ready);
        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition("PodReadyToStartContainers", true, now));
        conditions.add(condition("Initialized", true, now));
        conditions.add(condition("ContainersReady", allReady, now));
        conditions.add(condition("Ready", allReady, now));
        if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
            pod.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst()
                    .ifPresent(conditions::add);
        }
        PodStatus status = new PodStatusBuilder().withPhase(allStarted ? "Running" : "Pending")
                .withHostIP(PodNetwork.GATEWAY).withHostIPs(new HostIP(PodNetwork.GATEWAY))
                .withPodIP(sandbox.ip()).withPodIPs(new PodIP(sandbox.ip()))
                .withStartTime(startTime.truncatedTo(ChronoUnit.SECONDS).toString())
                .withQosClass(pod.getStatus() == null ? null : pod.getStatus().getQosClass())
                .withConditions(conditions).withContainerStatuses(statuses).build();
        String json = Serialization.asJson(status);
        if (json.equals(lastStatus)) {
            return;
        }
        try {
            // A merge patch of the status: lists are replaced whole, so no stale container state survives.
            node.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":" + json + "}");
            lastStatus = json;
        } catch (KubernetesClientException e) {
            LOG.debugf("%s: status not written (%s); next pass", name(), e.getMessage());
        }
    }

    /** A condition whose lastTransitionTime moves only when its status flips. */
    private PodCondition condition(String type, boolean value, Instant now) {
        String status = value ? "True" : "False";
        String key = type + "=" + status;
        String since = transitions.get(key);
        if (since == null) {
            since = now.truncatedTo(ChronoUnit.SECONDS).toString();
            transitions.remove(type + "=" + (value ? "False" : "True"));
            transitions.put(key, since);
        }
        return new PodConditionBuilder().withType(type).withStatus(status).withLastTransitionTime(since).build();
    }

    @Override
    public PodNetwork.Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public Optional<Path> serviceAccountDir() {
        return Optional.ofNullable(serviceAccountDir);
    }

    @Override
    public Path logDir() {
        return ControlPlane.DIR.resolve("pods").resolve(pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName());
    }

    @Override
    public String restartPolicy() {
        return pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    }

    @Override
    public Long runAsUser(Container container) {
        if (container.getSecurityContext() != null && container.getSecurityContext().getRunAsUser() != null) {
            return container.getSecurityContext().getRunAsUser();
        }
        return pod.getSpec().getSecurityContext() == null ? null : pod.getSpec().getSecurityContext().getRunAsUser();
    }

    @Override
    public Long runAsGroup(Container container) {
        if (container.getSecurityContext() != null && container.getSecurityContext().getRunAsGroup() != null) {
            return container.getSecurityContext().getRunAsGroup();
        }
        return pod.getSpec().getSecurityContext() == null ? null : pod.getSpec().getSecurityContext().getRunAsGroup();
    }

    @Override
    public Map<String, String> environment(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", "/");
        env.put("HOSTNAME", pod.getMetadata().getName());
        // What the kubelet sets for the kubernetes Service; with no kube-proxy here, its real endpoint.
        String host = PodNetwork.GATEWAY;
        String port = controlPlane.url().substring(controlPlane.url().lastIndexOf(':') + 1);
        env.put("KUBERNETES_SERVICE_HOST", host);
        env.put("KUBERNETES_SERVICE_PORT", port);
        env.put("KUBERNETES_SERVICE_PORT_HTTPS", port);
        env.put("KUBERNETES_PORT", "tcp://" + host + ":" + port);
        if (container.getEnv() != null) {
            for (EnvVar var : container.getEnv()) {
                String value = value(var);
                if (value != null) {
                    env.put(var.getName(), value);
                }
            }
        }
        return env;
    }

    private String value(EnvVar var) {
        if (var.getValueFrom() == null) {
            return var.getValue() == null ? "" : var.getValue();
        }
        var from = var.getValueFrom();
        if (from.getFieldRef() != null) {
            String path = from.getFieldRef().getFieldPath();
            Matcher keyed = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]")
                    .matcher(path);
            if (keyed.matches()) {
                Map<String, String> values = keyed.group(1).equals("labels") ? pod.getMetadata().getLabels()
                        : pod.getMetadata().getAnnotations();
                return values == null ? "" : values.getOrDefault(keyed.group(2), "");
            }
            return switch (path) {
                case "metadata.name" -> pod.getMetadata().getName();
                case "metadata.namespace" -> pod.getMetadata().getNamespace();
                case "metadata.uid" -> uid;
                case "spec.nodeName" -> pod.getSpec().getNodeName();
                case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
                case "status.podIP" -> sandbox.ip();
                case "status.hostIP" -> PodNetwork.GATEWAY;
                default -> throw new IllegalStateException("fieldRef " + path + " is not supported by the test node");
            };
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            // As the node: the Node authorizer lets it read exactly the Secrets its pods reference.
            Secret secret = node.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(ref.getName()).get();
            String data = secret == null || secret.getData() == null ? null : secret.getData().get(ref.getKey());
            if (data == null && !Boolean.TRUE.equals(ref.getOptional())) {
                throw new IllegalStateException("secret " + ref.getName() + " has no key " + ref.getKey());
            }
            return data == null ? null : new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            var map = node.configMaps().inNamespace(pod.getMetadata().getNamespace()).withName(ref.getName()).get();
            return map == null || map.getData() == null ? null : map.getData().get(ref.getKey());
        }
        return null;
    }

    @Override
    public String toString() {
        return name() + " (" + uid + ")" + (Objects.equals(sandbox, null) ? "" : " at " + sandbox.ip());
    }
}

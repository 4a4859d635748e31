package io.modelmonitor.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.rollback.ReplicaSetHistory;

/**
 * The part of Kubernetes the local API server lacks: a Deployment controller and a kubelet, in miniature.
 * For each Deployment it keeps one ReplicaSet per pod template, named by a template hash, with the
 * {@code deployment.kubernetes.io/revision} annotations the real controller writes (a template that comes back
 * takes the next revision number, as in {@code kubectl rollout undo}); it runs the replicas of the current
 * ReplicaSet as Pods on loopback IPs (127.0.0.x), starts and stops them through a {@link PodRuntime}, and
 * reports a rolled-out Deployment status. Rollouts surge and drain: the new revision's pods start first, then the
 * old ones are deleted and, like pods on a node, stay Terminating (out of the Service's endpoints, held by a
 * finalizer) for a grace period in which they finish what is in flight, then stop. Rollouts do not wait for the
 * new pods to become ready (a crash-looping revision replaces the old one at once).
 */
public final class SimulatedControlPlane implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SimulatedControlPlane.class);
    public static final String REVISION = ReplicaSetHistory.REVISION;
    public static final String TEMPLATE_HASH = ReplicaSetHistory.TEMPLATE_HASH;

    private final KubernetesClient client;
    private final PodRuntime runtime;
    /** Holds a deleted pod while it drains, as the kubelet does for its grace period. */
    static final String GRACEFUL_TERMINATION = "sandbox.modelmonitor.io/graceful-termination";
    /** The alphabet Kubernetes names generated pods and template hashes with: no vowels, no look-alikes. */
    private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";

    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "simulated-control-plane"));
    private final Duration gracePeriod;
    private final AtomicInteger nextIp = new AtomicInteger(10);
    private final Map<String, Pod> running = new LinkedHashMap<>();
    private SharedIndexInformer<Deployment> informer;
    /** The API server's admission of each pod created; none by default. */
    private UnaryOperator<Pod> admission = UnaryOperator.identity();

    public SimulatedControlPlane(KubernetesClient client, PodRuntime runtime) {
        this(client, runtime, Duration.ofSeconds(3));
    }

    /** {@code gracePeriod}: how long a deleted pod keeps serving in-flight requests (clients re-resolve every second). */
    public SimulatedControlPlane(KubernetesClient client, PodRuntime runtime, Duration gracePeriod) {
        this.client = client;
        this.runtime = runtime;
        this.gracePeriod = gracePeriod;
    }

    /** Each pod passes through this before it is created, as through an API server's mutating admission. */
    public SimulatedControlPlane admittingPodsThrough(UnaryOperator<Pod> admission) {
        this.admission = admission;
        return this;
    }

    public SimulatedControlPlane start() {
        informer = client.apps().deployments().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                submit(d);
            }

            @Override
            public void onUpdate(Deployment old, Deployment d) {
                submit(d);
            }

            @Override
            public void onDelete(Deployment d, boolean unknown) {
                worker.submit(() -> removeAll(d));
            }
        });
        return this;
    }

    private void submit(Deployment d) {
        worker.submit(() -> {
            try {
                reconcile(d.getMetadata().getNamespace(), d.getMetadata().getName());
            } catch (RuntimeException e) {
                LOG.warnf("simulated control plane: %s/%s: %s", d.getMetadata().getNamespace(), d.getMetadata().getName(),
                        e.getMessage());
            }
        });
    }

    /**
     * The hash the simulated controller names a template by, spelled as the Deployment controller spells its
     * pod-template-hash: a 32-bit hash's decimal digits mapped onto {@link #SAFE} (e.g. {@code 7d4b9c8f6}).
     */
    public static String templateHash(PodTemplateSpec template) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Serialization.asJson(template).getBytes(StandardCharsets.UTF_8));
            long hash = ((digest[0] & 0xffL) << 24) | ((digest[1] & 0xffL) << 16) | ((digest[2] & 0xffL) << 8) | (digest[3] & 0xffL);
            StringBuilder safe = new StringBuilder();
            for (char digit : Long.toString(hash).toCharArray()) {
                safe.append(SAFE.charAt(digit % SAFE.length()));
            }
            return safe.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A generated pod name's suffix: five characters of {@link #SAFE}, as the ReplicaSet controller makes them. */
    private static String podSuffix() {
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(SAFE.charAt(ThreadLocalRandom.current().nextInt(SAFE.length())));
        }
        return suffix.toString();
    }

    private void reconcile(String namespace, String name) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (d == null || d.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String hash = templateHash(d.getSpec().getTemplate());
        List<ReplicaSet> owned = ownedReplicaSets(d);
        long maxRevision = owned.stream().mapToLong(SimulatedControlPlane::revisionOf).max().orElse(0);
        ReplicaSet current = owned.stream().filter(rs -> hash.equals(rs.getMetadata().getLabels().get(TEMPLATE_HASH)))
                .findFirst().orElse(null);
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        long revision;
        if (current == null) {
            revision = maxRevision + 1;
            current = client.resource(replicaSet(d, hash, revision, replicas)).create();
        } else {
            revision = revisionOf(current) == maxRevision ? maxRevision : maxRevision + 1;
            long newRevision = revision;
            int currentReplicas = current.getSpec().getReplicas() == null ? 0 : current.getSpec().getReplicas();
            if (revisionOf(current) != newRevision || currentReplicas != replicas) {
                current = client.apps().replicaSets().resource(current).edit(rs -> {
                    rs.getMetadata().getAnnotations().put(REVISION, Long.toString(newRevision));
                    rs.getSpec().setReplicas(replicas);
                    return rs;
                });
            }
        }
        for (ReplicaSet rs : owned) {
            if (!rs.getMetadata().getName().equals(current.getMetadata().getName())
                    && (rs.getSpec().getReplicas() == null || rs.getSpec().getReplicas() != 0)) {
                client.apps().replicaSets().resource(rs).edit(r -> {
                    r.getSpec().setReplicas(0);
                    return r;
                });
            }
        }
        syncPods(d, current, replicas);
        Deployment latest = client.apps().deployments().inNamespace(namespace).withName(name).get();
        String revisionText = Long.toString(revision);
        if (latest.getMetadata().getAnnotations() == null
                || !revisionText.equals(latest.getMetadata().getAnnotations().get(REVISION))) {
            latest = client.apps().deployments().resource(latest).edit(x -> {
                if (x.getMetadata().getAnnotations() == null) {
                    x.getMetadata().setAnnotations(new HashMap<>());
                }
                x.getMetadata().getAnnotations().put(REVISION, revisionText);
                return x;
            });
        }
        String currentPrefix = namespace + "/" + current.getMetadata().getName() + "-";
        int ready = (int) running.entrySet().stream().filter(e -> e.getKey().startsWith(currentPrefix))
                .filter(e -> !crashLooping(e.getValue().getSpec().getContainers())).count();
        reportReplicaSets(d, current, ready);
        var status = new DeploymentStatusBuilder().withObservedGeneration(latest.getMetadata().getGeneration())
                .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(ready)
                .withAvailableReplicas(ready).build();
        if (!Objects.equals(Serialization.asJson(status), Serialization.asJson(latest.getStatus()))) {
            latest.setStatus(status);
            client.apps().deployments().resource(latest).updateStatus();
        }
    }

    private ReplicaSet replicaSet(Deployment d, String hash, long revision, int replicas) {
        PodTemplateSpec template = Serialization.clone(d.getSpec().getTemplate());
        template.getMetadata().getLabels().put(TEMPLATE_HASH, hash);
        Map<String, String> selector = new LinkedHashMap<>(d.getSpec().getSelector().getMatchLabels());
        selector.put(TEMPLATE_HASH, hash);
        return new ReplicaSetBuilder()
                .withNewMetadata().withName(d.getMetadata().getName() + "-" + hash).withNamespace(d.getMetadata().getNamespace())
                    .withLabels(template.getMetadata().getLabels()).addToAnnotations(REVISION, Long.toString(revision))
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                            .withName(d.getMetadata().getName()).withUid(d.getMetadata().getUid()).withController(true).build())
                .endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(selector).endSelector()
                    .withTemplate(template).endSpec()
                .build();
    }

    List<ReplicaSet> ownedReplicaSets(Deployment d) {
        return client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).list().getItems().stream()
                .filter(rs -> rs.getMetadata().getOwnerReferences() != null && rs.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> "Deployment".equals(o.getKind()) && d.getMetadata().getName().equals(o.getName())))
                .sorted(Comparator.comparingLong(SimulatedControlPlane::revisionOf))
                .toList();
    }

    private static long revisionOf(ReplicaSet rs) {
        return ReplicaSetHistory.revisionOf(rs);
    }

    private void syncPods(Deployment d, ReplicaSet current, int replicas) {
        String prefix = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName() + "-";
        String currentPrefix = d.getMetadata().getNamespace() + "/" + current.getMetadata().getName() + "-";
        List<String> mine = new ArrayList<>(running.keySet().stream().filter(k -> k.startsWith(currentPrefix)).toList());
        // Surge first: the new revision's pods serve before the old ones leave the endpoints.
        while (mine.size() < replicas) {
            String podName = current.getMetadata().getName() + "-" + podSuffix();
            String key = d.getMetadata().getNamespace() + "/" + podName;
            if (running.containsKey(key)) {
                continue;
            }
            Pod pod = startPod(current, podName);
            running.put(key, pod);
            mine.add(key);
        }
        for (var it = running.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            if (entry.getKey().startsWith(prefix) && !entry.getKey().startsWith(currentPrefix)) {
                terminate(entry.getValue());
                it.remove();
            }
        }
        while (mine.size() > replicas) {
            String key = mine.remove(mine.size() - 1);
            terminate(running.remove(key));
        }
    }

    /** ReplicaSet status as its controller reports it: the current one's pods, none for the others. */
    private void reportReplicaSets(Deployment d, ReplicaSet current, int ready) {
        String currentPrefix = d.getMetadata().getNamespace() + "/" + current.getMetadata().getName() + "-";
        int pods = (int) running.keySet().stream().filter(k -> k.startsWith(currentPrefix)).count();
        for (ReplicaSet rs : ownedReplicaSets(d)) {
            boolean isCurrent = rs.getMetadata().getName().equals(current.getMetadata().getName());
            var status = new ReplicaSetStatusBuilder()
                    .withObservedGeneration(rs.getMetadata().getGeneration()).withReplicas(isCurrent ? pods : 0)
                    .withReadyReplicas(isCurrent ? ready : 0).withAvailableReplicas(isCurrent ? ready : 0).build();
            if (!Objects.equals(Serialization.asJson(status), Serialization.asJson(rs.getStatus()))) {
                rs.setStatus(status);
                client.apps().replicaSets().resource(rs).updateStatus();
            }
        }
    }

    private Pod startPod(ReplicaSet rs, String name) {
        PodTemplateSpec template = rs.getSpec().getTemplate();
        String ip = "127.0.0." + nextIp.getAndIncrement();
        if (nextIp.get() > 250) {
            nextIp.set(10);
        }
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(rs.getMetadata().getNamespace())
                    .withLabels(template.getMetadata().getLabels()).withAnnotations(template.getMetadata().getAnnotations())
                    .withFinalizers(GRACEFUL_TERMINATION)
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                            .withName(rs.getMetadata().getName()).withUid(rs.getMetadata().getUid()).withController(true).build())
                .endMetadata()
                .withSpec(Serialization.clone(template.getSpec()))
                .build();
        client.pods().inNamespace(rs.getMetadata().getNamespace()).withName(name).delete();
        pod = client.resource(admission.apply(pod)).create();
        boolean crashing = crashLooping(template.getSpec().getContainers());
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip)
                .withContainerStatuses(pod.getSpec().getContainers().stream()
                        .map(c -> crashLooping(List.of(c))
                                ? new ContainerStatusBuilder().withName(c.getName())
                                        .withImage(c.getImage()).withReady(false).withRestartCount(4).withNewState()
                                        .withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().build()
                                : new ContainerStatusBuilder().withName(c.getName())
                                        .withImage(c.getImage()).withReady(true).withRestartCount(0).build())
                        .toList())
                .addNewCondition().withType("Ready").withStatus(crashing ? "False" : "True").endCondition()
                .build());
        if (!crashing) {
            runtime.start(pod);
        }
        return client.pods().resource(pod).updateStatus();
    }

    /** A container whose image tag says crashloop exits at once, again and again: a bad deploy to rehearse. */
    static boolean crashLooping(List<Container> containers) {
        return containers.stream().anyMatch(c -> c.getImage() != null && c.getImage().contains(":crashloop"));
    }

    /**
     * Deletes a pod as a node would see it: marked Terminating at once (it leaves the Service's endpoints), stopped
     * and gone after the grace period.
     */
    private void terminate(Pod pod) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
        worker.schedule(() -> stopPod(pod), gracePeriod.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void stopPod(Pod pod) {
        try {
            runtime.stop(pod);
        } finally {
            release(pod);
        }
    }

    /** Removes the graceful-termination finalizer: the deleted pod goes. */
    private void release(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .patch(PatchContext.of(
                            PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
        } catch (RuntimeException e) {
            LOG.debugf("releasing pod %s: %s", pod.getMetadata().getName(), e.getMessage());
        }
    }

    private void removeAll(Deployment d) {
        String prefix = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName() + "-";
        for (var it = running.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            if (entry.getKey().startsWith(prefix)) {
                terminate(entry.getValue());
                it.remove();
            }
        }
        // No garbage collector here: remove what the Deployment owned, as the real one would.
        for (ReplicaSet rs : ownedReplicaSets(d)) {
            client.apps().replicaSets().resource(rs).delete();
        }
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        worker.submit(() -> {
            running.values().forEach(p -> {
                try {
                    stopPod(p);
                } catch (RuntimeException e) {
                    LOG.debugf("stopping %s: %s", p.getMetadata().getName(), e.getMessage());
                }
            });
            running.clear();
        });
        // Pods still draining stop when their grace period ends: shutdown still runs delayed tasks.
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

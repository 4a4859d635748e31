package io.modelmonitor.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The test cluster's one node, in place of the scheduler and a kubelet: registers Node {@value ControlPlane#NODE_NAME}
 * as the node itself ({@code system:node:mm-node}, checked by the Node authorizer and NodeRestriction), binds every
 * pending pod to it as {@code system:kube-scheduler}, and runs each bound pod with a {@link PodWorker}: containers
 * as processes in the pod's network namespace, probes, restarts with back-off, status, graceful deletion.
 */
public final class NodeAgent implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NodeAgent.class);
    private static final long SYNC_MILLIS = 500;

    private final ControlPlane controlPlane;
    private final PodNetwork network;
    private final KubernetesClient node;
    private final KubernetesClient scheduler;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "node-agent");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> loops = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> pending;
    private SharedIndexInformer<Pod> bound;

    private NodeAgent(ControlPlane controlPlane, PodNetwork network) {
        this.controlPlane = controlPlane;
        this.network = network;
        this.node = controlPlane.client(ControlPlane.Identity.NODE);
        this.scheduler = controlPlane.client(ControlPlane.Identity.SCHEDULER);
    }

    static NodeAgent start(ControlPlane controlPlane, PodNetwork network) {
        NodeAgent agent = new NodeAgent(controlPlane, network);
        agent.register();
        agent.pending = agent.scheduler.pods().inAnyNamespace().withField("spec.nodeName", "").inform(new Handler() {
            @Override
            void changed(Pod pod) {
                agent.executor.execute(() -> agent.bind(pod));
            }
        });
        agent.bound = agent.node.pods().inAnyNamespace().withField("spec.nodeName", ControlPlane.NODE_NAME)
                .inform(new Handler() {
                    @Override
                    void changed(Pod pod) {
                        agent.run(pod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean unknownState) {
                        PodWorker worker = agent.workers.get(pod.getMetadata().getUid());
                        if (worker != null) {
                            worker.deleted();
                        }
                    }
                });
        return agent;
    }

    /** The Node, created by the node itself, with a Ready condition and room for every test pod. */
    private void register() {
        Map<String, Quantity> room = Map.of("cpu", new Quantity("16"), "memory", new Quantity("64Gi"),
                "pods", new Quantity("110"), "ephemeral-storage", new Quantity("100Gi"));
        Node created = node.nodes().resource(new NodeBuilder().withNewMetadata().withName(ControlPlane.NODE_NAME)
                .addToLabels("kubernetes.io/hostname", ControlPlane.NODE_NAME).addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64").endMetadata().build()).create();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        created.setStatus(new NodeStatusBuilder()
                .withCapacity(room).withAllocatable(room)
                .addNewAddress().withType("InternalIP").withAddress(PodNetwork.GATEWAY).endAddress()
                .addNewAddress().withType("Hostname").withAddress(ControlPlane.NODE_NAME).endAddress()
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                    .withMessage("the model-monitor test node agent is ready").withLastHeartbeatTime(now)
                    .withLastTransitionTime(now).endCondition()
                .withNewNodeInfo().withKubeletVersion(KubeBinaries.version()).withOperatingSystem("linux")
                    .withArchitecture("amd64").withContainerRuntimeVersion("mm-node-agent://1")
                    .withKernelVersion(System.getProperty("os.version")).withOsImage("model-monitor test node")
                    .withMachineID("").withSystemUUID("").withBootID("").withKubeProxyVersion("")
                .endNodeInfo().build());
        node.nodes().resource(created).updateStatus();
    }

    private void bind(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || pod.getSpec().getNodeName() != null
                || !"default-scheduler".equals(pod.getSpec().getSchedulerName())) {
            return;
        }
        try {
            scheduler.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(new BindingBuilder()
                    .withNewMetadata().withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endMetadata()
                    .withNewTarget().withApiVersion("v1").withKind("Node").withName(ControlPlane.NODE_NAME).endTarget()
                    .build()).create();
        } catch (KubernetesClientException e) {
            // Already bound or gone: the informer brings the next state.
            LOG.debugf("binding %s/%s: %s", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.getMessage());
        }
    }

    private void run(Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodWorker existing = workers.get(uid);
        if (existing != null) {
            existing.update(pod);
            return;
        }
        PodWorker worker = new PodWorker(node, controlPlane, network, pod);
        workers.put(uid, worker);
        loops.put(uid, executor.scheduleWithFixedDelay(() -> {
            try {
                worker.sync();
            } catch (RuntimeException e) {
                LOG.warnf(e, "pod %s", worker);
            }
            if (worker.finished()) {
                workers.remove(uid);
                ScheduledFuture<?> loop = loops.remove(uid);
                if (loop != null) {
                    loop.cancel(false);
                }
            }
        }, 0, SYNC_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** SIGKILLs one container of a pod running here, as a crash would; false if there is no such container. */
    public boolean crash(String namespace, String pod, String container) {
        return workers.values().stream().filter(w -> namespace.equals(w.namespace()) && pod.equals(w.podName()))
                .anyMatch(w -> w.crash(container));
    }

    /** What a container of a pod printed, all its restarts included (kubectl logs has no kubelet to ask here). */
    public static String log(String namespace, String pod, String container) {
        Path file = ControlPlane.DIR.resolve("pods").resolve(namespace + "_" + pod).resolve(container + ".log");
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many pods the node runs now (for tests that check nothing is left). */
    public int runningPods() {
        return workers.size();
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.close();
        }
        if (bound != null) {
            bound.close();
        }
        loops.values().forEach(f -> f.cancel(false));
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.values().forEach(w -> {
            w.deleted();
            w.sync();
        });
        workers.clear();
        node.close();
        scheduler.close();
    }

    /** Every add or update of a pod, the same way. */
    private abstract static class Handler implements ResourceEventHandler<Pod> {

        abstract void changed(Pod pod);

        @Override
        public void onAdd(Pod pod) {
            changed(pod);
        }

        @Override
        public void onUpdate(Pod old, Pod pod) {
            changed(pod);
        }

        @Override
        public void onDelete(Pod pod, boolean unknownState) {
        }
    }

    @Override
    public String toString() {
        return "NodeAgent" + Serialization.asJson(workers.keySet());
    }
}

package io.modelmonitor.operator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.rollback.DeploymentHistory;
import io.modelmonitor.rollback.RevisionHistory;
import io.modelmonitor.rollback.RollbackPlanner;

/** A Deployment as a target: its ReplicaSets are its history, its status counts its ready pods. */
final class DeploymentWorkload implements Workload {

    static final Workloads.Type TYPE = new Workloads.Type(TargetKind.Deployment, Deployment.class,
            (client, object) -> new DeploymentWorkload(client, (Deployment) object));

    private final KubernetesClient client;
    private final Deployment deployment;
    /** Read once per snapshot: a reconcile asks for it from several places (rollbacks, collectors, verdicts). */
    private RevisionHistory history;

    DeploymentWorkload(KubernetesClient client, Deployment deployment) {
        this.client = client;
        this.deployment = deployment;
    }

    @Override
    public TargetKind kind() {
        return TargetKind.Deployment;
    }

    @Override
    public String name() {
        return deployment.getMetadata().getName();
    }

    @Override
    public String namespace() {
        return deployment.getMetadata().getNamespace();
    }

    @Override
    public Optional<String> annotation(String key) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(key));
    }

    @Override
    public PodTemplateSpec template() {
        return deployment.getSpec().getTemplate();
    }

    @Override
    public Map<String, String> podSelector() {
        var selector = deployment.getSpec().getSelector();
        return selector == null || selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    }

    @Override
    public Map<String, String> currentPodSelector() {
        Optional<String> hash = currentHash();
        if (hash.isEmpty() || podSelector().isEmpty()) {
            return podSelector();
        }
        Map<String, String> labels = new LinkedHashMap<>(podSelector());
        labels.put(DeploymentHistory.TEMPLATE_HASH, hash.get());
        return labels;
    }

    @Override
    public String revisionLabel() {
        return DeploymentHistory.TEMPLATE_HASH;
    }

    @Override
    public Optional<Long> revision() {
        return annotation(DeploymentHistory.REVISION).filter(r -> r.matches("\\d{1,18}")).map(Long::valueOf);
    }

    @Override
    public CollectorReadiness readiness() {
        int expected = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        DeploymentStatus status = deployment.getStatus();
        Long generation = deployment.getMetadata().getGeneration();
        // Until the controller has observed the injected template, its counts describe the old pods.
        boolean observed = status != null && status.getObservedGeneration() != null
                && (generation == null || status.getObservedGeneration() >= generation);
        if (!observed) {
            return new CollectorReadiness(expected, 0, false);
        }
        int updated = valueOf(status.getUpdatedReplicas());
        int ready = Math.min(updated, valueOf(status.getReadyReplicas()));
        int total = valueOf(status.getReplicas());
        return new CollectorReadiness(expected, ready, updated >= expected && total == updated);
    }

    private static int valueOf(Integer value) {
        return value == null ? 0 : value;
    }

    /** Waiting reasons that will not clear by themselves. */
    private static final Set<String> STUCK = Set.of("ImagePullBackOff", "ErrImagePull",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");
    /** A container restarted this often and now backing off is crash-looping, not starting slowly. */
    static final int CRASH_LOOP_RESTARTS = 3;

    @Override
    public RolloutTrouble trouble() {
        Optional<String> deadline = deployment.getStatus() == null || deployment.getStatus().getConditions() == null
                ? Optional.empty()
                : deployment.getStatus().getConditions().stream()
                        .filter(c -> "Progressing".equals(c.getType()) && "False".equals(c.getStatus())
                                && "ProgressDeadlineExceeded".equals(c.getReason()))
                        .map(c -> c.getMessage() == null ? "ProgressDeadlineExceeded" : c.getMessage()).findFirst();
        Map<String, String> labels = currentPodSelector();
        if (!labels.containsKey(DeploymentHistory.TEMPLATE_HASH)) {
            return new RolloutTrouble(deadline, List.of(), List.of());
        }
        List<String> crashLooping = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (var pod : client.pods().inNamespace(namespace()).withLabels(labels).list().getItems()) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (var c : pod.getStatus().getContainerStatuses()) {
                String reason = c.getState() == null || c.getState().getWaiting() == null ? null : c.getState().getWaiting().getReason();
                int restarts = c.getRestartCount() == null ? 0 : c.getRestartCount();
                String what = pod.getMetadata().getName() + ": container " + c.getName() + " " + reason;
                if ("CrashLoopBackOff".equals(reason) && restarts >= CRASH_LOOP_RESTARTS) {
                    crashLooping.add(what + " (" + restarts + " restarts)");
                } else if (reason != null && STUCK.contains(reason)) {
                    waiting.add(what);
                }
            }
        }
        return new RolloutTrouble(deadline, crashLooping, waiting);
    }

    /** A Deployment's pods are named {@code <name>-<pod-template-hash>-<5 random>} (names and hashes need no escaping but dots). */
    @Override
    public String podNamePattern() {
        return name().replace(".", "\\.") + "-" + currentHash().orElse("[a-z0-9]{1,10}") + "-[a-z0-9]{5}";
    }

    @Override
    public RevisionHistory history() {
        if (history == null) {
            history = DeploymentHistory.of(client, deployment);
        }
        return history;
    }

    /** The pod-template-hash of the revision the Deployment runs now, when its ReplicaSet is recorded. */
    private Optional<String> currentHash() {
        return history().current().map(RollbackPlanner.Revision::templateHash);
    }

    @Override
    public Workload injectCollector(Container collector, String configHash, String monitorName) {
        return edit(d -> {
            CollectorSidecar.inject(d.getSpec().getTemplate(), collector, configHash, monitorName);
            annotations(d).put(Annotations.MONITOR, monitorName);
            return d;
        });
    }

    @Override
    public boolean removeCollector() {
        boolean[] changed = {false};
        edit(d -> {
            changed[0] = CollectorSidecar.remove(d.getSpec().getTemplate());
            Map<String, String> annotations = d.getMetadata().getAnnotations();
            if (annotations != null) {
                changed[0] |= annotations.remove(Annotations.MONITOR) != null;
                // A rollback the monitor had in flight is its own; nobody else would ever finish or clear it.
                changed[0] |= annotations.remove(Annotations.ROLLBACK_INTENT) != null;
                if (annotations.isEmpty()) {
                    d.getMetadata().setAnnotations(null);
                }
            }
            return d;
        });
        return changed[0];
    }

    @Override
    public Workload annotate(String key, String value) {
        return edit(d -> {
            if (value != null) {
                annotations(d).put(key, value);
            } else if (d.getMetadata().getAnnotations() != null) {
                d.getMetadata().getAnnotations().remove(key);
            }
            return d;
        });
    }

    @Override
    public Workload restoreTemplate(PodTemplateSpec template) {
        return edit(d -> {
            d.getSpec().setTemplate(template);
            return d;
        });
    }

    private Workload edit(UnaryOperator<Deployment> change) {
        Deployment updated = client.apps().deployments().inNamespace(namespace()).withName(name()).edit(change);
        return new DeploymentWorkload(client, updated);
    }

    private static Map<String, String> annotations(Deployment d) {
        if (d.getMetadata().getAnnotations() == null) {
            d.getMetadata().setAnnotations(new LinkedHashMap<>());
        }
        return d.getMetadata().getAnnotations();
    }
}

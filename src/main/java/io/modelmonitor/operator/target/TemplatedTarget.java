package io.modelmonitor.operator.target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.rollback.RevisionHistory;

/**
 * What every kind with a pod template in its spec does alike: the object's annotations, its selector, its template
 * and the edits the monitor makes to them (the collector in, out, a rollback's template). A kind says where its
 * template and selector live, how its history is read and what its status means.
 */
public abstract class TemplatedTarget<T extends HasMetadata> implements Target {

    protected final KubernetesClient client;
    protected final T object;
    /** Read once per snapshot: a reconcile asks for it from several places (rollbacks, collectors, verdicts). */
    private RevisionHistory history;

    public TemplatedTarget(KubernetesClient client, T object) {
        this.client = client;
        this.object = object;
    }

    /** Its kind's registration: the kind, its resource class, its revision label, how a snapshot is made. */
    protected abstract Targets.Type registration();

    protected abstract PodTemplateSpec templateOf(T object);

    protected abstract void setTemplate(T object, PodTemplateSpec template);

    protected abstract LabelSelector selectorOf(T object);

    protected abstract RevisionHistory readHistory();

    /** What its controller says when it gave up on a rollout (past its progress deadline); empty if it cannot. */
    protected abstract Optional<String> deadlineExceeded();

    /** The controller's verdict, and what the current revision's pods say once that revision is known. */
    @Override
    public RolloutTrouble trouble() {
        Optional<String> deadline = deadlineExceeded();
        Map<String, String> labels = currentPodSelector();
        if (!labels.containsKey(revisionLabel())) {
            return new RolloutTrouble(deadline, List.of(), List.of());
        }
        return RolloutTrouble.ofPods(client, namespace(), labels, deadline);
    }

    @Override
    public TargetKind kind() {
        return registration().kind();
    }

    @Override
    public String revisionLabel() {
        return registration().revisionLabel();
    }

    @Override
    public String name() {
        return object.getMetadata().getName();
    }

    @Override
    public String namespace() {
        return object.getMetadata().getNamespace();
    }

    @Override
    public Optional<String> annotation(String key) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(key));
    }

    @Override
    public PodTemplateSpec template() {
        return templateOf(object);
    }

    @Override
    public Map<String, String> podSelector() {
        LabelSelector selector = selectorOf(object);
        return selector == null || selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    }

    /** The pod selector narrowed to the current revision's label, once the controller has recorded it. */
    @Override
    public Map<String, String> currentPodSelector() {
        Optional<String> hash = currentRevisionHash();
        if (hash.isEmpty() || podSelector().isEmpty()) {
            return podSelector();
        }
        Map<String, String> labels = new LinkedHashMap<>(podSelector());
        labels.put(revisionLabel(), hash.get());
        return labels;
    }

    @Override
    public RevisionHistory history() {
        if (history == null) {
            history = readHistory();
        }
        return history;
    }

    @Override
    public Target injectCollector(Container collector, String configHash, String monitorName) {
        return edit(o -> {
            CollectorSidecar.inject(templateOf(o), collector, configHash, monitorName);
            annotations(o).put(Annotations.MONITOR, monitorName);
            return o;
        });
    }

    @Override
    public boolean removeCollector() {
        boolean[] changed = {false};
        edit(o -> {
            changed[0] = CollectorSidecar.remove(templateOf(o));
            Map<String, String> annotations = o.getMetadata().getAnnotations();
            if (annotations != null) {
                changed[0] |= annotations.remove(Annotations.MONITOR) != null;
                // A rollback the monitor had in flight is its own; nobody else would ever finish or clear it.
                changed[0] |= annotations.remove(Annotations.ROLLBACK_INTENT) != null;
                if (annotations.isEmpty()) {
                    o.getMetadata().setAnnotations(null);
                }
            }
            return o;
        });
        return changed[0];
    }

    @Override
    public Target annotate(String key, String value) {
        return edit(o -> {
            if (value != null) {
                annotations(o).put(key, value);
            } else if (o.getMetadata().getAnnotations() != null) {
                o.getMetadata().getAnnotations().remove(key);
            }
            return o;
        });
    }

    @Override
    public Target restoreTemplate(PodTemplateSpec template) {
        return edit(o -> {
            setTemplate(o, template);
            return o;
        });
    }

    @SuppressWarnings("unchecked")
    private Target edit(UnaryOperator<T> change) {
        Class<T> type = (Class<T>) registration().resource();
        return registration().of(client, client.resources(type).inNamespace(namespace()).withName(name()).edit(change));
    }

    private static Map<String, String> annotations(HasMetadata o) {
        if (o.getMetadata().getAnnotations() == null) {
            o.getMetadata().setAnnotations(new LinkedHashMap<>());
        }
        return o.getMetadata().getAnnotations();
    }

    /**
     * The names of the pods of a ReplicaSet its owner names {@code <owner>-<hash>} (a Deployment's, a Rollout's):
     * {@code <owner>-<hash>-<5 random>}; any hash while it is not known. Names and hashes need no escaping but dots.
     */
    public static String replicaSetPodNames(String owner, Optional<String> hash) {
        return owner.replace(".", "\\.") + "-" + hash.orElse("[a-z0-9]{1,10}") + "-[a-z0-9]{5}";
    }

    protected static int valueOf(Integer value) {
        return value == null ? 0 : value;
    }

    /** Whether its controller has seen the spec as it is now: until then its counts describe the pods before. */
    protected boolean observed(Long observedGeneration) {
        Long generation = object.getMetadata().getGeneration();
        return observedGeneration != null && (generation == null || observedGeneration >= generation);
    }
}

package io.modelmonitor.operator.target;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.target.argo.ArgoRolloutTarget;
import io.modelmonitor.operator.target.deployment.DeploymentTarget;
import io.modelmonitor.operator.target.kserve.InferenceServiceTarget;
import io.modelmonitor.operator.target.statefulset.StatefulSetTarget;

/** The kinds of target the operator can monitor, one {@link Type} each: register a new kind here. */
public final class Targets {

    /**
     * One kind: the resource the operator watches for it, the pod label that names a revision, how one of those
     * becomes a {@link Target}, and whether every cluster serves it (built in) or only those where another
     * project's CRD is installed.
     */
    public record Type(TargetKind kind, Class<? extends HasMetadata> resource, String revisionLabel,
            BiFunction<KubernetesClient, HasMetadata, Target> wrap, boolean builtIn) {

        /** Whether the cluster's API serves this kind now (discovery, which every authenticated user may read). */
        public boolean served(KubernetesClient client) {
            return builtIn || client.supports(resource);
        }

        public Target of(KubernetesClient client, HasMetadata object) {
            return wrap.apply(client, object);
        }

        /** The workload of this kind with this name, if it exists. */
        public Optional<Target> find(KubernetesClient client, String namespace, String name) {
            return Optional.ofNullable(client.resources(resource).inNamespace(namespace).withName(name).get())
                    .map(object -> of(client, object));
        }
    }

    private static final Map<TargetKind, Type> TYPES = new EnumMap<>(TargetKind.class);

    static {
        for (Type type : List.of(DeploymentTarget.TYPE, StatefulSetTarget.TYPE, ArgoRolloutTarget.TYPE,
                InferenceServiceTarget.TYPE)) {
            TYPES.put(type.kind(), type);
        }
        for (TargetKind kind : TargetKind.values()) {
            if (!TYPES.containsKey(kind)) {
                throw new ExceptionInInitializerError("no Target type for target kind " + kind);
            }
        }
    }

    private Targets() {
    }

    public static Type of(TargetKind kind) {
        return TYPES.get(kind == null ? TargetKind.Deployment : kind);
    }

    /** The pod label that names a revision of the monitor's target: the collector reports its pod's revision by it. */
    public static String revisionLabel(ModelMonitor monitor) {
        return of(monitor.getSpec().getTarget().getKind()).revisionLabel();
    }

    public static List<Type> all() {
        return List.copyOf(TYPES.values());
    }
}

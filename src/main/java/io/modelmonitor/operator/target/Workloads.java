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
import io.modelmonitor.operator.target.argo.RolloutWorkload;
import io.modelmonitor.operator.target.deployment.DeploymentWorkload;
import io.modelmonitor.operator.target.kserve.InferenceServiceWorkload;
import io.modelmonitor.operator.target.statefulset.StatefulSetWorkload;

/** The kinds of target the operator can monitor, one {@link Type} each: register a new kind here. */
public final class Workloads {

    /**
     * One kind: the resource the operator watches for it, the pod label that names a revision, how one of those
     * becomes a {@link Workload}, and whether every cluster serves it (built in) or only those where another
     * project's CRD is installed.
     */
    public record Type(TargetKind kind, Class<? extends HasMetadata> resource, String revisionLabel,
            BiFunction<KubernetesClient, HasMetadata, Workload> wrap, boolean builtIn) {

        /** Whether the cluster's API serves this kind now (discovery, which every authenticated user may read). */
        public boolean served(KubernetesClient client) {
            return builtIn || client.supports(resource);
        }

        public Workload of(KubernetesClient client, HasMetadata object) {
            return wrap.apply(client, object);
        }

        /** The workload of this kind with this name, if it exists. */
        public Optional<Workload> find(KubernetesClient client, String namespace, String name) {
            return Optional.ofNullable(client.resources(resource).inNamespace(namespace).withName(name).get())
                    .map(object -> of(client, object));
        }
    }

    private static final Map<TargetKind, Type> TYPES = new EnumMap<>(TargetKind.class);

    static {
        for (Type type : List.of(DeploymentWorkload.TYPE, StatefulSetWorkload.TYPE, RolloutWorkload.TYPE,
                InferenceServiceWorkload.TYPE)) {
            TYPES.put(type.kind(), type);
        }
        for (TargetKind kind : TargetKind.values()) {
            if (!TYPES.containsKey(kind)) {
                throw new ExceptionInInitializerError("no Workload type for target kind " + kind);
            }
        }
    }

    private Workloads() {
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

package io.modelmonitor.operator.injection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.api.CollectorContract.Env;
import io.modelmonitor.api.v1alpha1.CollectorSpec;
import io.modelmonitor.api.v1alpha1.GroundTruthSpec;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorSpec;
import io.modelmonitor.api.v1alpha1.ModelSpec;
import io.modelmonitor.operator.config.OperatorConfig;

/**
 * Describes the collector container a monitor wants and puts it into, or takes it out of, a pod template.
 * Pure functions over the fabric8 model: no API calls, so every rule here is unit-tested.
 */
public final class CollectorSidecar {

    private CollectorSidecar() {
    }

    /** The Secret holding a monitor's id-signing key, and its key: see {@link #idKeySecret}. */
    public static final String ID_KEY = "key";

    /**
     * The Secret, one per monitor, whose key every collector of the monitor signs its prediction ids with (so that
     * a label's id can be trusted before the collector forwards it anywhere). The operator creates it, owned by the
     * monitor; collectors get it as a secretKeyRef, never as a value.
     */
    public static String idKeySecret(String monitorName) {
        return monitorName + "-mm-id-key";
    }

    public static Container desiredContainer(ModelMonitor monitor, OperatorConfig.Collector defaults, String revisionLabel) {
        ModelMonitorSpec spec = monitor.getSpec();
        CollectorSpec collector = spec.getCollector() == null ? new CollectorSpec() : spec.getCollector();
        int dataPort = collector.getPort() == null ? CollectorContract.DATA_PORT : collector.getPort();
        int adminPort = collector.getAdminPort() == null ? CollectorContract.ADMIN_PORT : collector.getAdminPort();
        String image = collector.getImage() == null || collector.getImage().isBlank() ? defaults.image() : collector.getImage();
        return new ContainerBuilder()
                .withName(Annotations.COLLECTOR_CONTAINER)
                .withImage(image)
                .withImagePullPolicy(defaults.imagePullPolicy())
                .withArgs("collector")
                .withEnv(env(spec, monitor.getMetadata().getName(), collector, dataPort, adminPort, defaults, revisionLabel))
                .addNewPort().withName(Annotations.DATA_PORT_NAME).withContainerPort(dataPort).withProtocol("TCP").endPort()
                .addNewPort().withName(Annotations.ADMIN_PORT_NAME).withContainerPort(adminPort).withProtocol("TCP").endPort()
                .withNewReadinessProbe()
                    .withNewHttpGet().withPath(CollectorContract.READY_PATH).withPort(new IntOrString(Annotations.ADMIN_PORT_NAME)).endHttpGet()
                    .withPeriodSeconds(5).withFailureThreshold(3)
                .endReadinessProbe()
                .withNewLivenessProbe()
                    .withNewHttpGet().withPath(CollectorContract.HEALTH_PATH).withPort(new IntOrString(Annotations.ADMIN_PORT_NAME)).endHttpGet()
                    .withPeriodSeconds(10).withFailureThreshold(3)
                .endLivenessProbe()
                .withResources(resources(collector.getResources(), defaults))
                .withNewSecurityContext()
                    .withRunAsNonRoot(true)
                    .withRunAsUser(defaults.runAsUser())
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .build();
    }

    private static List<EnvVar> env(ModelMonitorSpec spec, String monitorName, CollectorSpec collector, int dataPort,
            int adminPort, OperatorConfig.Collector defaults, String revisionLabel) {
        ModelSpec model = spec.getModel();
        GroundTruthSpec groundTruth = spec.getGroundTruth() == null ? new GroundTruthSpec() : spec.getGroundTruth();
        int modelPort = spec.getTarget().getPort() == null ? CollectorContract.MODEL_PORT : spec.getTarget().getPort();
        Map<String, String> values = new LinkedHashMap<>();
        values.put(Env.UPSTREAM_URL.variable(), "http://127.0.0.1:" + modelPort);
        values.put(Env.PORT.variable(), Integer.toString(dataPort));
        values.put(Env.ADMIN_PORT.variable(), Integer.toString(adminPort));
        values.put(Env.TASK.variable(), model.getTask().wireName());
        values.put(Env.PROTOCOL.variable(), model.getProtocol().wireName());
        values.put(Env.PREDICTION_POINTER.variable(), model.getPredictionPointer());
        values.put(Env.POSITIVE_LABEL.variable(), model.getPositiveLabel());
        if (model.getSegment() != null) {
            values.put(Env.SEGMENT_HEADER.variable(), model.getSegment().getHeader());
            values.put(Env.SEGMENT_POINTER.variable(), model.getSegment().getPointer());
            values.put(Env.SEGMENT_RESPONSE_POINTER.variable(), model.getSegment().getResponsePointer());
            values.put(Env.SEGMENT_REFERENCE.variable(), model.getSegment().getReference());
            if (model.getSegment().getValues() != null && !model.getSegment().getValues().isEmpty()) {
                values.put(Env.SEGMENT_VALUES.variable(), Serialization.asJson(model.getSegment().getValues()));
            }
        }
        values.put(Env.SCORE_POINTER.variable(), model.getScorePointer());
        if (model.getFeatures() != null && !model.getFeatures().isEmpty()) {
            values.put(Env.FEATURES.variable(), Serialization.asJson(model.getFeatures()));
            // One epoch per evaluation: each read finds one closed, and two kept cover a missed read.
            values.put(Env.SKETCH_EPOCH.variable(), spec.getEvaluation().getInterval());
        }
        values.put(Env.LABEL_TTL.variable(), groundTruth.getLabelTTL());
        values.put(Env.MAX_PENDING_LABELS.variable(), Integer.toString(
                collector.getMaxPendingLabels() == null ? defaults.maxPendingLabels() : collector.getMaxPendingLabels()));
        values.put(Env.BODY_TIMEOUT.variable(), collector.getBodyTimeout());
        values.put("JAVA_TOOL_OPTIONS", defaults.jvmOptions());
        // glibc's per-thread malloc arenas would otherwise be most of the sidecar's non-heap memory.
        values.put("MALLOC_ARENA_MAX", "2");
        List<EnvVar> env = new ArrayList<>();
        values.forEach((name, value) -> {
            if (value != null) {
                env.add(new EnvVar(name, value, null));
            }
        });
        // The collector's own address goes into prediction ids, so that any replica can forward feedback to it.
        env.add(new EnvVarBuilder().withName(Env.POD_IP.variable())
                .withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
        // And the revision of the pod that made the prediction, by the label its kind's controller puts on it.
        env.add(new EnvVarBuilder().withName(Env.REVISION.variable()).withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.labels['" + revisionLabel + "']")
                .endFieldRef().endValueFrom().build());
        // The key ids are signed with: a reference to the monitor's Secret, never the value.
        env.add(new EnvVarBuilder().withName(Env.ID_KEY.variable()).withNewValueFrom().withNewSecretKeyRef()
                .withName(idKeySecret(monitorName)).withKey(ID_KEY).endSecretKeyRef().endValueFrom().build());
        if (groundTruth.getTokenSecretRef() != null) {
            // A reference, never the value: the token stays out of the Deployment and of the operator's memory.
            env.add(new EnvVarBuilder().withName(Env.FEEDBACK_TOKEN.variable())
                    .withNewValueFrom().withNewSecretKeyRef()
                        .withName(groundTruth.getTokenSecretRef().getName())
                        .withKey(groundTruth.getTokenSecretRef().getKey())
                    .endSecretKeyRef().endValueFrom().build());
        }
        return env;
    }

    private static ResourceRequirements resources(ResourceRequirements requested, OperatorConfig.Collector defaults) {
        if (requested != null && (!isEmpty(requested.getRequests()) || !isEmpty(requested.getLimits()))) {
            return requested;
        }
        ResourceRequirementsBuilder b = new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity(defaults.cpuRequest()))
                .addToRequests("memory", new Quantity(defaults.memoryRequest()))
                .addToLimits("memory", new Quantity(defaults.memoryLimit()));
        defaults.cpuLimit().ifPresent(limit -> b.addToLimits("cpu", new Quantity(limit)));
        return b.build();
    }

    private static boolean isEmpty(Map<?, ?> map) {
        return map == null || map.isEmpty();
    }

    /** The collector a monitor wants, and the digest of its configuration that decides when pods must restart. */
    public record Desired(Container container, String hash) {
    }

    /**
     * The desired collector. Its hash covers everything it is configured with except an image that comes from the
     * operator's default: upgrading the operator must not restart every monitored model (the new default rolls out
     * with the model's next rollout, see {@link #needsInjection}); an image set in spec.collector.image counts.
     */
    public static Desired desired(ModelMonitor monitor, OperatorConfig.Collector defaults, String revisionLabel) {
        Container container = desiredContainer(monitor, defaults, revisionLabel);
        CollectorSpec spec = monitor.getSpec().getCollector();
        boolean explicitImage = spec != null && spec.getImage() != null && !spec.getImage().isBlank();
        Container hashed = Serialization.clone(container);
        if (!explicitImage) {
            hashed.setImage("");
        }
        return new Desired(container, digest(Serialization.asJson(hashed)));
    }

    /**
     * Whether the template must get the desired collector now: when it has none, or one configured otherwise. With
     * the same configuration and only another default image, not now: with the next rollout the user makes anyway
     * (the user's part of the template differs from when we injected), so that an upgrade restarts nothing.
     */
    public static boolean needsInjection(PodTemplateSpec template, Desired desired) {
        if (!isCurrent(template, desired.hash())) {
            return true;
        }
        boolean otherImage = !injected(template).map(Container::getImage).orElse("").equals(desired.container().getImage());
        return otherImage && !digest(userPart(template)).equals(annotation(template, Annotations.USER_TEMPLATE_HASH));
    }

    private static String annotation(PodTemplateSpec template, String key) {
        return template.getMetadata() == null || template.getMetadata().getAnnotations() == null ? null
                : template.getMetadata().getAnnotations().get(key);
    }

    private static String digest(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static Optional<Container> injected(PodTemplateSpec template) {
        return template.getSpec().getContainers().stream()
                .filter(c -> Annotations.COLLECTOR_CONTAINER.equals(c.getName()))
                .findFirst();
    }

    public static String injectedHash(PodTemplateSpec template) {
        Map<String, String> annotations = template.getMetadata() == null ? null : template.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(Annotations.CONFIG_HASH);
    }

    /** True when the template already runs exactly this collector configuration. */
    public static boolean isCurrent(PodTemplateSpec template, String hash) {
        return injected(template).isPresent() && hash.equals(injectedHash(template));
    }

    /**
     * Adds or replaces the collector container and records its hash and the monitor's label. Every other container,
     * and every other field of the template, is left as it was.
     */
    public static void inject(PodTemplateSpec template, Container collector, String hash, String monitorName) {
        PodSpec pod = template.getSpec();
        List<Container> containers = new ArrayList<>(pod.getContainers());
        int existing = indexOfCollector(containers);
        if (existing >= 0) {
            containers.set(existing, collector);
        } else {
            containers.add(collector);
        }
        pod.setContainers(containers);
        if (template.getMetadata() == null) {
            template.setMetadata(new ObjectMeta());
        }
        annotations(template.getMetadata()).put(Annotations.CONFIG_HASH, hash);
        if (template.getMetadata().getLabels() == null) {
            template.getMetadata().setLabels(new LinkedHashMap<>());
        }
        template.getMetadata().getLabels().put(Annotations.MONITORED_LABEL, monitorName);
        annotations(template.getMetadata()).put(Annotations.USER_TEMPLATE_HASH, digest(userPart(template)));
    }

    /** Takes out what {@link #inject} put in. Returns false when there was nothing to take out. */
    public static boolean remove(PodTemplateSpec template) {
        PodSpec pod = template.getSpec();
        List<Container> containers = new ArrayList<>(pod.getContainers());
        int existing = indexOfCollector(containers);
        boolean changed = false;
        if (existing >= 0) {
            containers.remove(existing);
            pod.setContainers(containers);
            changed = true;
        }
        if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
            changed |= template.getMetadata().getAnnotations().remove(Annotations.CONFIG_HASH) != null;
            changed |= template.getMetadata().getAnnotations().remove(Annotations.USER_TEMPLATE_HASH) != null;
            if (template.getMetadata().getAnnotations().isEmpty()) {
                template.getMetadata().setAnnotations(null);
            }
        }
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
            changed |= template.getMetadata().getLabels().remove(Annotations.MONITORED_LABEL) != null;
        }
        return changed;
    }

    /**
     * The user's part of a pod template: without what {@link #inject} put in and the label the workload's controller
     * adds. Two revisions with the same user part run the same model, whatever collector each one had.
     */
    public static String userPart(PodTemplateSpec template) {
        PodTemplateSpec user = Serialization.clone(template);
        remove(user);
        if (user.getMetadata() != null && user.getMetadata().getLabels() != null) {
            user.getMetadata().getLabels().remove("pod-template-hash");
            if (user.getMetadata().getLabels().isEmpty()) {
                user.getMetadata().setLabels(null);
            }
        }
        return Serialization.asJson(user);
    }

    /** The model container: the named one, or the first that is not the collector. */
    public static Optional<Container> modelContainer(PodTemplateSpec template, String name) {
        return template.getSpec().getContainers().stream()
                .filter(c -> !Annotations.COLLECTOR_CONTAINER.equals(c.getName()))
                .filter(c -> name == null || name.equals(c.getName()))
                .findFirst();
    }

    /** A port of another container of the pod that the collector would collide with, if any. */
    public static Optional<Integer> portConflict(PodTemplateSpec template, Container collector) {
        List<Integer> wanted = collector.getPorts().stream().map(p -> p.getContainerPort()).toList();
        return template.getSpec().getContainers().stream()
                .filter(c -> !Annotations.COLLECTOR_CONTAINER.equals(c.getName()))
                .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
                .map(p -> p.getContainerPort())
                .filter(wanted::contains)
                .findFirst();
    }

    private static int indexOfCollector(List<Container> containers) {
        for (int i = 0; i < containers.size(); i++) {
            if (Annotations.COLLECTOR_CONTAINER.equals(containers.get(i).getName())) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, String> annotations(ObjectMeta meta) {
        if (meta.getAnnotations() == null) {
            meta.setAnnotations(new LinkedHashMap<>());
        }
        return meta.getAnnotations();
    }
}

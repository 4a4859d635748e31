package io.modelmonitor.operator.target.kserve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.RollbackMethod;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.operator.target.CollectorReadiness;
import io.modelmonitor.operator.target.ControllerRollback;
import io.modelmonitor.operator.target.RolloutTrouble;
import io.modelmonitor.operator.target.RollsBackItself;
import io.modelmonitor.operator.target.SometimesUnsupported;
import io.modelmonitor.operator.target.Target;
import io.modelmonitor.operator.target.Targets;
import io.modelmonitor.operator.target.TemplateOwnedElsewhere;
import io.modelmonitor.operator.target.TemplatedTarget;
import io.modelmonitor.operator.target.deployment.DeploymentTarget;
import io.modelmonitor.rollback.ReplicaSetHistory;
import io.modelmonitor.rollback.RevisionHistory;
import io.modelmonitor.rollback.RollbackPlanner;

/**
 * A KServe {@code InferenceService} in raw deployment mode as a target: the pods of its predictor. KServe makes one
 * Deployment per variant, {@code <isvc>-predictor} (or {@code <isvc>-<name>-predictor}) for the predictor and
 * {@code <isvc>-<canary>-predictor} for each {@code spec.canary[]} entry, and splits traffic between them by
 * {@code trafficPercent}. Its revisions are those variants, numbered in spec order (1 is the predictor), each running
 * its Deployment's current {@code pod-template-hash}. The revision judged is the last canary that takes traffic, or
 * the predictor when none does. A breaching canary is rolled back through the InferenceService's own field: its
 * {@code trafficPercent} is set to 0, and KServe sends all traffic to the predictor again.
 * <p>
 * Pods get their collector by webhook only (KServe owns the Deployments and would undo a template edit), and nothing
 * is written on the InferenceService but that field: KServe copies its annotations onto the predictor's pods.
 */
public final class InferenceServiceTarget implements Target, RollsBackItself, SometimesUnsupported,
        TemplateOwnedElsewhere {

    public static final Targets.Type TYPE = new Targets.Type(TargetKind.InferenceService, KServeInferenceService.class,
            ReplicaSetHistory.TEMPLATE_HASH,
            (client, object) -> new InferenceServiceTarget(client, (KServeInferenceService) object), false);

    /** Deployment modes in which KServe makes plain Deployments (RawDeployment was renamed Standard). */
    private static final List<String> RAW_MODES = List.of("RawDeployment", "Standard");

    /** One predictor variant: its number, its name in the spec, its Deployment (if KServe made it) and traffic share. */
    record Variant(long number, String name, int canaryIndex, String deploymentName, int trafficPercent,
            Optional<DeploymentTarget> deployment) {

        boolean canary() {
            return canaryIndex >= 0;
        }

        Optional<String> hash() {
            return deployment.flatMap(DeploymentTarget::currentRevisionHash);
        }

        Optional<RollbackPlanner.Revision> revision() {
            return hash().map(h -> new RollbackPlanner.Revision(number, h));
        }
    }

    private final KubernetesClient client;
    private final KServeInferenceService isvc;
    /** Read once per snapshot (one GET per variant's Deployment). */
    private List<Variant> variants;

    public InferenceServiceTarget(KubernetesClient client, KServeInferenceService isvc) {
        this.client = client;
        this.isvc = isvc;
    }

    @Override
    public TargetKind kind() {
        return TargetKind.InferenceService;
    }

    @Override
    public String name() {
        return isvc.getMetadata().getName();
    }

    @Override
    public String namespace() {
        return isvc.getMetadata().getNamespace();
    }

    /** Nothing of the monitor's is kept on an InferenceService (see {@link TemplateOwnedElsewhere}). */
    @Override
    public Optional<String> annotation(String key) {
        return Optional.empty();
    }

    /** Not written: KServe would copy it onto the predictor's pods and roll every one of them. */
    @Override
    public Target annotate(String key, String value) {
        return this;
    }

    @Override
    public Optional<String> unsupported() {
        String mode = isvc.getMetadata().getAnnotations() == null ? null
                : isvc.getMetadata().getAnnotations().get(KServeInferenceService.DEPLOYMENT_MODE);
        if (mode != null && !RAW_MODES.contains(mode)) {
            return Optional.of("InferenceService " + name() + " is deployed in " + mode + " mode ("
                    + KServeInferenceService.DEPLOYMENT_MODE + "); only raw deployment mode, where KServe makes "
                    + "plain Deployments, is supported");
        }
        Variant predictor = variants().get(0);
        return predictor.deployment().isPresent() ? Optional.empty()
                : Optional.of("InferenceService " + name() + " has no predictor Deployment " + predictor.deploymentName()
                        + " (yet): KServe makes one in raw deployment mode (" + KServeInferenceService.DEPLOYMENT_MODE
                        + ": RawDeployment)");
    }

    /** Its pods are its predictor Deployments', all labelled with its name. */
    @Override
    public String restartCommand() {
        return "kubectl rollout restart deployment -l " + KServeInferenceService.ISVC_LABEL + "=" + name();
    }

    @Override
    public String noTemplateRollback() {
        return ("KServe makes InferenceService " + name() + "'s pods from its spec, so its way back is a "
                + "canary's trafficPercent, and no canary takes traffic now (the predictor itself breaches; roll it "
                + "back in its spec, for example in Git)");
    }

    /** The variants in spec order: the predictor, then each canary. */
    List<Variant> variants() {
        if (variants == null) {
            List<Variant> found = new ArrayList<>();
            KServeInferenceService.Spec spec = isvc.getSpec();
            String predictorName = spec == null || spec.getPredictor() == null ? null : spec.getPredictor().getName();
            found.add(variant(1, predictorName, -1, 0));
            List<KServeInferenceService.Canary> canaries = spec == null || spec.getCanary() == null ? List.of()
                    : spec.getCanary();
            for (int i = 0; i < canaries.size(); i++) {
                KServeInferenceService.Canary c = canaries.get(i);
                String name = c.getPredictor() == null ? null : c.getPredictor().getName();
                if (name != null) {
                    found.add(variant(found.size() + 1, name, i, c.getTrafficPercent() == null ? 0 : c.getTrafficPercent()));
                }
            }
            variants = List.copyOf(found);
        }
        return variants;
    }

    private Variant variant(long number, String name, int canaryIndex, int trafficPercent) {
        // KServe's constants.PredictorServiceName: <isvc>-predictor, or <isvc>-<name>-predictor for a named one.
        String deployment = name() + (name == null || name.isEmpty() ? "" : "-" + name) + "-" + KServeInferenceService.PREDICTOR;
        Deployment found = client.apps().deployments().inNamespace(namespace()).withName(deployment).get();
        return new Variant(number, name, canaryIndex, deployment, trafficPercent,
                Optional.ofNullable(found).map(d -> new DeploymentTarget(client, d)));
    }

    /** The variant judged: the last canary that takes traffic, else the predictor. */
    Variant current() {
        List<Variant> all = variants();
        for (int i = all.size() - 1; i > 0; i--) {
            if (all.get(i).trafficPercent() > 0) {
                return all.get(i);
            }
        }
        return all.get(0);
    }

    /** The current variant's Deployment, else the predictor's (its pod template serves the model's container checks). */
    private Optional<DeploymentTarget> currentDeployment() {
        return current().deployment().or(() -> variants().get(0).deployment());
    }

    @Override
    public PodTemplateSpec template() {
        return currentDeployment().map(DeploymentTarget::template).orElseGet(PodTemplateSpec::new);
    }

    /** Every pod of its predictor, stable and canaries: the labels KServe gives them all. */
    @Override
    public Map<String, String> podSelector() {
        return Map.of(KServeInferenceService.ISVC_LABEL, name(), KServeInferenceService.COMPONENT_LABEL,
                KServeInferenceService.PREDICTOR);
    }

    @Override
    public Map<String, String> currentPodSelector() {
        return current().deployment().map(DeploymentTarget::currentPodSelector).orElseGet(this::podSelector);
    }

    @Override
    public String revisionLabel() {
        return ReplicaSetHistory.TEMPLATE_HASH;
    }

    @Override
    public Optional<Long> revision() {
        return current().revision().map(RollbackPlanner.Revision::number);
    }

    @Override
    public CollectorReadiness readiness() {
        return current().deployment().map(DeploymentTarget::readiness).orElseGet(() -> new CollectorReadiness(1, 0, false));
    }

    @Override
    public RolloutTrouble trouble() {
        return current().deployment().map(DeploymentTarget::trouble).orElse(RolloutTrouble.NONE);
    }

    @Override
    public String podNamePattern() {
        Variant current = current();
        return current.deployment().map(DeploymentTarget::podNamePattern)
                .orElse(TemplatedTarget.replicaSetPodNames(current.deploymentName(), Optional.empty()));
    }

    @Override
    public RevisionHistory history() {
        return new RevisionHistory() {
            @Override
            public List<RollbackPlanner.Revision> revisions() {
                return variants().stream().flatMap(v -> v.revision().stream()).toList();
            }

            @Override
            public Optional<RollbackPlanner.Revision> current() {
                return InferenceServiceTarget.this.current().revision();
            }

            @Override
            public Optional<PodTemplateSpec> template(String templateHash) {
                return variants().stream().filter(v -> v.hash().filter(templateHash::equals).isPresent()).findFirst()
                        .flatMap(v -> v.deployment().get().history().template(templateHash));
            }
        };
    }

    @Override
    public Target injectCollector(Container collector, String configHash, String monitorName) {
        throw new IllegalStateException("KServe makes an InferenceService's Deployments: its pods get the collector by "
                + "webhook only");
    }

    /** Nothing of the monitor's is ever in KServe's templates. */
    @Override
    public boolean removeCollector() {
        return false;
    }

    @Override
    public Target restoreTemplate(PodTemplateSpec template) {
        throw new IllegalStateException(noTemplateRollback());
    }

    /** The canary that runs this revision, whatever its traffic now: asked, then followed until KServe has acted. */
    @Override
    public Optional<ControllerRollback> controllerRollback(String fromHash) {
        Optional<RollbackPlanner.Revision> predictor = variants().get(0).revision();
        if (fromHash == null || predictor.isEmpty()) {
            return Optional.empty();
        }
        return variants().stream().filter(v -> v.canary() && v.hash().filter(fromHash::equals).isPresent()).findFirst()
                .map(v -> new CanaryTrafficBack(v, predictor.get()));
    }

    /** {@code spec.canary[i].trafficPercent: 0}, by a JSON patch that first tests the entry is still that canary. */
    private final class CanaryTrafficBack implements ControllerRollback {
        private final Variant canary;
        private final RollbackPlanner.Revision predictor;

        CanaryTrafficBack(Variant canary, RollbackPlanner.Revision predictor) {
            this.canary = canary;
            this.predictor = predictor;
        }

        @Override
        public RollbackPlanner.Revision to() {
            return predictor;
        }

        @Override
        public RollbackMethod method() {
            return RollbackMethod.shiftTraffic;
        }

        @Override
        public String action() {
            return "set spec.canary[" + canary.canaryIndex() + "].trafficPercent (canary " + canary.name() + ") to 0, so "
                    + "that KServe sends all traffic to its predictor";
        }

        @Override
        public String result() {
            return "InferenceService " + name() + " sends canary " + canary.name() + " no traffic (trafficPercent 0) "
                    + "and its predictor serves all of it";
        }

        @Override
        public boolean asked() {
            return canary.trafficPercent() == 0;
        }

        @Override
        public void ask() {
            String at = "/spec/canary/" + canary.canaryIndex();
            client.resources(KServeInferenceService.class).inNamespace(namespace()).withName(name())
                    .patch(PatchContext.of(PatchType.JSON), Serialization.asJson(List.of(
                            Map.of("op", "test", "path", at + "/predictor/name", "value", canary.name()),
                            Map.of("op", "replace", "path", at + "/trafficPercent", "value", 0))));
        }

        /** KServe has seen the spec, reports the canary at 0 % and the predictor's pods serve. */
        @Override
        public boolean done() {
            KServeInferenceService.Status status = isvc.getStatus();
            Long generation = isvc.getMetadata().getGeneration();
            boolean seen = status != null && status.getObservedGeneration() != null
                    && (generation == null || status.getObservedGeneration() >= generation);
            boolean applied = seen && status.getCanaryStatuses() != null && status.getCanaryStatuses().stream()
                    .anyMatch(c -> canary.name().equals(c.getName()) && Integer.valueOf(0).equals(c.getTrafficPercent()));
            return asked() && applied && variants().get(0).deployment().map(d -> d.readiness().allReady()).orElse(false);
        }
    }
}

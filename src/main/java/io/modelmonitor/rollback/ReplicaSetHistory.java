package io.modelmonitor.rollback;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A workload's revisions as the ReplicaSets it owns record them: an annotation numbers them, a label identifies their
 * pod template. A Deployment uses {@code deployment.kubernetes.io/revision} and {@code pod-template-hash} (what
 * {@code kubectl rollout history} and {@code rollout undo} read); an Argo Rollout {@code rollout.argoproj.io/revision}
 * and {@code rollouts-pod-template-hash}.
 */
public final class ReplicaSetHistory implements RevisionHistory {

    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String TEMPLATE_HASH = "pod-template-hash";
    public static final String ROLLOUT_REVISION = "rollout.argoproj.io/revision";
    public static final String ROLLOUT_TEMPLATE_HASH = "rollouts-pod-template-hash";

    /** How one kind marks its ReplicaSets: the owner reference's kind, the revision annotation, the template label. */
    public record Conventions(String ownerKind, String revisionAnnotation, String hashLabel) {
    }

    public static final Conventions DEPLOYMENT = new Conventions("Deployment", REVISION, TEMPLATE_HASH);
    public static final Conventions ROLLOUT = new Conventions("Rollout", ROLLOUT_REVISION, ROLLOUT_TEMPLATE_HASH);

    private final Conventions conventions;
    private final List<ReplicaSet> replicaSets;
    private final String currentHash;

    private ReplicaSetHistory(Conventions conventions, List<ReplicaSet> replicaSets, String currentHash) {
        this.conventions = conventions;
        this.replicaSets = replicaSets;
        this.currentHash = currentHash;
    }

    public static ReplicaSetHistory of(KubernetesClient client, Deployment deployment) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        String currentRevision = annotations == null ? null : annotations.get(REVISION);
        List<ReplicaSet> owned = owned(client, DEPLOYMENT, deployment.getMetadata().getNamespace(),
                deployment.getMetadata().getName(), deployment.getSpec().getSelector());
        // The Deployment's revision annotation names its current ReplicaSet.
        String current = owned.stream().filter(rs -> Long.toString(revisionOf(DEPLOYMENT, rs)).equals(currentRevision))
                .map(rs -> hashOf(DEPLOYMENT, rs)).findFirst().orElse(null);
        return new ReplicaSetHistory(DEPLOYMENT, owned, current);
    }

    /** The ReplicaSets a workload of these conventions owns, oldest revision first; {@code currentHash} names its current one. */
    public static ReplicaSetHistory of(KubernetesClient client, Conventions conventions, String namespace, String owner,
            LabelSelector selector, String currentHash) {
        return new ReplicaSetHistory(conventions, owned(client, conventions, namespace, owner, selector), currentHash);
    }

    private static List<ReplicaSet> owned(KubernetesClient client, Conventions conventions, String namespace, String owner,
            LabelSelector selector) {
        Map<String, String> labels = selector == null ? null : selector.getMatchLabels();
        var query = client.apps().replicaSets().inNamespace(namespace);
        return (labels == null || labels.isEmpty() ? query.list() : query.withLabels(labels).list())
                .getItems().stream()
                .filter(rs -> rs.getMetadata().getOwnerReferences() != null && rs.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> conventions.ownerKind().equals(o.getKind()) && owner.equals(o.getName())))
                .filter(rs -> revisionOf(conventions, rs) > 0 && hashOf(conventions, rs) != null)
                .sorted(Comparator.comparingLong(rs -> revisionOf(conventions, rs)))
                .toList();
    }

    @Override
    public List<RollbackPlanner.Revision> revisions() {
        return replicaSets.stream()
                .map(rs -> new RollbackPlanner.Revision(revisionOf(conventions, rs), hashOf(conventions, rs))).toList();
    }

    @Override
    public Optional<RollbackPlanner.Revision> current() {
        return revisions().stream().filter(r -> r.templateHash().equals(currentHash)).findFirst();
    }

    /** The ReplicaSet's template, without the template label its controller added. */
    @Override
    public Optional<PodTemplateSpec> template(String templateHash) {
        return replicaSets.stream().filter(rs -> templateHash.equals(hashOf(conventions, rs))).findFirst().map(rs -> {
            PodTemplateSpec template = Serialization.clone(rs.getSpec().getTemplate());
            if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
                template.getMetadata().getLabels().remove(conventions.hashLabel());
            }
            return template;
        });
    }

    public static long revisionOf(ReplicaSet rs) {
        return revisionOf(DEPLOYMENT, rs);
    }

    private static long revisionOf(Conventions conventions, ReplicaSet rs) {
        String value = rs.getMetadata().getAnnotations() == null ? null
                : rs.getMetadata().getAnnotations().get(conventions.revisionAnnotation());
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String hashOf(Conventions conventions, ReplicaSet rs) {
        return rs.getMetadata().getLabels() == null ? null : rs.getMetadata().getLabels().get(conventions.hashLabel());
    }
}

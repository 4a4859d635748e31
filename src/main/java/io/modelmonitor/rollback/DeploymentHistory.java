package io.modelmonitor.rollback;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A Deployment's revisions as its ReplicaSets record them: the {@code deployment.kubernetes.io/revision}
 * annotation numbers them, the {@code pod-template-hash} label identifies their pod template. This is what
 * {@code kubectl rollout history} and {@code rollout undo} read too.
 */
public final class DeploymentHistory implements RevisionHistory {

    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String TEMPLATE_HASH = "pod-template-hash";

    private final List<ReplicaSet> replicaSets;
    private final String currentRevision;

    private DeploymentHistory(List<ReplicaSet> replicaSets, String currentRevision) {
        this.replicaSets = replicaSets;
        this.currentRevision = currentRevision;
    }

    public static DeploymentHistory of(KubernetesClient client, Deployment deployment) {
        Map<String, String> selector = deployment.getSpec().getSelector() == null ? null
                : deployment.getSpec().getSelector().getMatchLabels();
        var query = client.apps().replicaSets().inNamespace(deployment.getMetadata().getNamespace());
        List<ReplicaSet> owned = (selector == null || selector.isEmpty() ? query.list() : query.withLabels(selector).list())
                .getItems().stream()
                .filter(rs -> rs.getMetadata().getOwnerReferences() != null && rs.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> "Deployment".equals(o.getKind()) && deployment.getMetadata().getName().equals(o.getName())))
                .filter(rs -> revisionOf(rs) > 0 && hashOf(rs) != null)
                .sorted(Comparator.comparingLong(DeploymentHistory::revisionOf))
                .toList();
        String current = deployment.getMetadata().getAnnotations() == null ? null
                : deployment.getMetadata().getAnnotations().get(REVISION);
        return new DeploymentHistory(owned, current);
    }

    @Override
    public List<RollbackPlanner.Revision> revisions() {
        return replicaSets.stream().map(rs -> new RollbackPlanner.Revision(revisionOf(rs), hashOf(rs))).toList();
    }

    @Override
    public Optional<RollbackPlanner.Revision> current() {
        return revisions().stream().filter(r -> Long.toString(r.number()).equals(currentRevision)).findFirst();
    }

    /** The ReplicaSet's template, without the {@code pod-template-hash} label the controller added. */
    @Override
    public Optional<PodTemplateSpec> template(String templateHash) {
        return replicaSets.stream().filter(rs -> templateHash.equals(hashOf(rs))).findFirst().map(rs -> {
            PodTemplateSpec template = Serialization.clone(rs.getSpec().getTemplate());
            if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
                template.getMetadata().getLabels().remove(TEMPLATE_HASH);
            }
            return template;
        });
    }

    public static long revisionOf(ReplicaSet rs) {
        String value = rs.getMetadata().getAnnotations() == null ? null : rs.getMetadata().getAnnotations().get(REVISION);
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static String hashOf(ReplicaSet rs) {
        return rs.getMetadata().getLabels() == null ? null : rs.getMetadata().getLabels().get(TEMPLATE_HASH);
    }
}

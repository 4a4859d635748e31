package io.modelmonitor.rollback;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A StatefulSet's revisions as its ControllerRevisions record them: each has a number and, as data, the pod template
 * it stands for; its name is what the pods carry in {@code controller-revision-hash} and what the StatefulSet's
 * status calls its updateRevision. What {@code kubectl rollout history/undo statefulset} read too.
 */
public final class StatefulSetHistory implements RevisionHistory {

    public static final String REVISION_HASH = "controller-revision-hash";

    private final List<ControllerRevision> revisions;
    private final String updateRevision;

    private StatefulSetHistory(List<ControllerRevision> revisions, String updateRevision) {
        this.revisions = revisions;
        this.updateRevision = updateRevision;
    }

    public static StatefulSetHistory of(KubernetesClient client, StatefulSet set) {
        Map<String, String> selector = set.getSpec().getSelector() == null ? null : set.getSpec().getSelector().getMatchLabels();
        var query = client.apps().controllerRevisions().inNamespace(set.getMetadata().getNamespace());
        List<ControllerRevision> owned = (selector == null || selector.isEmpty() ? query.list() : query.withLabels(selector).list())
                .getItems().stream()
                .filter(r -> r.getMetadata().getOwnerReferences() != null && r.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> "StatefulSet".equals(o.getKind()) && set.getMetadata().getName().equals(o.getName())))
                .sorted(Comparator.comparingLong(r -> r.getRevision() == null ? 0 : r.getRevision()))
                .toList();
        return new StatefulSetHistory(owned, set.getStatus() == null ? null : set.getStatus().getUpdateRevision());
    }

    @Override
    public List<RollbackPlanner.Revision> revisions() {
        return revisions.stream().map(r -> new RollbackPlanner.Revision(r.getRevision() == null ? 0 : r.getRevision(),
                r.getMetadata().getName())).toList();
    }

    @Override
    public Optional<RollbackPlanner.Revision> current() {
        return revisions().stream().filter(r -> r.templateHash().equals(updateRevision)).findFirst();
    }

    /** The template a revision stands for: its data is a patch that replaces spec.template whole. */
    @Override
    @SuppressWarnings("unchecked")
    public Optional<PodTemplateSpec> template(String revisionName) {
        return revisions.stream().filter(r -> revisionName.equals(r.getMetadata().getName())).findFirst().map(r -> {
            Map<String, Object> data = Serialization.unmarshal(Serialization.asJson(r.getData()), Map.class);
            Map<String, Object> spec = (Map<String, Object>) data.get("spec");
            Map<String, Object> template = spec == null ? null : (Map<String, Object>) spec.get("template");
            if (template == null) {
                return null;
            }
            template.remove("$patch");
            PodTemplateSpec parsed = Serialization.unmarshal(Serialization.asJson(template), PodTemplateSpec.class);
            if (parsed.getMetadata() != null && parsed.getMetadata().getLabels() != null) {
                parsed.getMetadata().getLabels().remove(REVISION_HASH);
            }
            return parsed;
        });
    }
}

package io.modelmonitor.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;

/** A StatefulSet's history read as the StatefulSet controller writes it: ControllerRevisions whose data replaces the template. */
@EnableKubernetesMockClient(crud = true)
class StatefulSetHistoryTest {

    KubernetesClient client;

    @Test
    void revisionsAreTheOwnedControllerRevisionsAndATemplateIsTheirDataWithoutThePatchDirective() {
        StatefulSet set = client.resource(new StatefulSetBuilder().withNewMetadata().withName("ranker").withNamespace("ml")
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "ranker").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "ranker").endMetadata().withNewSpec()
                .addNewContainer().withName("model").withImage("ranker:2").endContainer().endSpec().endTemplate()
                .endSpec().withNewStatus().withUpdateRevision("ranker-7d9f").withCurrentRevision("ranker-5b6c")
                .endStatus().build()).create();
        revision("ranker-5b6c", 1, "ranker:1", "StatefulSet", "ranker");
        revision("ranker-7d9f", 2, "ranker:2", "StatefulSet", "ranker");
        revision("other-1a2b", 3, "other:1", "StatefulSet", "other");

        StatefulSetHistory history = StatefulSetHistory.of(client, set);

        assertThat(history.revisions()).containsExactly(new RollbackPlanner.Revision(1, "ranker-5b6c"),
                new RollbackPlanner.Revision(2, "ranker-7d9f"));
        assertThat(history.current()).contains(new RollbackPlanner.Revision(2, "ranker-7d9f"));
        assertThat(history.template("ranker-5b6c")).hasValueSatisfying(t -> {
            assertThat(t.getSpec().getContainers()).singleElement().satisfies(c -> assertThat(c.getImage()).isEqualTo("ranker:1"));
            assertThat(t.getMetadata().getLabels()).containsExactly(Map.entry("app", "ranker"));
            assertThat(t.getAdditionalProperties()).doesNotContainKey("$patch");
        });
        assertThat(history.template("other-1a2b")).as("another StatefulSet's").isEmpty();
    }

    private void revision(String name, long number, String image, String ownerKind, String owner) {
        Map<String, Object> template = Map.of("$patch", "replace",
                "metadata", Map.of("labels", Map.of("app", "ranker")),
                "spec", Map.of("containers", List.of(Map.of("name", "model", "image", image))));
        client.resource(new ControllerRevisionBuilder().withNewMetadata().withName(name).withNamespace("ml")
                .addToLabels("app", "ranker").addToLabels(StatefulSetHistory.REVISION_HASH, name)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind).withName(owner).withUid("u-" + owner)
                .withController(true).endOwnerReference().endMetadata()
                .withRevision(number).withData(Map.of("spec", Map.of("template", template))).build()).create();
    }
}

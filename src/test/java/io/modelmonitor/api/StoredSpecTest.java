package io.modelmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.StoredSpec;

/**
 * A list of monitors as the API server sends it to the informer, with one stored spec this operator cannot read: the
 * others are read whole, and the bad one says what could not be read. (Before issue 27, the whole list failed, and the
 * informer stopped for every monitor.)
 */
class StoredSpecTest {

    private static final String LIST = """
            {"apiVersion": "modelmonitor.io/v1alpha1", "kind": "ModelMonitorList", "metadata": {}, "items": [
              {"apiVersion": "modelmonitor.io/v1alpha1", "kind": "ModelMonitor",
               "metadata": {"name": "good", "namespace": "a"},
               "spec": {"target": {"name": "scorer"}, "model": {"task": "binary-classification"},
                        "evaluation": {"minSamples": 300}, "objectives": [{"metric": "accuracy", "min": 0.9}]}},
              {"apiVersion": "modelmonitor.io/v1alpha1", "kind": "ModelMonitor",
               "metadata": {"name": "huge", "namespace": "b"},
               "spec": {"target": {"name": "victim", "kind": "StatefulSet"}, "model": {"task": "binary-classification"},
                        "evaluation": {"minSamples": 3000000000}, "objectives": [{"metric": "accuracy", "min": 0.9}]}},
              {"apiVersion": "modelmonitor.io/v1alpha1", "kind": "ModelMonitor",
               "metadata": {"name": "wrong-type", "namespace": "c"},
               "spec": {"target": {"name": "other"}, "model": {"task": "ranking"}, "objectives": "all of them"}}
            ]}""";

    @Test
    void aSpecThatCannotBeReadCostsOnlyItsOwnMonitor() throws Exception {
        DefaultKubernetesResourceList<ModelMonitor> list = new KubernetesSerialization().unmarshal(new ByteArrayInputStream(LIST.getBytes()),
                new TypeReference<DefaultKubernetesResourceList<ModelMonitor>>() { });

        assertThat(list.getItems()).hasSize(3);
        ModelMonitor good = list.getItems().get(0);
        assertThat(good.getSpec().unreadable()).isNull();
        assertThat(good.getSpec().getEvaluation().getMinSamples()).isEqualTo(300);

        ModelMonitor huge = list.getItems().get(1);
        assertThat(huge.getSpec().unreadable()).startsWith("spec.evaluation.minSamples: ")
                .contains("3000000000", "out of range");
        assertThat(huge.getSpec().getTarget().getName()).as("kept, so a deletion can give the target back")
                .isEqualTo("victim");
        assertThat(huge.getSpec().getTarget().getKind().name()).isEqualTo("StatefulSet");

        // The informer's cache copies resources through JSON, with the operator's client's mapper: a copy must be the
        // same unreadable spec, not a spec of defaults (the real API server showed a copy Invalid for a missing task).
        ObjectMapper client = Serialization.jsonMapper().copy();
        StoredSpec.writeBack(client);
        String written = client.writeValueAsString(huge);
        assertThat(written).contains("\"minSamples\":3000000000");
        ModelMonitor copy = client.readValue(written, ModelMonitor.class);
        assertThat(copy.getSpec().unreadable()).startsWith("spec.evaluation.minSamples: ").contains("3000000000");
        assertThat(client.writeValueAsString(good)).isEqualTo(Serialization.asJson(good)).as("a readable spec as ever");

        ModelMonitor wrongType = list.getItems().get(2);
        assertThat(wrongType.getSpec().unreadable()).startsWith("spec.").hasSizeLessThan(300);
        assertThat(Serialization.asJson(good)).as("nothing of the placeholder is written back").doesNotContain("unreadable");
    }
}

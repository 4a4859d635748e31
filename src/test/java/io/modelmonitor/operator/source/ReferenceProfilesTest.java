package io.modelmonitor.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ReferenceSpec;
import io.modelmonitor.metrics.FeatureSketch;
import io.modelmonitor.metrics.ReferenceProfile;
import io.modelmonitor.testsupport.Fixtures;

/** Which ConfigMaps a monitor's reference may be, and what the monitor is told when it cannot be one. */
@EnableKubernetesMockClient(crud = true)
class ReferenceProfilesTest {

    KubernetesClient client;

    private ModelMonitor monitorNaming(String configMap) {
        ModelMonitor mm = Fixtures.monitor("ml", "fraud", "fraud");
        mm.getMetadata().setNamespace("ml");
        mm.getSpec().setReference(new ReferenceSpec(configMap));
        return mm;
    }

    private void configMap(String name, Map<String, String> labels, String profile) {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("ml").withLabels(labels)
                .endMetadata().addToData(ReferenceProfile.KEY, profile).build()).create();
    }

    private static String profile() {
        FeatureSketch.Numerical s = FeatureSketch.numerical();
        for (int i = 0; i < 100; i++) {
            s.update(i);
        }
        return new ReferenceProfile(100, Map.of("amount", new ReferenceProfile.Feature("numerical", 100, 0, s))).toJson();
    }

    @Test
    void aLabelledProfileIsReadAndAnyOtherConfigMapIsNotEvenParsed() {
        configMap("good", Map.of(ReferenceSpec.PROFILE_LABEL, "true"), profile());
        configMap("someone-elses", Map.of(), profile());
        configMap("broken", Map.of(ReferenceSpec.PROFILE_LABEL, "true"), "{\"format\": \"csv\"}");
        ReferenceProfiles profiles = new ReferenceProfiles(client);

        assertThat(profiles.load(monitorNaming("good")).profile().features()).containsOnlyKeys("amount");
        assertThat(profiles.load(monitorNaming("someone-elses")).problem())
                .isEqualTo("reference ConfigMap ml/someone-elses is not labelled modelmonitor.io/profile=true, so it is not read");
        assertThat(profiles.load(monitorNaming("broken")).problem())
                .startsWith("reference ConfigMap ml/broken holds a profile.json whose format is not");
        assertThat(profiles.load(monitorNaming("absent")).problem()).isEqualTo("reference ConfigMap ml/absent does not exist");
        assertThat(profiles.load(Fixtures.monitor("ml", "plain", "plain"))).isEqualTo(ReferenceProfiles.Loaded.NONE);
    }
}

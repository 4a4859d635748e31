package io.modelmonitor.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.api.v1alpha1.SegmentSpec;
import io.modelmonitor.api.v1alpha1.TargetKind;
import io.modelmonitor.testsupport.Fixtures;
import io.modelmonitor.operator.config.OperatorConfig;
import io.modelmonitor.operator.target.Targets;

class CollectorSidecarTest {

    static final OperatorConfig.Collector DEFAULTS = new OperatorConfig.Collector() {
        public String image() {
            return "ghcr.io/modelmonitor/model-monitor:test";
        }

        public String imagePullPolicy() {
            return "IfNotPresent";
        }

        public String cpuRequest() {
            return "50m";
        }

        public String memoryRequest() {
            return "96Mi";
        }

        public Optional<List<String>> allowedImages() {
            return Optional.empty();
        }

        @Override
        public Optional<String> cpuLimit() {
            return Optional.empty();
        }

        public String memoryLimit() {
            return OperatorConfig.COLLECTOR_MEMORY_LIMIT;
        }

        public int maxPendingLabels() {
            return 100000;
        }

        public String jvmOptions() {
            return OperatorConfig.COLLECTOR_JVM_OPTIONS;
        }

        public long runAsUser() {
            return 185;
        }
    };

    @Test
    void theCollectorIsConfiguredFromTheSpec() {
        ModelMonitor mm = Fixtures.monitor("ns", "m", "model");
        mm.getSpec().getModel().setProtocol(ModelProtocol.JSON);
        mm.getSpec().getModel().setPredictionPointer("/score");
        SegmentSpec segment = new SegmentSpec();
        segment.setHeader("X-Segment");
        segment.setValues(List.of("eu", "us"));
        segment.setReference("us");
        mm.getSpec().getModel().setSegment(segment);
        mm.getSpec().getTarget().setPort(7000);
        mm.getSpec().getCollector().setBodyTimeout("5m");

        Container c = CollectorSidecar.desiredContainer(mm, DEFAULTS, Targets.revisionLabel(mm));

        assertThat(c.getImage()).isEqualTo("ghcr.io/modelmonitor/model-monitor:test");
        assertThat(c.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
                Tuple.tuple("MM_UPSTREAM_URL", "http://127.0.0.1:7000"),
                Tuple.tuple("MM_PROTOCOL", "json"),
                Tuple.tuple("MM_PREDICTION_POINTER", "/score"),
                Tuple.tuple("MM_TASK", "binary-classification"),
                Tuple.tuple("MM_SEGMENT_HEADER", "X-Segment"),
                // The declared groups and the reference hold their places in the collector (issue 27).
                Tuple.tuple("MM_SEGMENT_VALUES", "[\"eu\",\"us\"]"),
                Tuple.tuple("MM_SEGMENT_REFERENCE", "us"),
                Tuple.tuple("MM_BODY_TIMEOUT", "5m"),
                Tuple.tuple("MM_LABEL_TTL", "1h"),
                Tuple.tuple("MM_MAX_PENDING_LABELS", "100000"));
        assertThat(c.getEnv()).extracting(EnvVar::getName).doesNotContain("MM_SEGMENT_POINTER");
        assertThat(c.getResources().getRequests()).containsEntry("memory", new Quantity("96Mi"));
        assertThat(c.getResources().getLimits()).containsOnlyKeys("memory");
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    }

    @Test
    void predictionIdsCarryTheRevisionLabelOfTheTargetsKind() {
        ModelMonitor mm = Fixtures.monitor("ns", "m", "model");
        Map<TargetKind, String> expected = Map.of(
                TargetKind.Deployment, "pod-template-hash",
                TargetKind.StatefulSet, "controller-revision-hash",
                TargetKind.Rollout, "rollouts-pod-template-hash");
        expected.forEach((kind, label) -> {
            mm.getSpec().getTarget().setKind(kind);
            assertThat(CollectorSidecar.desired(mm, DEFAULTS, Targets.revisionLabel(mm)).container().getEnv())
                    .filteredOn(e -> e.getName().equals("MM_REVISION")).singleElement()
                    .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                            .isEqualTo("metadata.labels['" + label + "']"));
        });
    }

    @Test
    void userResourcesReplaceTheDefaults() {
        ModelMonitor mm = Fixtures.monitor("ns", "m", "model");
        mm.getSpec().getCollector().setResources(new ResourceRequirementsBuilder()
                .addToLimits("memory", new Quantity("64Mi")).build());
        Container c = CollectorSidecar.desiredContainer(mm, DEFAULTS, Targets.revisionLabel(mm));
        assertThat(c.getResources().getLimits()).containsExactly(Map.entry("memory", new Quantity("64Mi")));
        assertThat(c.getResources().getRequests()).isNullOrEmpty();
    }

    @Test
    void theHashIsStableAndFollowsTheConfiguration() {
        ModelMonitor mm = Fixtures.monitor("ns", "m", "model");
        String hash = CollectorSidecar.desired(mm, DEFAULTS, Targets.revisionLabel(mm)).hash();
        assertThat(CollectorSidecar.desired(mm, DEFAULTS, Targets.revisionLabel(mm)).hash()).isEqualTo(hash);
        mm.getSpec().getGroundTruth().setLabelTTL("2h");
        assertThat(CollectorSidecar.desired(mm, DEFAULTS, Targets.revisionLabel(mm)).hash()).isNotEqualTo(hash);
        assertThat(hash).hasSize(16).matches("[0-9a-f]+");
    }

    @Test
    void injectThenRemoveGivesBackTheOriginalTemplate() {
        Deployment deployment = Fixtures.modelDeployment("ns", "model", 2);
        PodTemplateSpec template = deployment.getSpec().getTemplate();
        String before = Serialization.asJson(deployment);
        ModelMonitor monitor = Fixtures.monitor("ns", "m", "model");
        Container collector = CollectorSidecar.desiredContainer(monitor, DEFAULTS, Targets.revisionLabel(monitor));

        CollectorSidecar.inject(template, collector, "abc", "m");
        CollectorSidecar.inject(template, collector, "def", "m");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).hasSize(3);
        assertThat(CollectorSidecar.isCurrent(template, "def")).isTrue();
        assertThat(CollectorSidecar.isCurrent(template, "abc")).isFalse();

        assertThat(CollectorSidecar.remove(template)).isTrue();
        assertThat(Serialization.asJson(deployment)).isEqualTo(before);
        assertThat(CollectorSidecar.remove(template)).isFalse();
    }

    @Test
    void findsTheModelContainerAndPortConflicts() {
        PodTemplateSpec template = Fixtures.modelDeployment("ns", "model", 1).getSpec().getTemplate();
        assertThat(CollectorSidecar.modelContainer(template, null)).get().extracting(Container::getName).isEqualTo("model");
        assertThat(CollectorSidecar.modelContainer(template, "log-shipper")).isPresent();
        assertThat(CollectorSidecar.modelContainer(template, "missing")).isEmpty();

        ModelMonitor mm = Fixtures.monitor("ns", "m", "model");
        assertThat(CollectorSidecar.portConflict(template, CollectorSidecar.desiredContainer(mm, DEFAULTS, Targets.revisionLabel(mm)))).isEmpty();
        mm.getSpec().getCollector().setAdminPort(8080);
        assertThat(CollectorSidecar.portConflict(template, CollectorSidecar.desiredContainer(mm, DEFAULTS, Targets.revisionLabel(mm))))
                .contains(8080);
    }

    /** A model's template with the collector the monitor wants under the default configuration. */
    private static PodTemplateSpec injectedTemplate(ModelMonitor mm) {
        PodTemplateSpec template = Fixtures.modelDeployment("ns", "model", 1).getSpec().getTemplate();
        CollectorSidecar.Desired desired = CollectorSidecar.desired(mm, DEFAULTS, Targets.revisionLabel(mm));
        CollectorSidecar.inject(template, desired.container(), desired.hash(), "m");
        return template;
    }

    /** The same defaults with another image: what an operator upgrade changes. */
    private static OperatorConfig.Collector upgradedTo(String image) {
        return (OperatorConfig.Collector) Proxy.newProxyInstance(OperatorConfig.Collector.class.getClassLoader(),
                new Class<?>[] {OperatorConfig.Collector.class}, (proxy, method, args) -> method.getName().equals("image")
                        ? image : method.invoke(DEFAULTS, args));
    }

    @Test
    void anOperatorUpgradeWithANewDefaultImageRestartsNoModel() {
        ModelMonitor mm = Fixtures.monitor("ns", "m", "model");
        PodTemplateSpec template = injectedTemplate(mm);

        CollectorSidecar.Desired after = CollectorSidecar.desired(mm, upgradedTo("ghcr.io/modelmonitor/model-monitor:next"),
                Targets.revisionLabel(mm));

        assertThat(after.hash()).isEqualTo(CollectorSidecar.desired(mm, DEFAULTS, Targets.revisionLabel(mm)).hash());
        assertThat(CollectorSidecar.needsInjection(template, after)).isFalse();
    }

    @Test
    void theNewDefaultImageRollsOutWithTheUsersNextRollout() {
        ModelMonitor mm = Fixtures.monitor("ns", "m", "model");
        PodTemplateSpec template = injectedTemplate(mm);
        CollectorSidecar.Desired after = CollectorSidecar.desired(mm, upgradedTo("ghcr.io/modelmonitor/model-monitor:next"),
                Targets.revisionLabel(mm));

        template.getSpec().getContainers().get(0).setImage("registry.example/fraud:1.5.0");

        assertThat(CollectorSidecar.needsInjection(template, after)).isTrue();
        CollectorSidecar.inject(template, after.container(), after.hash(), "m");
        assertThat(CollectorSidecar.needsInjection(template, after)).as("and then it is current").isFalse();
    }

    @Test
    void anImageSetInTheSpecUpdatesAtOnce() {
        ModelMonitor mm = Fixtures.monitor("ns", "m", "model");
        PodTemplateSpec template = injectedTemplate(mm);

        mm.getSpec().getCollector().setImage("registry.example/model-monitor:pinned");

        assertThat(CollectorSidecar.needsInjection(template, CollectorSidecar.desired(mm, DEFAULTS, Targets.revisionLabel(mm)))).isTrue();
    }
}

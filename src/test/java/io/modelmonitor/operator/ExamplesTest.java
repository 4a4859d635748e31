package io.modelmonitor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelProtocol;
import io.modelmonitor.api.v1alpha1.ModelTask;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.routing.ServicePortRewrite;
import io.modelmonitor.operator.validation.SpecValidator;

/** The examples users copy must be valid and must fit the workloads shipped beside them. */
class ExamplesTest {

    @Test
    void everyMonitorIsValidAndFitsItsDeploymentAndService() throws IOException {
        List<HasMetadata> objects = load();
        List<ModelMonitor> monitors = objects.stream().filter(ModelMonitor.class::isInstance).map(ModelMonitor.class::cast).toList();
        assertThat(monitors).extracting(m -> m.getSpec().getModel().getTask(), m -> m.getSpec().getModel().getProtocol())
                .contains(Tuple.tuple(ModelTask.BINARY_CLASSIFICATION, ModelProtocol.KSERVE_V1),
                        Tuple.tuple(ModelTask.MULTICLASS_CLASSIFICATION, ModelProtocol.OPEN_INFERENCE_V2),
                        Tuple.tuple(ModelTask.GENERATION, ModelProtocol.OPENAI));
        for (ModelMonitor monitor : monitors) {
            assertThat(SpecValidator.validate(monitor.getSpec())).as(monitor.getMetadata().getName()).isEmpty();
            Deployment target = find(objects, Deployment.class, monitor.getSpec().getTarget().getName());
            var model = CollectorSidecar.modelContainer(target.getSpec().getTemplate(), monitor.getSpec().getTarget().getContainer()).orElseThrow();
            assertThat(model.getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(monitor.getSpec().getTarget().getPort()));
            Service service = find(objects, Service.class, monitor.getSpec().getTarget().getService());
            assertThat(ServicePortRewrite.modelPorts(service, model, monitor.getSpec().getTarget().getPort())).hasSize(1);
        }
    }

    /** Outside the operator the client does not know the ModelMonitor kind and reads it as a generic resource. */
    private static HasMetadata typed(HasMetadata object) {
        return object instanceof GenericKubernetesResource && "ModelMonitor".equals(object.getKind())
                ? Serialization.unmarshal(Serialization.asJson(object), ModelMonitor.class)
                : object;
    }

    private static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    static List<HasMetadata> load() throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        // With the rollout tools' examples in progressive-delivery/ (their kinds need Argo Rollouts' or Flagger's CRDs).
        try (Stream<Path> files = Files.walk(Path.of("deploy", "examples"))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    Object parsed = Serialization.unmarshal(in);
                    List<?> items = parsed instanceof KubernetesResourceList<?> list ? list.getItems()
                            : parsed instanceof List<?> list ? list : List.of(parsed);
                    items.forEach(o -> objects.add(typed((HasMetadata) o)));
                }
            }
        }
        return objects;
    }
}

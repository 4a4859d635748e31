package io.modelmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ModelMonitorSpec;
import io.modelmonitor.api.v1alpha1.ModelMonitorStatus;

/**
 * The CRD is generated from the Java types; what users install (crds/ and the chart's crds/) must be exactly
 * that. Run with -Dupdate.crds=true to rewrite both after changing the API.
 *
 * The generator sorts printer columns by JSON path; kubectl shows them in CRD order, so the columns are put back
 * in the order ModelMonitor declares them (Target, Phase, Accuracy, P99, Errors, Age).
 */
class CrdGeneratorTest {

    static final String FILE = "modelmonitors.modelmonitor.io-v1.yml";
    static final List<Path> COMMITTED = List.of(Path.of("crds", FILE), Path.of("helm", "model-monitor", "crds", FILE));

    @Test
    void committedCrdsEqualTheGeneratedOne() throws IOException {
        String generated = generate();
        Files.createDirectories(Path.of("target", "crds"));
        Files.writeString(Path.of("target", "crds", FILE), generated);
        if (Boolean.getBoolean("update.crds")) {
            for (Path path : COMMITTED) {
                Files.createDirectories(path.getParent());
                Files.writeString(path, generated);
            }
        }
        for (Path path : COMMITTED) {
            assertThat(path).as("%s is stale: run mvn test -Dtest=CrdGeneratorTest -Dupdate.crds=true", path)
                    .exists();
            assertThat(Files.readString(path))
                    .as("%s is stale: run mvn test -Dtest=CrdGeneratorTest -Dupdate.crds=true", path)
                    .isEqualTo(generated);
        }
    }

    @Test
    void crdHasStatusSubresourceShortNamePrinterColumnsAndDescriptions() throws IOException {
        JsonNode crd = yaml().readTree(generate());
        JsonNode version = crd.at("/spec/versions/0");
        assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("mm");
        assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
        assertThat(version.at("/name").asText()).isEqualTo("v1alpha1");
        assertThat(version.at("/subresources/status").isObject()).isTrue();
        List<String> columns = new ArrayList<>();
        version.at("/additionalPrinterColumns").forEach(c -> columns.add(c.get("name").asText()));
        assertThat(columns).containsExactly("Target", "Phase", "Accuracy", "P99(ms)", "Errors", "TTFT-P95(ms)", "Accepted",
                "Age");
        List<String> wide = new ArrayList<>();
        version.at("/additionalPrinterColumns").forEach(c -> {
            if (c.path("priority").asInt() > 0) {
                wide.add(c.get("name").asText());
            }
        });
        assertThat(wide).as("a generative model's columns, in kubectl get -o wide").containsExactly("TTFT-P95(ms)", "Accepted");
        JsonNode spec = version.at("/schema/openAPIV3Schema/properties/spec");
        assertThat(spec.at("/required")).extracting(JsonNode::asText).contains("target", "model", "objectives");
        assertThat(spec.at("/properties/model/properties/task/enum")).extracting(JsonNode::asText)
                .containsExactly("binary-classification", "generation", "multiclass-classification", "regression");
        assertThat(spec.at("/properties/evaluation/properties/minSamples/default").asInt()).isEqualTo(200);
        assertThat(spec.at("/properties/model/properties/positiveLabel/default").isTextual()).as("a string's default")
                .isTrue();
        assertEveryFieldDescribed(spec, "spec");
        assertThat(version.at("/schema/openAPIV3Schema/description").asText()).as("kubectl explain modelmonitor")
                .startsWith("Monitors a machine-learning model");
        assertThat(spec.at("/description").asText()).isNotBlank();
        assertThat(version.at("/schema/openAPIV3Schema/properties/status/description").asText()).isNotBlank();
    }

    private static void assertEveryFieldDescribed(JsonNode schema, String path) {
        JsonNode properties = schema.has("items") ? schema.get("items").get("properties") : schema.get("properties");
        if (properties == null || path.endsWith("resources")) {
            return; // resources is core/v1 ResourceRequirements, described by Kubernetes itself
        }
        properties.fields().forEachRemaining(field -> {
            assertThat(field.getValue().has("description")).as("%s.%s has a description", path, field.getKey()).isTrue();
            assertEveryFieldDescribed(field.getValue(), path + "." + field.getKey());
        });
    }

    static String generate() throws IOException {
        Path dir = Files.createTempDirectory("crd");
        new CRDGenerator().customResourceClasses(ModelMonitor.class).forCRDVersions("v1").inOutputDir(dir.toFile())
                .generate();
        ObjectNode crd = (ObjectNode) yaml().readTree(dir.resolve(FILE).toFile());
        List<String> declared = Arrays.stream(ModelMonitor.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        ArrayNode columns = (ArrayNode) crd.at("/spec/versions/0/additionalPrinterColumns");
        List<JsonNode> sorted = new ArrayList<>();
        columns.forEach(sorted::add);
        sorted.sort((a, b) -> declared.indexOf(a.get("name").asText()) - declared.indexOf(b.get("name").asText()));
        columns.removeAll();
        columns.addAll(sorted);
        // The generator reads property descriptions only; kubectl explain showed the kind, spec and status as
        // <empty>. Their class descriptions go where explain looks.
        ObjectNode schema = (ObjectNode) crd.at("/spec/versions/0/schema/openAPIV3Schema");
        schema.put("description", classDescription(ModelMonitor.class));
        ((ObjectNode) schema.at("/properties/spec")).put("description", classDescription(ModelMonitorSpec.class));
        ((ObjectNode) schema.at("/properties/status")).put("description", classDescription(ModelMonitorStatus.class));
        return "# Generated from io.modelmonitor.api.v1alpha1 by CrdGeneratorTest; do not edit by hand.\n"
                + yaml().writeValueAsString(crd);
    }

    private static String classDescription(Class<?> type) {
        JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
        assertThat(description).as("%s has a @JsonClassDescription", type.getSimpleName()).isNotNull();
        return description.value();
    }

    private static ObjectMapper yaml() {
        // Quoting strings that look like numbers: unquoted, positiveLabel's default "1" read back as an integer,
        // and a real API server rejected the CRD (a default must match its field's type).
        return new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
    }
}

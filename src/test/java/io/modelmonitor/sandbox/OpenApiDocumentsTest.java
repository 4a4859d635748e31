package io.modelmonitor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;

class OpenApiDocumentsTest {

    private static OpenApiDocuments documents() throws Exception {
        try (InputStream in = OpenApiDocumentsTest.class.getResourceAsStream("/crds/modelmonitors.modelmonitor.io-v1.yml")) {
            return new OpenApiDocuments(List.of(Serialization.unmarshal(in, CustomResourceDefinition.class)));
        }
    }

    @Test
    void theIndexPointsAtTheMonitorsGroupVersion() throws Exception {
        JsonNode index = ApiDiscovery.tree(documents().index());
        assertThat(index.path("paths").path("apis/modelmonitor.io/v1alpha1").path("serverRelativeURL").asText())
                .startsWith("/openapi/v3/apis/modelmonitor.io/v1alpha1?hash=");
    }

    @Test
    void theDocumentCarriesTheCrdSchemaWhereExplainLooksForIt() throws Exception {
        JsonNode document = ApiDiscovery.tree(documents().document("modelmonitor.io", "v1alpha1").orElseThrow());
        JsonNode get = document.path("paths").path("/apis/modelmonitor.io/v1alpha1/namespaces/{namespace}/modelmonitors/{name}")
                .path("get");
        assertThat(get.path("x-kubernetes-group-version-kind").path("kind").asText()).isEqualTo("ModelMonitor");
        JsonNode schema = document.path("components").path("schemas").path("io.modelmonitor.v1alpha1.ModelMonitor");
        assertThat(schema.path("x-kubernetes-group-version-kind").get(0).path("group").asText()).isEqualTo("modelmonitor.io");
        assertThat(schema.path("properties").path("spec").path("properties").path("evaluation").path("properties")
                .path("minSamples").path("description").asText()).contains("InsufficientData");
        assertThat(schema.path("properties").path("kind").path("type").asText()).isEqualTo("string");
        assertThat(documents().document("apps", "v1")).as("built-in kinds are not described").isEmpty();
    }
}

package io.modelmonitor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Cases from the Kubernetes strategic-merge-patch documentation, on the lists Helm and kubectl patch most. */
class StrategicMergeTest {

    private static final String POD_SPEC = """
            {"containers":[
               {"name":"model","image":"m:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                "ports":[{"containerPort":8080,"name":"http"}]},
               {"name":"collector","image":"c:1"}],
             "volumes":[{"name":"tmp","emptyDir":{}}]}""";

    @Test
    void namedListElementsMergeByTheirKey() {
        JsonNode merged = StrategicMerge.apply(tree(POD_SPEC), tree("""
                {"$setElementOrder/containers":[{"name":"model"},{"name":"collector"}],
                 "containers":[{"name":"model","env":[{"name":"B","value":"3"}]}]}"""));
        assertThat(merged.at("/containers/0/image").asText()).as("untouched fields stay").isEqualTo("m:1");
        assertThat(merged.at("/containers/0/env").toString())
                .isEqualTo("[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"3\"}]");
        assertThat(merged.at("/containers/1/image").asText()).isEqualTo("c:1");
        assertThat(merged.has("$setElementOrder/containers")).isFalse();
    }

    @Test
    void directivesDeleteReplaceAndReorder() {
        JsonNode merged = StrategicMerge.apply(tree(POD_SPEC), tree("""
                {"containers":[{"name":"collector","$patch":"delete"}],
                 "volumes":[{"name":"cache","emptyDir":{}},{"$patch":"replace"}]}"""));
        assertThat(merged.at("/containers").size()).isEqualTo(1);
        assertThat(merged.at("/volumes").toString()).isEqualTo("[{\"name\":\"cache\",\"emptyDir\":{}}]");

        JsonNode reordered = StrategicMerge.apply(tree(POD_SPEC), tree("""
                {"$setElementOrder/containers":[{"name":"collector"},{"name":"model"}]}"""));
        assertThat(reordered.at("/containers/0/name").asText()).isEqualTo("collector");
        assertThat(reordered.at("/containers/1/env").size()).isEqualTo(2);
    }

    @Test
    void mapsMergeNullsRemoveAndUnknownListsAreReplaced() {
        JsonNode merged = StrategicMerge.apply(tree("""
                {"metadata":{"labels":{"a":"1","b":"2"},"finalizers":["x"]},"spec":{"args":["--one","--two"]}}"""),
                tree("""
                {"metadata":{"labels":{"b":null,"c":"3"},"finalizers":["y"]},"spec":{"args":["--three"]}}"""));
        assertThat(merged.at("/metadata/labels").toString()).isEqualTo("{\"a\":\"1\",\"c\":\"3\"}");
        assertThat(merged.at("/metadata/finalizers").toString()).as("finalizers merge").isEqualTo("[\"x\",\"y\"]");
        assertThat(merged.at("/spec/args").toString()).as("no merge key: replaced").isEqualTo("[\"--three\"]");
    }

    @Test
    void servicePortsMergeOnPortAndPrimitiveDeletes() {
        JsonNode merged = StrategicMerge.apply(tree("""
                {"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":8443}],"finalizers":["x","y"]}"""),
                tree("""
                {"ports":[{"port":80,"targetPort":"mm-data"}],"$deleteFromPrimitiveList/finalizers":["x"]}"""));
        assertThat(merged.at("/ports/0/targetPort").asText()).isEqualTo("mm-data");
        assertThat(merged.at("/ports/1/port").asInt()).isEqualTo(443);
        assertThat(merged.at("/finalizers").toString()).isEqualTo("[\"y\"]");

        JsonNode reordered = StrategicMerge.apply(tree("{\"ports\":[{\"port\":80},{\"port\":443}]}"),
                tree("{\"$setElementOrder/ports\":[{\"port\":443},{\"port\":80}]}"));
        assertThat(reordered.at("/ports").toString()).isEqualTo("[{\"port\":443},{\"port\":80}]");
    }

    private static JsonNode tree(String json) {
        return ApiDiscovery.tree(json);
    }
}

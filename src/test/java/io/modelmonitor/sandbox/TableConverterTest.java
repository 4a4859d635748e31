package io.modelmonitor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class TableConverterTest {

    private static ApiDiscovery.Kind kind(String plural) {
        return new ApiDiscovery(List.of()).find(plural.equals("deployments") ? "apps" : "", "v1", plural).orElseThrow();
    }

    private static List<String> headers(JsonNode table) {
        return table.get("columnDefinitions").findValuesAsText("name");
    }

    private static List<String> cells(JsonNode table) {
        List<String> cells = new ArrayList<>();
        table.get("rows").get(0).get("cells").forEach(c -> cells.add(c.asText()));
        return cells;
    }

    @Test
    void aPodShowsReadyContainersTheWaitingReasonAndRestarts() {
        JsonNode pod = ApiDiscovery.tree("""
                {"metadata":{"name":"m-7d4b9-x2k4z","creationTimestamp":"2020-01-01T00:00:00Z"},
                 "spec":{"containers":[{"name":"model"},{"name":"collector"}]},
                 "status":{"phase":"Running","podIP":"10.0.0.7","containerStatuses":[
                   {"name":"model","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}}},
                   {"name":"collector","ready":true,"restartCount":1}]}}""");
        JsonNode table = TableConverter.table(kind("pods"), pod);
        assertThat(headers(table)).containsExactly("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node");
        List<String> cells = cells(table);
        assertThat(cells.get(4)).as("age, in days by now").matches("\\d+d");
        cells.remove(4);
        assertThat(cells).containsExactly("m-7d4b9-x2k4z", "1/2", "CrashLoopBackOff", "5", "10.0.0.7", "<none>");
    }

    @Test
    void aDeletedPodIsTerminating() {
        JsonNode pod = ApiDiscovery.tree("""
                {"metadata":{"name":"p","deletionTimestamp":"2020-01-01T00:00:00Z"},"spec":{"containers":[{"name":"a"}]},
                 "status":{"phase":"Running"}}""");
        assertThat(cells(TableConverter.table(kind("pods"), pod)).get(2)).isEqualTo("Terminating");
    }

    @Test
    void aServiceShowsItsTypeAndPortsAndAnEventItsObject() {
        JsonNode service = ApiDiscovery.tree("""
                {"metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":80},{"port":9090,"protocol":"UDP"}]}}""");
        assertThat(cells(TableConverter.table(kind("services"), service)).subList(0, 5))
                .containsExactly("web", "ClusterIP", "<none>", "<none>", "80/TCP,9090/UDP");
        JsonNode event = ApiDiscovery.tree("""
                {"metadata":{"name":"mm.1"},"type":"Warning","reason":"RollbackTriggered","message":"rolling back",
                 "involvedObject":{"kind":"ModelMonitor","name":"fraud"},"lastTimestamp":"2020-01-01T00:00:00Z","count":2}""");
        JsonNode table = TableConverter.table(kind("events"), event);
        assertThat(headers(table).subList(0, 5)).containsExactly("Last Seen", "Type", "Reason", "Object", "Message");
        assertThat(cells(table).subList(1, 5)).containsExactly("Warning", "RollbackTriggered", "modelmonitor/fraud", "rolling back");
    }

    @Test
    void aDeploymentShowsReadyOverDesired() {
        JsonNode deployment = ApiDiscovery.tree("""
                {"metadata":{"name":"d"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"d"}},
                 "template":{"spec":{"containers":[{"name":"model","image":"m:v1"}]}}},
                 "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}""");
        JsonNode table = TableConverter.table(kind("deployments"), deployment);
        assertThat(headers(table)).startsWith("Name", "Ready", "Up-to-date", "Available", "Age");
        assertThat(cells(table)).startsWith("d", "2/3", "3", "2").endsWith("model", "m:v1", "app=d");
    }
}

package io.modelmonitor.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.modelmonitor.api.v1alpha1.AlertSpec;
import io.modelmonitor.api.v1alpha1.AlertType;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.SecretKeyRef;
import io.modelmonitor.operator.OperatorTestAccess;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Every API call the operator makes while it works is checked against the ClusterRole the chart renders: a call
 * the chart does not allow fails this test (and would fail in a real cluster with 403).
 */
@QuarkusTest
@WithKubernetesTestServer
public class RbacTest {

    @KubernetesTestServer
    KubernetesServer server;

    @jakarta.inject.Inject
    KubernetesClient operatorClient;

    @Test
    void theChartGrantsEveryCallTheOperatorMakes() throws Exception {
        while (server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // forget what earlier test classes did
        }
        try (KubernetesClient user = new KubernetesClientBuilder().withConfig(new ConfigBuilder(operatorClient.getConfiguration())
                .withUserAgent("rbac-test-user").build()).build()) {
            String ns = "rbac";
            var deployment = OperatorTestAccess.modelDeployment(ns, "scorer", 1);
            user.resource(deployment).create();
            user.resource(OperatorTestAccess.modelService(ns, "scorer")).create();
            user.resource(new SecretBuilder().withNewMetadata().withName("hook").withNamespace(ns).endMetadata()
                    .addToStringData("url", "http://127.0.0.1:1/hook").build()).create();
            ModelMonitor mm = OperatorTestAccess.monitor(ns, "scorer", "scorer");
            mm.getSpec().getTarget().setService("scorer");
            mm.getSpec().getEvaluation().setInterval("1s");
            AlertSpec alert = new AlertSpec();
            alert.setName("hook");
            alert.setType(AlertType.webhook);
            alert.setUrlSecretRef(new SecretKeyRef("hook", "url"));
            mm.getSpec().setAlerts(List.of(alert));
            user.resource(mm).create();
            await().atMost(Duration.ofSeconds(15)).until(() -> OperatorTestAccess.injected(user, ns, "scorer"));
            OperatorTestAccess.markRolledOut(user, ns, "scorer");
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                ModelMonitor m = user.resources(ModelMonitor.class).inNamespace(ns).withName("scorer").get();
                return m.getStatus() != null && m.getStatus().getLastEvaluationTime() != null;
            });
            Thread.sleep(2500); // a few evaluations: pods, replica sets
            user.resources(ModelMonitor.class).inNamespace(ns).withName("scorer").delete();
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    user.resources(ModelMonitor.class).inNamespace(ns).withName("scorer").get() == null);
        }

        ClusterRole role = HelmChartTest.render(new Helm(Path.of("helm", "model-monitor").toAbsolutePath()).template()
                .withName("model-monitor").withNamespace("ops").call()).stream()
                .filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).findFirst().orElseThrow();
        Set<String> granted = new HashSet<>();
        role.getRules().forEach(r -> r.getApiGroups().forEach(g -> r.getResources().forEach(res -> r.getVerbs()
                .forEach(v -> granted.add(g + "|" + res + "|" + v)))));

        Set<String> used = new HashSet<>();
        RecordedRequest request;
        while ((request = server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            String agent = request.getHeader("User-Agent");
            if (agent != null && agent.contains("rbac-test-user")) {
                continue;
            }
            String permission = permission(request.getMethod(), request.getPath());
            if (permission != null) {
                used.add(permission);
            }
        }
        assertThat(used).as("the operator made calls").contains("modelmonitor.io|modelmonitors/status|patch",
                "apps|deployments|patch", "|pods|list", "|services|patch", "|events|create", "apps|replicasets|list");
        assertThat(granted).as("calls the chart's ClusterRole does not allow").containsAll(used);
    }

    /** (apiGroup|resource|verb) of an API request, as RBAC sees it. */
    public static String permission(String method, String rawPath) {
        String path = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
        String query = rawPath.contains("?") ? rawPath.substring(rawPath.indexOf('?') + 1) : "";
        String[] p = path.replaceAll("^/+", "").split("/");
        int i;
        String group;
        if (p.length > 1 && p[0].equals("api")) {
            group = "";
            i = 2;
        } else if (p.length > 2 && p[0].equals("apis")) {
            group = p[1];
            i = 3;
        } else {
            return null;
        }
        if (p.length > i + 1 && p[i].equals("namespaces") && p.length > i + 2) {
            i += 2;
        }
        if (p.length <= i) {
            return null;
        }
        String resource = p[i] + (p.length > i + 2 ? "/" + p[i + 2] : "");
        boolean named = p.length > i + 1;
        String verb = switch (method) {
            case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return group + "|" + resource + "|" + verb;
    }
}

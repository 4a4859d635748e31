package io.modelmonitor.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.operator.config.OperatorConfig;

/** The chart, linted and rendered by real Helm (helm-java), with its security settings and RBAC asserted. */
public class HelmChartTest {

    public static final Path CHART = Path.of("helm", "model-monitor").toAbsolutePath();
    static final Path DEPLOY = Path.of("deploy", "model-monitor.yaml");

    @Test
    void lintIsCleanInStrictMode() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void defaultsRenderALockedDownOperator() {
        List<HasMetadata> objects = render(new Helm(CHART).template().withName("model-monitor").withNamespace("ops").call());
        assertThat(objects).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("ServiceAccount", "ClusterRole",
                "ClusterRole", "ClusterRole", "ClusterRoleBinding", "ClusterRoleBinding", "ClusterRoleBinding", "Role",
                "Role", "RoleBinding", "RoleBinding", "Service", "Service", "Service", "Deployment", "PodDisruptionBudget",
                "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
        // secrets: create, confined by the API server to what the operator creates (tried on a real one in KubectlClusterIT).
        String policy = Serialization.asJson(objects.stream().filter(o -> o.getKind().equals("ValidatingAdmissionPolicy"))
                .findFirst().orElseThrow());
        assertThat(policy).contains("request.userInfo.username == 'system:serviceaccount:ops:model-monitor'",
                "object.type == 'modelmonitor.io/id-key'", "object.metadata.name == 'model-monitor-webhook-tls'");

        Deployment deployment = find(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).as("two replicas, one elected").isEqualTo(2);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var container = pod.getContainers().get(0);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getImage()).isEqualTo("ghcr.io/modelmonitor/model-monitor:0.1.0");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MODELMONITOR_COLLECTOR_IMAGE");
            assertThat(e.getValue()).isEqualTo("ghcr.io/modelmonitor/model-monitor:0.1.0");
        });
        assertThat(pod.getServiceAccountName()).isEqualTo("model-monitor");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MODELMONITOR_LEADER_ELECTION_IDENTITY");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        }).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MODELMONITOR_LEADER_ELECTION_LEASE_NAME");
            assertThat(e.getValue()).isEqualTo("model-monitor-leader");
        });

        Role leases = named(objects, Role.class, "model-monitor-leader-election");
        assertThat(leases.getMetadata().getNamespace()).as("the Lease stays in the release namespace").isEqualTo("ops");
        assertThat(leases.getRules()).allSatisfy(r -> {
            assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
            assertThat(r.getResources()).containsExactly("leases");
        });
        assertThat(leases.getRules()).anySatisfy(r -> assertThat(r.getVerbs()).containsExactly("create"))
                .anySatisfy(r -> {
                    assertThat(r.getResourceNames()).as("only its own Lease").containsExactly("model-monitor-leader");
                    assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
                });
        assertThat(named(objects, RoleBinding.class, "model-monitor-leader-election").getRoleRef().getName())
                .isEqualTo(leases.getMetadata().getName());

        ClusterRole role = named(objects, ClusterRole.class, "model-monitor");
        Set<String> grants = grants(role);
        assertThat(grants).containsExactlyInAnyOrder(
                "modelmonitor.io/modelmonitors:get", "modelmonitor.io/modelmonitors:list", "modelmonitor.io/modelmonitors:watch",
                "modelmonitor.io/modelmonitors:patch", "modelmonitor.io/modelmonitors:update",
                "modelmonitor.io/modelmonitors/status:get", "modelmonitor.io/modelmonitors/status:patch",
                "modelmonitor.io/modelmonitors/status:update",
                "apps/deployments:get", "apps/deployments:list", "apps/deployments:watch", "apps/deployments:patch",
                "apps/statefulsets:get", "apps/statefulsets:list", "apps/statefulsets:watch", "apps/statefulsets:patch",
                "argoproj.io/rollouts:get", "argoproj.io/rollouts:list", "argoproj.io/rollouts:watch",
                "argoproj.io/rollouts:patch", "argoproj.io/rollouts/status:patch",
                "serving.kserve.io/inferenceservices:get", "serving.kserve.io/inferenceservices:list",
                "serving.kserve.io/inferenceservices:watch", "serving.kserve.io/inferenceservices:patch",
                "apps/replicasets:list", "apps/controllerrevisions:list", "pods:list", "services:get", "services:patch", "secrets:get", "secrets:create",
                "configmaps:get", "events:get", "events:create", "events:update");
        assertThat(grants).as("no wildcards, no secret listing, no deletes").noneMatch(g -> g.contains("*")
                || g.equals("secrets:list") || g.equals("configmaps:list") || g.endsWith(":delete"));

        // The verdict API: its own port and Service, callers' tokens checked by the API server.
        assertThat(grants(named(objects, ClusterRole.class, "model-monitor-verdict-auth"))).as("what auth-delegator grants")
                .containsExactlyInAnyOrder("authentication.k8s.io/tokenreviews:create",
                        "authorization.k8s.io/subjectaccessreviews:create");
        assertThat(named(objects, ClusterRoleBinding.class, "model-monitor-verdict-auth")
                .getSubjects()).singleElement().satisfies(sub -> assertThat(sub.getName()).isEqualTo("model-monitor"));
        assertThat(container.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("verdict");
            assertThat(p.getContainerPort()).isEqualTo(8082);
        });
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MODELMONITOR_VERDICT_AUTH");
            assertThat(e.getValue()).isEqualTo("token");
        });
        var verdict = named(objects, Service.class, "model-monitor-verdict");
        assertThat(verdict.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(8082);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("verdict");
        });
        assertThat(verdict.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

        // The admission webhook: opt-in namespaces only, never the operator's own; pods created anyway when it is down.
        var hook = named(objects, MutatingWebhookConfiguration.class,
                "model-monitor-pods").getWebhooks();
        assertThat(hook).singleElement().satisfies(w -> {
            assertThat(w.getFailurePolicy()).isEqualTo("Ignore");
            assertThat(w.getTimeoutSeconds()).isEqualTo(10);
            assertThat(w.getSideEffects()).isEqualTo("None");
            assertThat(w.getClientConfig().getService().getName()).isEqualTo("model-monitor-webhook");
            assertThat(w.getClientConfig().getService().getNamespace()).isEqualTo("ops");
            assertThat(w.getClientConfig().getService().getPath()).isEqualTo("/mutate-pods");
            assertThat(w.getClientConfig().getCaBundle()).as("the operator writes it").isNull();
            assertThat(w.getRules()).singleElement().satisfies(r -> {
                assertThat(r.getOperations()).containsExactly("CREATE");
                assertThat(r.getResources()).containsExactly("pods");
            });
            assertThat(w.getNamespaceSelector().getMatchExpressions()).anySatisfy(e -> {
                assertThat(e.getKey()).isEqualTo("modelmonitor.io/injection");
                assertThat(e.getValues()).containsExactly("enabled");
            }).anySatisfy(e -> {
                assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
                assertThat(e.getOperator()).isEqualTo("NotIn");
                assertThat(e.getValues()).containsExactly("ops");
            });
        });
        assertThat(named(objects, Service.class, "model-monitor-webhook").getSpec().getPorts())
                .singleElement().satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("webhook"));
        assertThat(named(objects, ClusterRole.class, "model-monitor-webhook").getRules()).singleElement().satisfies(r -> {
            assertThat(r.getResources()).containsExactly("mutatingwebhookconfigurations");
            assertThat(r.getResourceNames()).as("its own configuration only").containsExactly("model-monitor-pods");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "patch");
        });
        assertThat(named(objects, Role.class, "model-monitor-webhook").getRules()).allSatisfy(r -> {
            assertThat(r.getResources()).containsExactly("secrets");
            assertThat(r.getVerbs()).isSubsetOf("create", "get", "update");
        }).filteredOn(r -> !r.getVerbs().contains("create"))
                .singleElement().satisfies(r -> assertThat(r.getResourceNames()).containsExactly("model-monitor-webhook-tls"));
        assertThat(container.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("webhook");
            assertThat(p.getContainerPort()).isEqualTo(9443);
        });
    }

    private static Set<String> grants(ClusterRole role) {
        return role.getRules().stream().flatMap(r -> r.getResources().stream()
                .flatMap(res -> r.getVerbs().stream().map(v -> group(r.getApiGroups().get(0)) + res + ":" + v)))
                .collect(Collectors.toSet());
    }

    private static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast).filter(o -> o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    @Test
    void everyOptionalFeatureRendersValidManifests() throws Exception {
        String yaml = new Helm(CHART).template().withName("mm").withNamespace("ops")
                .set("metrics.serviceMonitor.enabled", true).set("metrics.podMonitor.enabled", true)
                .set("grafana.dashboard.enabled", true).set("networkPolicy.enabled", true)
                .set("networkPolicy.modelNamespaces[0]", "ml").set("networkPolicy.modelNamespaces[1]", "fraud")
                .set("watchNamespaces[0]", "ml")
                .set("verdict.networkPolicy.from[0].namespaceSelector.matchLabels.team", "delivery").call();
        List<HasMetadata> objects = render(yaml);
        assertThat(objects).extracting(HasMetadata::getKind).contains("ServiceMonitor", "PodMonitor", "ConfigMap",
                "NetworkPolicy");
        List<NetworkPolicy> policies = objects.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                .filter(p -> !p.getMetadata().getName().equals("mm-model-monitor-verdict")).toList();
        NetworkPolicy verdictPolicy = named(objects, NetworkPolicy.class, "mm-model-monitor-verdict");
        assertThat(verdictPolicy.getMetadata().getNamespace()).isEqualTo("ops");
        assertThat(verdictPolicy.getSpec().getIngress().get(0).getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("verdict"));
        assertThat(verdictPolicy.getSpec().getIngress().get(0).getFrom()).singleElement().satisfies(peer ->
                assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("team", "delivery"));
        // The API server calls the admission webhook from no address a peer selector names: its port stays open, or
        // every pod is created without its collector (issue 27).
        assertThat(verdictPolicy.getSpec().getIngress().get(1).getFrom()).isNullOrEmpty();
        assertThat(verdictPolicy.getSpec().getIngress().get(1).getPorts()).extracting(p -> p.getPort().getStrVal())
                .containsExactlyInAnyOrder("http", "webhook");
        assertThat(policies).extracting(p -> p.getMetadata().getNamespace()).containsExactlyInAnyOrder("ml", "fraud");
        assertThat(policies.get(0).getSpec().getIngress().get(0).getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9091));
        ConfigMap dashboard = find(objects, ConfigMap.class);
        JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("model-monitor.json"));
        List<String> titles = new ArrayList<>();
        json.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        assertThat(titles).contains("Accuracy with its confidence interval", "Latency percentiles (collectors)",
                "Throughput", "Error rate", "Rollbacks", "Positive-prediction rate per group (collectors)",
                "True- and false-positive rate per group (collectors)", "Fairness across groups, with confidence intervals",
                "Input drift per feature (Jensen-Shannon distance from the reference)",
                "Missing and unseen values per feature",
                "Estimated accuracy (from scores, before labels) and realised accuracy",
                "Time to first token and between tokens (generative models, collectors)",
                "Tokens per second and cut-off answers (generative models, collectors)",
                "Answers accepted, with confidence intervals",
                "Error budget left and burn rate (objectives with a budget)",
                "What the mistakes cost (spec.costs), per 1,000 predictions and per hour");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        GenericKubernetesResource podMonitor = objects.stream().filter(o -> o.getKind().equals("PodMonitor"))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        assertThat(Serialization.asJson(podMonitor)).contains("\"port\":\"mm-admin\"");
        assertThat(find(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> assertThat(e.getName()).isEqualTo("QUARKUS_OPERATOR_SDK_CONTROLLERS_MODELMONITOR_NAMESPACES"));
        // Watching chosen namespaces: the same rules as the ClusterRole, granted only there.
        assertThat(objects).filteredOn(o -> o.getKind().startsWith("ClusterRole")).as("only the verdict API's "
                + "TokenReview and SubjectAccessReview, which are cluster-scoped").extracting(o -> o.getMetadata().getName())
                .containsOnly("mm-model-monitor-verdict-auth", "mm-model-monitor-webhook");
        var watchedOnly = named(objects,
                MutatingWebhookConfiguration.class, "mm-model-monitor-pods");
        assertThat(watchedOnly.getWebhooks().get(0).getNamespaceSelector().getMatchExpressions())
                .as("the webhook sees only the watched namespaces").anySatisfy(e -> {
                    assertThat(e.getOperator()).isEqualTo("In");
                    assertThat(e.getValues()).containsExactly("ml");
                });
        ClusterRole clusterWide = named(render(new Helm(CHART).template().withName("mm").withNamespace("ops").call()),
                ClusterRole.class, "mm-model-monitor");
        List<Role> watched = objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
                .filter(r -> !r.getMetadata().getName().endsWith("-leader-election")
                        && !r.getMetadata().getName().endsWith("-webhook")).toList();
        assertThat(watched).singleElement().satisfies(r -> {
            assertThat(r.getMetadata().getNamespace()).isEqualTo("ml");
            assertThat(r.getRules()).isEqualTo(clusterWide.getRules());
        });
        assertThat(objects.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast))
                .anySatisfy(b -> {
                    assertThat(b.getMetadata().getNamespace()).isEqualTo("ml");
                    assertThat(b.getSubjects().get(0).getNamespace()).isEqualTo("ops");
                });
    }

    @Test
    void theVerdictApiServesHttpsWithTheWebhooksCertificateWhenAsked() {
        List<HasMetadata> objects = render(new Helm(CHART).template().withName("mm").withNamespace("ops")
                .set("verdict.tls", true).set("webhook.certManager.enabled", true).call());
        assertThat(find(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("MODELMONITOR_VERDICT_TLS");
                    assertThat(e.getValue()).isEqualTo("true");
                });
        assertThat(named(objects, Service.class, "mm-model-monitor-verdict").getSpec()
                .getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("https-verdict"));
        String certificate = Serialization.asJson(objects.stream().filter(o -> o.getKind().equals("Certificate"))
                .findFirst().orElseThrow());
        assertThat(certificate).contains("mm-model-monitor-verdict.ops.svc", "mm-model-monitor-webhook.ops.svc");
        assertThatThrownBy(() -> new Helm(CHART).template().withName("mm").set("verdict.tls", true)
                .set("webhook.enabled", false).call()).hasMessageContaining("verdict.tls needs webhook.enabled");
    }

    @Test
    void alertingRendersAlertmanagerRulesPropagatedLabelsAndJsonLogs() {
        List<HasMetadata> defaults = render(new Helm(CHART).template().withName("mm").withNamespace("ops").call());
        assertThat(defaults).extracting(HasMetadata::getKind).as("no PrometheusRule unless asked (it needs the CRDs)")
                .doesNotContain("PrometheusRule");
        assertThat(find(defaults, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("QUARKUS_LOG_CONSOLE_JSON_ENABLED");
                    assertThat(e.getValue()).isEqualTo("true");
                })
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("MODELMONITOR_ALERTS_PROPAGATED_LABELS");
                    assertThat(e.getValue()).isEqualTo("team");
                })
                .noneSatisfy(e -> assertThat(e.getName()).isEqualTo("MODELMONITOR_ALERTS_DASHBOARD_URL"));

        List<HasMetadata> asked = render(new Helm(CHART).template().withName("mm").withNamespace("ops")
                .set("alerting.prometheusRule.enabled", true).set("alerting.propagatedLabels[0]", "team")
                .set("alerting.propagatedLabels[1]", "app.kubernetes.io/part-of").set("logs.format", "text")
                .set("alerting.dashboardUrl", "https://grafana.example.com/d/mm?var-monitor={monitor}").call());
        String rule = Serialization.asJson(asked.stream().filter(o -> o.getKind().equals("PrometheusRule")).findFirst()
                .orElseThrow());
        assertThat(rule).contains("ModelObjectiveBreached", "modelmonitor_objective_breach_confirmed == 1",
                "ModelErrorBudgetBurn", "modelmonitor_objective_budget_alert == 2", "ModelMonitorOperatorAbsent",
                "up{job=\\\"mm-model-monitor\\\"}");
        assertThat(find(asked, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("QUARKUS_LOG_CONSOLE_JSON_ENABLED");
                    assertThat(e.getValue()).isEqualTo("false");
                })
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("MODELMONITOR_ALERTS_PROPAGATED_LABELS");
                    assertThat(e.getValue()).isEqualTo("team,app.kubernetes.io/part-of");
                })
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("MODELMONITOR_ALERTS_DASHBOARD_URL");
                    assertThat(e.getValue()).isEqualTo("https://grafana.example.com/d/mm?var-monitor={monitor}");
                });
        assertThatThrownBy(() -> new Helm(CHART).template().withName("mm").set("logs.format", "xml").call())
                .hasMessageContaining("logs.format must be json or text, not xml");
    }

    @Test
    void theCollectorsJvmOptionsAreTheOperatorsUnlessTheChartSetsThem() {
        String c1 = OperatorConfig.COLLECTOR_JVM_OPTIONS.replace("-XX:-TieredCompilation", "-XX:TieredStopAtLevel=1")
                .replace(" -XX:TrimNativeHeapInterval=5000", "");
        assertThat(find(render(new Helm(CHART).template().withName("mm").call()), Deployment.class).getSpec().getTemplate()
                .getSpec().getContainers().get(0).getEnv()).as("the operator's default stands")
                .noneSatisfy(e -> assertThat(e.getName()).isEqualTo("MODELMONITOR_COLLECTOR_JVM_OPTIONS"));
        assertThat(find(render(new Helm(CHART).template().withName("mm").set("collector.jvmOptions", c1).call()),
                Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("MODELMONITOR_COLLECTOR_JVM_OPTIONS");
                    assertThat(e.getValue()).isEqualTo(c1).contains("-XX:TieredStopAtLevel=1");
                });
    }

    @Test
    void oneUnelectedReplicaOnlyWithoutLeaderElection() {
        List<HasMetadata> single = render(new Helm(CHART).template().withName("model-monitor").withNamespace("ops")
                .set("leaderElection.enabled", false).set("replicaCount", 1).call());
        Deployment deployment = find(single, Deployment.class);
        assertThat(deployment.getSpec().getStrategy().getType()).as("never two at once").isEqualTo("Recreate");
        assertThat(single).extracting(HasMetadata::getKind).doesNotContain("PodDisruptionBudget");
        assertThat(single).as("no Lease rights").noneMatch(o -> o.getMetadata().getName().endsWith("-leader-election"));
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MODELMONITOR_LEADER_ELECTION_ENABLED");
            assertThat(e.getValue()).isEqualTo("false");
        });

        assertThatThrownBy(() -> new Helm(CHART).template().withName("model-monitor").withNamespace("ops")
                .set("leaderElection.enabled", false).set("replicaCount", 2).call())
                .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled");
    }

    /** deploy/ holds what the chart renders with its defaults, for kubectl apply -f crds/ -f deploy/. */
    @Test
    void plainManifestsEqualTheChartsOutput() throws Exception {
        String rendered = "# Rendered from helm/model-monitor with default values (HelmChartTest); do not edit by hand.\n"
                + "# kubectl apply -f crds/ -f deploy/\n"
                + "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: model-monitor\n"
                + new Helm(CHART).template().withName("model-monitor").withNamespace("model-monitor").call();
        if (Boolean.getBoolean("update.deploy")) {
            Files.writeString(DEPLOY, rendered);
        }
        assertThat(DEPLOY).exists();
        assertThat(Files.readString(DEPLOY)).as("deploy/ is stale: mvn test -Dtest=HelmChartTest -Dupdate.deploy=true")
                .isEqualTo(rendered);
    }

    @Test
    void theChartShipsTheGeneratedCrd() throws Exception {
        assertThat(Files.readString(CHART.resolve("crds/modelmonitors.modelmonitor.io-v1.yml")))
                .isEqualTo(Files.readString(Path.of("crds", "modelmonitors.modelmonitor.io-v1.yml")));
    }

    public static List<HasMetadata> render(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank() || doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            Object parsed = Serialization.unmarshal(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)));
            if (parsed instanceof KubernetesResourceList<?> list) {
                list.getItems().forEach(objects::add);
            } else if (parsed instanceof HasMetadata o) {
                objects.add(o);
            }
        }
        return objects;
    }

    private static <T> T find(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private static String group(String apiGroup) {
        return apiGroup.isEmpty() ? "" : apiGroup + "/";
    }
}

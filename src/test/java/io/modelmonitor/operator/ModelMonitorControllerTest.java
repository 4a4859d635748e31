package io.modelmonitor.operator;

import static io.modelmonitor.testsupport.Fixtures.markRolledOut;
import static io.modelmonitor.testsupport.Fixtures.modelDeployment;
import static io.modelmonitor.testsupport.Fixtures.modelService;
import static io.modelmonitor.testsupport.Fixtures.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.routing.ServicePortRewrite;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.testsupport.Monitors;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

@QuarkusTest
@WithKubernetesTestServer
class ModelMonitorControllerTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static int namespaces;

    @Inject
    KubernetesClient client;

    private String ns;

    @BeforeEach
    void freshNamespace() {
        ns = "team-" + (++namespaces);
    }

    @Test
    void injectsTheCollectorAndKeepsEveryUserContainerByteForByte() {
        Deployment original = client.resource(modelDeployment(ns, "fraud", 2)).create();
        client.resource(monitor(ns, "fraud", "fraud")).create();

        Deployment injected = awaitDeployment("fraud", d -> d.getSpec().getTemplate().getSpec().getContainers().size() == 3);

        List<Container> containers = injected.getSpec().getTemplate().getSpec().getContainers();
        List<Container> before = original.getSpec().getTemplate().getSpec().getContainers();
        assertThat(Serialization.asJson(containers.subList(0, 2))).isEqualTo(Serialization.asJson(before));
        assertThat(Serialization.asJson(injected.getSpec().getTemplate().getSpec().getVolumes()))
                .isEqualTo(Serialization.asJson(original.getSpec().getTemplate().getSpec().getVolumes()));
        assertThat(injected.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("team", "fraud").containsKey(Annotations.CONFIG_HASH);
        assertThat(injected.getSpec().getTemplate().getMetadata().getLabels())
                .isEqualTo(Map.of("app", "fraud", Annotations.MONITORED_LABEL, "fraud"));

        Container collector = containers.get(2);
        assertThat(collector.getName()).isEqualTo(Annotations.COLLECTOR_CONTAINER);
        assertThat(collector.getArgs()).containsExactly("collector");
        assertThat(collector.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(collector.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(collector.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MM_FEEDBACK_TOKEN");
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("fraud-feedback-token");
        });
        assertThat(collector.getEnv()).anySatisfy(e -> assertThat(e.toString()).contains("MM_UPSTREAM_URL", "http://127.0.0.1:8080"));
        // The id-signing key: made by the operator, owned by the monitor, handed over by reference only.
        assertThat(collector.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MM_ID_KEY");
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("fraud-mm-id-key");
        });
        var idKey = client.secrets().inNamespace(ns).withName("fraud-mm-id-key").get();
        assertThat(idKey.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("ModelMonitor"));
        assertThat(Base64.getDecoder().decode(idKey.getData().get(CollectorSidecar.ID_KEY))).hasSizeGreaterThan(32);
        assertThat(events("fraud")).extracting(Event::getReason).contains(Reason.SIDECAR_INJECTED.wire());
        ModelMonitor mm = awaitMonitor("fraud", m -> m.getStatus() != null && m.getStatus().getPhase() == Phase.Pending);
        assertThat(Monitors.condition(mm, StatusConditions.COLLECTORS_READY).getReason()).isEqualTo(Reason.ROLLOUT_IN_PROGRESS.wire());
    }

    @Test
    void reReconcilingChangesNothing() {
        client.resource(modelDeployment(ns, "churn", 1)).create();
        client.resource(monitor(ns, "churn", "churn")).create();
        Deployment injected = awaitDeployment("churn", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent());

        markRolledOut(client, injected);
        ModelMonitor ready = awaitMonitor("churn", m -> StatusConditions.isTrue(m.getStatus().getConditions(), StatusConditions.READY));
        Deployment afterRollout = client.apps().deployments().inNamespace(ns).withName("churn").get();

        // Another event for the same monitor: the Deployment's status changes again, nothing else does.
        markRolledOut(client, afterRollout);
        await().during(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> {
            Deployment now = client.apps().deployments().inNamespace(ns).withName("churn").get();
            assertThat(Serialization.asJson(now.getSpec())).isEqualTo(Serialization.asJson(afterRollout.getSpec()));
            assertThat(now.getMetadata().getAnnotations()).isEqualTo(afterRollout.getMetadata().getAnnotations());
        });
        ModelMonitor later = client.resources(ModelMonitor.class).inNamespace(ns).withName("churn").get();
        assertThat(later.getMetadata().getResourceVersion()).isEqualTo(ready.getMetadata().getResourceVersion());
        assertThat(events("churn")).filteredOn(e -> e.getReason().equals(Reason.SIDECAR_INJECTED.wire()))
                .singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
    }

    @Test
    void aChangeToTheCollectorSpecChangesTheHashAndNothingElseDoes() {
        client.resource(modelDeployment(ns, "ranker", 1)).create();
        client.resource(monitor(ns, "ranker", "ranker")).create();
        Deployment first = awaitDeployment("ranker", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent());
        String firstHash = CollectorSidecar.injectedHash(first.getSpec().getTemplate());

        // An objective is not collector configuration: the pods must not roll.
        await().atMost(WAIT).ignoreExceptions().until(() -> client.resources(ModelMonitor.class).inNamespace(ns)
                .withName("ranker").edit(m -> {
                    m.getSpec().setObjectives(List.of(ObjectiveSpec.min(MetricName.accuracy, 0.8)));
                    return m;
                }) != null);
        awaitMonitor("ranker", m -> m.getStatus() != null && m.getStatus().getObservedGeneration() != null
                && m.getStatus().getObservedGeneration().equals(m.getMetadata().getGeneration()));
        assertThat(CollectorSidecar.injectedHash(client.apps().deployments().inNamespace(ns).withName("ranker").get().getSpec().getTemplate()))
                .isEqualTo(firstHash);

        await().atMost(WAIT).ignoreExceptions().until(() -> client.resources(ModelMonitor.class).inNamespace(ns)
                .withName("ranker").edit(m -> {
                    m.getSpec().getCollector().setImage("registry.example/model-monitor:canary");
                    return m;
                }) != null);
        Deployment second = awaitDeployment("ranker", d -> !firstHash.equals(CollectorSidecar.injectedHash(d.getSpec().getTemplate())));
        assertThat(CollectorSidecar.injected(second.getSpec().getTemplate()).orElseThrow().getImage()).isEqualTo("registry.example/model-monitor:canary");
        assertThat(second.getSpec().getTemplate().getSpec().getContainers()).hasSize(3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("ranker")).extracting(Event::getReason)
                .contains(Reason.SIDECAR_UPDATED.wire()));
    }

    /**
     * Issue 27: whoever may create a monitor must not choose what runs in the model's pods. An image outside the
     * operator's allowed images makes the monitor Invalid, says why, and nothing is injected.
     */
    @Test
    void aCollectorImageTheOperatorDoesNotAllowIsNotRun() {
        client.resource(modelDeployment(ns, "ranker", 1)).create();
        ModelMonitor mm = monitor(ns, "ranker", "ranker");
        mm.getSpec().getCollector().setImage("evil.example/miner:1");
        client.resource(mm).create();

        ModelMonitor refused = awaitMonitor("ranker", m -> m.getStatus() != null && m.getStatus().getPhase() == Phase.Invalid);
        assertThat(StatusConditions.find(refused.getStatus().getConditions(), StatusConditions.READY).orElseThrow())
                .satisfies(c -> {
                    assertThat(c.getReason()).isEqualTo(Reason.NOT_ALLOWED.wire());
                    assertThat(c.getMessage()).startsWith("spec.collector.image 'evil.example/miner:1' is not allowed")
                            .contains("collector.allowedImages");
                });
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("ranker")).extracting(Event::getReason)
                .contains(Reason.NOT_ALLOWED.wire()));
        assertThat(CollectorSidecar.injected(client.apps().deployments().inNamespace(ns).withName("ranker").get()
                .getSpec().getTemplate())).as("nothing injected").isEmpty();
    }

    @Test
    void routesTheServiceOnceCollectorsAreReadyAndDeletionRestoresDeploymentAndService() {
        Deployment original = client.resource(modelDeployment(ns, "scorer", 2)).create();
        Service originalService = client.resource(modelService(ns, "scorer")).create();
        ModelMonitor mm = monitor(ns, "scorer", "scorer");
        mm.getSpec().getTarget().setService("scorer");
        client.resource(mm).create();

        Deployment injected = awaitDeployment("scorer", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent());
        // Not before the collectors run: the Service would send traffic to a port nobody listens on.
        assertThat(client.services().inNamespace(ns).withName("scorer").get().getSpec().getPorts().get(0).getTargetPort())
                .isEqualTo(new IntOrString("http"));

        markRolledOut(client, injected);
        await().atMost(WAIT).untilAsserted(() -> {
            Service routed = client.services().inNamespace(ns).withName("scorer").get();
            assertThat(routed.getSpec().getPorts().get(0).getTargetPort()).isEqualTo(new IntOrString(Annotations.DATA_PORT_NAME));
            assertThat(routed.getSpec().getPorts().get(1).getTargetPort()).isEqualTo(new IntOrString(5005));
        });
        ModelMonitor ready = awaitMonitor("scorer", m -> m.getStatus().getPhase() == Phase.Collecting);
        assertThat(ready.getStatus().getCollectors().getExpected()).isEqualTo(2);
        assertThat(ready.getStatus().getCollectors().getReady()).isEqualTo(2);
        assertThat(Monitors.condition(ready, StatusConditions.READY).getStatus()).isEqualTo("True");
        assertThat(Monitors.condition(ready, StatusConditions.COLLECTORS_READY).getStatus()).isEqualTo("True");
        assertThat(ready.getMetadata().getFinalizers()).isNotEmpty();

        client.resources(ModelMonitor.class).inNamespace(ns).withName("scorer").delete();

        await().atMost(WAIT).untilAsserted(() ->
                assertThat(client.resources(ModelMonitor.class).inNamespace(ns).withName("scorer").get()).isNull());
        Deployment restored = client.apps().deployments().inNamespace(ns).withName("scorer").get();
        assertThat(Serialization.asJson(restored.getSpec())).isEqualTo(Serialization.asJson(original.getSpec()));
        assertThat(restored.getMetadata().getAnnotations()).isEqualTo(original.getMetadata().getAnnotations());
        Service service = client.services().inNamespace(ns).withName("scorer").get();
        assertThat(Serialization.asJson(service.getSpec())).isEqualTo(Serialization.asJson(originalService.getSpec()));
        assertThat(service.getMetadata().getAnnotations()).isEqualTo(originalService.getMetadata().getAnnotations());
    }

    /**
     * Issue 27: a monitor's author may name any Service of the namespace; only one that selects the target's pods
     * is rerouted through the collector, or the operator would take traffic meant for another workload.
     */
    @Test
    void aServiceThatDoesNotSelectTheTargetsPodsIsLeftAlone() {
        client.resource(modelDeployment(ns, "scorer", 1)).create();
        Service other = modelService(ns, "payments");
        other.getSpec().setSelector(Map.of("app", "payments"));
        Service created = client.resource(other).create();
        ModelMonitor mm = monitor(ns, "scorer", "scorer");
        mm.getSpec().getTarget().setService("payments");
        client.resource(mm).create();
        markRolledOut(client, awaitDeployment("scorer", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));

        ModelMonitor refused = awaitMonitor("scorer", m -> m.getStatus() != null && m.getStatus().getConditions() != null
                && StatusConditions.find(m.getStatus().getConditions(), StatusConditions.TRAFFIC_ROUTED)
                        .filter(c -> Reason.NOT_ALLOWED.wire().equals(c.getReason())).isPresent());
        assertThat(Monitors.condition(refused, StatusConditions.TRAFFIC_ROUTED).getMessage())
                .contains("spec.target.service payments does not select the pods of Deployment scorer");
        Service after = client.services().inNamespace(ns).withName("payments").get();
        assertThat(Serialization.asJson(after.getSpec())).as("untouched").isEqualTo(Serialization.asJson(created.getSpec()));
        assertThat(after.getMetadata().getAnnotations() == null ? Map.of() : after.getMetadata().getAnnotations())
                .doesNotContainKey(Annotations.ROUTED_BY);
    }

    @Test
    void aServiceResetBySomeoneElseIsNoticedOnTheLiveServiceAndRoutedAgain() {
        client.resource(modelDeployment(ns, "gitops", 1)).create();
        client.resource(modelService(ns, "gitops")).create();
        ModelMonitor mm = monitor(ns, "gitops", "gitops");
        mm.getSpec().getTarget().setService("gitops");
        mm.getSpec().getEvaluation().setInterval("1s");
        client.resource(mm).create();
        markRolledOut(client, awaitDeployment("gitops", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));
        awaitMonitor("gitops", m -> StatusConditions.isTrue(m.getStatus().getConditions(), StatusConditions.TRAFFIC_ROUTED));

        // A GitOps sync puts the port back as Git has it; our annotations, which Git does not manage, stay.
        client.services().inNamespace(ns).withName("gitops").edit(s -> {
            s.getSpec().getPorts().get(0).setTargetPort(new IntOrString("http"));
            return s;
        });

        await().atMost(WAIT).untilAsserted(() -> assertThat(events("gitops")).extracting(Event::getReason)
                .contains(Reason.SERVICE_ROUTING_LOST.wire()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.services().inNamespace(ns).withName("gitops").get()
                .getSpec().getPorts().get(0).getTargetPort()).isEqualTo(new IntOrString(Annotations.DATA_PORT_NAME)));
    }

    @Test
    void deletingAMonitorThatLostTheClaimLeavesTheWinnersTargetAndServiceAlone() {
        client.resource(modelDeployment(ns, "shared", 1)).create();
        client.resource(modelService(ns, "shared")).create();
        ModelMonitor winner = monitor(ns, "winner", "shared");
        winner.getSpec().getTarget().setService("shared");
        client.resource(winner).create();
        markRolledOut(client, awaitDeployment("shared", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));
        awaitMonitor("winner", m -> "shared".equals(m.getStatus().getRoutedService()));
        ModelMonitor loser = monitor(ns, "loser", "shared");
        loser.getSpec().getTarget().setService("shared");
        client.resource(loser).create();
        awaitMonitor("loser", m -> Reason.TARGET_CLAIMED.wire().equals(Monitors.condition(m, StatusConditions.READY).getReason()));

        client.resources(ModelMonitor.class).inNamespace(ns).withName("loser").delete();
        await().atMost(WAIT).until(() -> client.resources(ModelMonitor.class).inNamespace(ns).withName("loser").get() == null);

        Service service = client.services().inNamespace(ns).withName("shared").get();
        assertThat(service.getSpec().getPorts().get(0).getTargetPort()).isEqualTo(new IntOrString(Annotations.DATA_PORT_NAME));
        assertThat(ServicePortRewrite.routedBy(service)).contains("winner");
        assertThat(CollectorSidecar.injected(client.apps().deployments().inNamespace(ns).withName("shared").get()
                .getSpec().getTemplate())).isPresent();
    }

    @Test
    void anAwaitHereOutlivesJosdksTimerRaceOnAReconcilerThread() {
        await().atMost(WAIT).until(JosdkTimerRaceTest.aThreadThatDiesOf(JosdkTimerRaceTest.theRace()));
    }

    @Test
    void aStoredMonitorWithAFieldThisOperatorDoesNotKnowIsReconciledAndSoAreTheOthers() {
        client.resource(modelDeployment(ns, "newer", 1)).create();
        client.resource(modelDeployment(ns, "plain", 1)).create();
        // As stored by an API server whose CRD is newer than this operator: a field the Java types do not have.
        GenericKubernetesResource newer = Serialization.unmarshal(Serialization.asJson(monitor(ns, "newer", "newer")),
                GenericKubernetesResource.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) newer.getAdditionalProperties().get("spec");
        spec.put("fromTheFuture", Map.of("enabled", true));
        client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(ModelMonitor.class)).inNamespace(ns)
                .resource(newer).create();

        awaitMonitor("newer", m -> m.getStatus().getCollectors() != null);
        client.resource(monitor(ns, "plain", "plain")).create();
        awaitMonitor("plain", m -> m.getStatus().getCollectors() != null);
        assertThat(events("plain")).extracting(Event::getReason).contains(Reason.SIDECAR_INJECTED.wire());
    }

    @Test
    void deletingAMonitorInTheMiddleOfARollbackRemovesEveryAnnotationItWrote() {
        Deployment original = client.resource(modelDeployment(ns, "midway", 1)).create();
        client.resource(monitor(ns, "midway", "midway")).create();
        markRolledOut(client, awaitDeployment("midway", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));
        // A rollback this monitor decided and recorded, which the Deployment has not finished.
        client.apps().deployments().inNamespace(ns).withName("midway").edit(d -> {
            d.getMetadata().getAnnotations().put(Annotations.ROLLBACK_INTENT, "{\"time\":\"2026-11-30T00:00:00Z\","
                    + "\"fromRevision\":2,\"toRevision\":1,\"fromTemplateHash\":\"b\",\"toTemplateHash\":\"a\"}");
            return d;
        });

        client.resources(ModelMonitor.class).inNamespace(ns).withName("midway").delete();
        await().atMost(WAIT).until(() -> client.resources(ModelMonitor.class).inNamespace(ns).withName("midway").get() == null);

        Deployment released = client.apps().deployments().inNamespace(ns).withName("midway").get();
        assertThat(released.getMetadata().getAnnotations()).isEqualTo(original.getMetadata().getAnnotations());
        assertThat(Serialization.asJson(released.getSpec())).isEqualTo(Serialization.asJson(original.getSpec()));
    }

    @Test
    void afterAScaleDownNoMoreCollectorsAreShownReportingThanAreReady() {
        client.resource(modelDeployment(ns, "shrink", 3)).create();
        ModelMonitor mm = monitor(ns, "shrink", "shrink");
        mm.getSpec().getEvaluation().setInterval("1h");
        mm.getSpec().getEvaluation().setWindow("1h");
        client.resource(mm).create();
        markRolledOut(client, awaitDeployment("shrink", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));
        awaitMonitor("shrink", m -> m.getStatus().getCollectors() != null && m.getStatus().getCollectors().getReady() == 3);
        // As a previous evaluation left it: three collectors read.
        client.resources(ModelMonitor.class).inNamespace(ns).withName("shrink").editStatus(m -> {
            m.getStatus().getCollectors().setReporting(3);
            return m;
        });

        client.apps().deployments().inNamespace(ns).withName("shrink").edit(d -> {
            d.getSpec().setReplicas(1);
            return d;
        });
        markRolledOut(client, client.apps().deployments().inNamespace(ns).withName("shrink").get());

        ModelMonitor shrunk = awaitMonitor("shrink", m -> m.getStatus().getCollectors().getExpected() == 1);
        assertThat(shrunk.getStatus().getCollectors().getReporting()).isLessThanOrEqualTo(1);
    }

    @Test
    void aRollbackThatDoesNotRollOutWithinItsTimeoutIsReportedFailedAndGivenUp() {
        Deployment original = client.resource(modelDeployment(ns, "stuck", 1)).create();
        ModelMonitor mm = monitor(ns, "stuck", "stuck");
        mm.getSpec().getRollback().setTimeout("1m");
        client.resource(mm).create();
        Deployment injected = awaitDeployment("stuck", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent());
        markRolledOut(client, injected);
        // Revision 1's ReplicaSet, as the Deployment controller keeps it.
        client.resource(new ReplicaSetBuilder()
                .withNewMetadata().withName("stuck-a").withNamespace(ns)
                    .addToLabels("app", "stuck").addToLabels("pod-template-hash", "a")
                    .addToAnnotations("deployment.kubernetes.io/revision", "1")
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("stuck")
                        .withUid(injected.getMetadata().getUid()).endOwnerReference()
                .endMetadata()
                .withNewSpec().withTemplate(original.getSpec().getTemplate()).endSpec().build()).create();
        // A rollback to it, decided eleven minutes ago, that never finished rolling out (its pods never became ready).
        String decided = Instant.now().minus(Duration.ofMinutes(11)).truncatedTo(ChronoUnit.SECONDS)
                .toString();
        client.apps().deployments().inNamespace(ns).withName("stuck").edit(d -> {
            d.getMetadata().getAnnotations().put(Annotations.ROLLBACK_INTENT, "{\"time\":\"" + decided + "\",\"fromRevision\":2,"
                    + "\"toRevision\":1,\"fromTemplateHash\":\"b\",\"toTemplateHash\":\"a\",\"reason\":\"accuracy too low\"}");
            return d;
        });

        ModelMonitor failed = awaitMonitor("stuck", m -> StatusConditions.find(m.getStatus().getConditions(),
                StatusConditions.ROLLED_BACK).map(c -> Reason.ROLLBACK_FAILED.wire().equals(c.getReason())).orElse(false));
        assertThat(Monitors.condition(failed, StatusConditions.ROLLED_BACK).getMessage())
                .contains("did not roll out within rollback.timeout 1m");
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.apps().deployments().inNamespace(ns).withName("stuck").get()
                .getMetadata().getAnnotations()).doesNotContainKey(Annotations.ROLLBACK_INTENT));
        assertThat(events("stuck")).extracting(Event::getReason).contains(Reason.ROLLBACK_FAILED.wire());
    }

    /** A new revision of the target as the Deployment controller would leave it: its ReplicaSet, its pods not ready. */
    private Deployment newRevisionNotReady(String name, Consumer<Deployment> status) {
        Deployment d = client.apps().deployments().inNamespace(ns).withName(name).edit(x -> {
            x.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "2");
            return x;
        });
        client.resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(name + "-bad").withNamespace(ns)
                    .addToLabels("app", name).addToLabels("pod-template-hash", "bad")
                    .addToAnnotations("deployment.kubernetes.io/revision", "2")
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName(name)
                        .withUid(d.getMetadata().getUid()).endOwnerReference()
                .endMetadata()
                .withNewSpec().withTemplate(d.getSpec().getTemplate()).endSpec().build()).create();
        d.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(1).withUpdatedReplicas(1).withReadyReplicas(0).build());
        status.accept(d);
        return client.apps().deployments().resource(d).updateStatus();
    }

    @Test
    void aRevisionWhosePodsCrashLoopBreachesAvailabilityAtOnce() {
        client.resource(modelDeployment(ns, "crashy", 1)).create();
        ModelMonitor mm = monitor(ns, "crashy", "crashy");
        mm.getSpec().getEvaluation().setInterval("1s");
        client.resource(mm).create();
        awaitDeployment("crashy", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent());
        newRevisionNotReady("crashy", d -> { });
        // The pod starts crash-looping afterwards: nothing about the Deployment changes, the monitor must look anyway.
        client.resource(new PodBuilder()
                .withNewMetadata().withName("crashy-bad-x1").withNamespace(ns)
                    .addToLabels("app", "crashy").addToLabels("pod-template-hash", "bad").endMetadata()
                .withNewSpec().addNewContainer().withName("model").withImage("registry.example/fraud:bad").endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewContainerStatus().withName("model").withRestartCount(5)
                    .withReady(false).withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                .endContainerStatus().endStatus().build()).create();

        ModelMonitor breached = awaitMonitor("crashy", m -> m.getStatus().getPhase() == Phase.Breached);

        Condition degraded = Monitors.condition(breached, StatusConditions.DEGRADED);
        assertThat(degraded.getReason()).isEqualTo(Reason.REVISION_NOT_READY.wire());
        assertThat(degraded.getMessage()).contains("revision 2 is not available", "crash-loop",
                "crashy-bad-x1: container model CrashLoopBackOff (5 restarts)");
        assertThat(events("crashy")).extracting(Event::getReason).contains(Reason.REVISION_NOT_READY.wire());
        // No revision was ever seen Healthy: nothing to roll back to, which is said too.
        assertThat(Monitors.condition(breached, StatusConditions.ROLLBACK_EXHAUSTED).getMessage())
                .contains("no revision has been seen Healthy yet");
    }

    @Test
    void aRolloutPastItsProgressDeadlineBreachesAvailability() {
        client.resource(modelDeployment(ns, "stalled", 1)).create();
        client.resource(monitor(ns, "stalled", "stalled")).create();
        awaitDeployment("stalled", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent());
        newRevisionNotReady("stalled", d -> d.getStatus().setConditions(List.of(
                new DeploymentConditionBuilder().withType("Progressing")
                        .withStatus("False").withReason("ProgressDeadlineExceeded")
                        .withMessage("ReplicaSet \"stalled-bad\" has timed out progressing.").build())));

        ModelMonitor breached = awaitMonitor("stalled", m -> m.getStatus().getPhase() == Phase.Breached);

        assertThat(Monitors.condition(breached, StatusConditions.DEGRADED).getMessage())
                .contains("exceeded its progress deadline", "has timed out progressing");
    }

    @Test
    void aRolloutStillWithinItsReadinessTimeoutIsPendingNotBreached() {
        client.resource(modelDeployment(ns, "slow", 1)).create();
        client.resource(monitor(ns, "slow", "slow")).create();
        awaitDeployment("slow", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent());
        newRevisionNotReady("slow", d -> { });

        ModelMonitor pending = awaitMonitor("slow", m -> Long.valueOf(2).equals(m.getStatus().getUnreadyRevision()));
        assertThat(pending.getStatus().getPhase()).isEqualTo(Phase.Pending);
        assertThat(pending.getStatus().getUnreadySince()).isNotNull();
        assertThat(events("slow")).extracting(Event::getReason).doesNotContain(Reason.REVISION_NOT_READY.wire());
    }

    @Test
    void aScaleUpDoesNotPauseJudging() {
        client.resource(modelDeployment(ns, "grows", 1)).create();
        client.resource(monitor(ns, "grows", "grows")).create();
        markRolledOut(client, awaitDeployment("grows", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));
        awaitMonitor("grows", m -> m.getStatus().getPhase() == Phase.Collecting);

        // An HPA adds two pods; they are still starting.
        Deployment grown = client.apps().deployments().inNamespace(ns).withName("grows").edit(d -> {
            d.getSpec().setReplicas(3);
            return d;
        });
        grown.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(grown.getMetadata().getGeneration())
                .withReplicas(3).withUpdatedReplicas(3).withReadyReplicas(1).build());
        client.apps().deployments().resource(grown).updateStatus();

        ModelMonitor judging = awaitMonitor("grows", m -> m.getStatus().getCollectors().getExpected() == 3
                && m.getStatus().getCollectors().getReady() == 1);
        assertThat(judging.getStatus().getPhase()).isEqualTo(Phase.Collecting);
        assertThat(Monitors.condition(judging, StatusConditions.READY).getStatus()).isEqualTo("True");
        assertThat(Monitors.condition(judging, StatusConditions.READY).getMessage()).contains("judging the 1 of 3 pods");
        assertThat(Monitors.condition(judging, StatusConditions.COLLECTORS_READY).getStatus()).isEqualTo("False");
    }

    @Test
    void podsOfAnEstablishedRevisionThatStayUnreadyNeverBreachAvailability() {
        Deployment d = modelDeployment(ns, "busy", 1);
        d.getMetadata().setAnnotations(Map.of("deployment.kubernetes.io/revision", "1"));
        client.resource(d).create();
        client.resource(monitor(ns, "busy", "busy")).create();
        markRolledOut(client, awaitDeployment("busy", x -> CollectorSidecar.injected(x.getSpec().getTemplate()).isPresent()));
        awaitMonitor("busy", m -> Long.valueOf(1).equals(m.getStatus().getReadyRevision()));
        // A short timeout only now that the revision is established: set from the start, a slow machine could let it
        // pass while the injection itself rolls out, which is not what this test is about.
        await().atMost(WAIT).ignoreExceptions().until(() -> client.resources(ModelMonitor.class).inNamespace(ns)
                .withName("busy").edit(m -> {
                    m.getSpec().getEvaluation().setReadinessTimeout("1s");
                    return m;
                }) != null);

        // Scaled up, and the cluster has no room for the new pods: they stay unready far beyond readinessTimeout.
        Deployment grown = client.apps().deployments().inNamespace(ns).withName("busy").edit(x -> {
            x.getSpec().setReplicas(3);
            return x;
        });
        grown.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(grown.getMetadata().getGeneration())
                .withReplicas(3).withUpdatedReplicas(3).withReadyReplicas(1).build());
        client.apps().deployments().resource(grown).updateStatus();

        await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> client.resources(ModelMonitor.class).inNamespace(ns)
                .withName("busy").get().getStatus().getPhase() != Phase.Breached);
        assertThat(events("busy")).extracting(Event::getReason).doesNotContain(Reason.REVISION_NOT_READY.wire());
    }

    @Test
    void retargetingGivesTheOldServiceAndDeploymentBackExactly() {
        Deployment oldModel = client.resource(modelDeployment(ns, "v1", 1)).create();
        Service oldService = client.resource(modelService(ns, "v1")).create();
        client.resource(modelDeployment(ns, "v2", 1)).create();
        Service newService = client.resource(modelService(ns, "v2")).create();
        ModelMonitor mm = monitor(ns, "retarget", "v1");
        mm.getSpec().getTarget().setService("v1");
        client.resource(mm).create();
        markRolledOut(client, awaitDeployment("v1", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));
        awaitMonitor("retarget", m -> "v1".equals(m.getStatus().getRoutedService())
                && "v1".equals(m.getStatus().getInjectedDeployment()));

        await().atMost(WAIT).ignoreExceptions().until(() -> client.resources(ModelMonitor.class).inNamespace(ns)
                .withName("retarget").edit(m -> {
                    m.getSpec().getTarget().setName("v2");
                    m.getSpec().getTarget().setService("v2");
                    return m;
                }) != null);

        // The old pair is given back as it was: no Service left pointing at a collector port about to vanish.
        await().atMost(WAIT).untilAsserted(() -> {
            Service service = client.services().inNamespace(ns).withName("v1").get();
            assertThat(Serialization.asJson(service.getSpec())).isEqualTo(Serialization.asJson(oldService.getSpec()));
            assertThat(service.getMetadata().getAnnotations()).isEqualTo(oldService.getMetadata().getAnnotations());
            Deployment model = client.apps().deployments().inNamespace(ns).withName("v1").get();
            assertThat(Serialization.asJson(model.getSpec())).isEqualTo(Serialization.asJson(oldModel.getSpec()));
        });
        markRolledOut(client, awaitDeployment("v2", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent()));
        awaitMonitor("retarget", m -> "v2".equals(m.getStatus().getRoutedService())
                && "v2".equals(m.getStatus().getInjectedDeployment()));
        assertThat(client.services().inNamespace(ns).withName("v2").get().getSpec().getPorts().get(0).getTargetPort())
                .isEqualTo(new IntOrString(Annotations.DATA_PORT_NAME));
        assertThat(events("retarget")).extracting(Event::getReason).contains(Reason.SERVICE_RESTORED.wire(), Reason.SIDECAR_REMOVED.wire());

        // A Service dropped from the spec is restored as well.
        await().atMost(WAIT).ignoreExceptions().until(() -> client.resources(ModelMonitor.class).inNamespace(ns)
                .withName("retarget").edit(m -> {
                    m.getSpec().getTarget().setService(null);
                    return m;
                }) != null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(Serialization.asJson(
                client.services().inNamespace(ns).withName("v2").get().getSpec()))
                .isEqualTo(Serialization.asJson(newService.getSpec())));
        awaitMonitor("retarget", m -> m.getStatus().getRoutedService() == null);
    }

    @Test
    void anInvalidSpecIsReportedAndTheDeploymentIsNotTouched() {
        Deployment original = client.resource(modelDeployment(ns, "bad", 1)).create();
        ModelMonitor mm = monitor(ns, "bad", "bad");
        ObjectiveSpec both = ObjectiveSpec.min(MetricName.accuracy, 0.9);
        both.setMax(0.99);
        mm.getSpec().setObjectives(List.of(both));
        mm.getSpec().getEvaluation().setWindow("10s");
        client.resource(mm).create();

        ModelMonitor invalid = awaitMonitor("bad", m -> m.getStatus() != null && m.getStatus().getPhase() == Phase.Invalid);
        Condition ready = Monitors.condition(invalid, StatusConditions.READY);
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo(Reason.INVALID_SPEC.wire());
        assertThat(ready.getMessage())
                .contains("spec.objectives[0] (accuracy) must set exactly one of min or max")
                .contains("spec.evaluation.window 10s is shorter than spec.evaluation.interval 30s");
        assertThat(ready.getObservedGeneration()).isEqualTo(invalid.getMetadata().getGeneration());
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("bad"))
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo(Reason.INVALID_SPEC.wire());
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("must set exactly one of min or max");
                }));
        Deployment after = client.apps().deployments().inNamespace(ns).withName("bad").get();
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(original.getMetadata().getResourceVersion());
    }

    @Test
    void aMissingTargetIsReportedAndRecoversWhenTheDeploymentAppears() {
        client.resource(monitor(ns, "late", "late-model")).create();

        ModelMonitor pending = awaitMonitor("late", m -> m.getStatus() != null && m.getStatus().getPhase() == Phase.Pending);
        Condition ready = Monitors.condition(pending, StatusConditions.READY);
        assertThat(ready.getReason()).isEqualTo(Reason.TARGET_NOT_FOUND.wire());
        assertThat(ready.getMessage()).contains("Deployment late-model not found");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("late")).extracting(Event::getReason)
                .contains(Reason.TARGET_NOT_FOUND.wire()));

        client.resource(modelDeployment(ns, "late-model", 1)).create();

        Deployment injected = awaitDeployment("late-model", d -> CollectorSidecar.injected(d.getSpec().getTemplate()).isPresent());
        markRolledOut(client, injected);
        ModelMonitor recovered = awaitMonitor("late", m -> m.getStatus().getPhase() == Phase.Collecting);
        assertThat(Monitors.condition(recovered, StatusConditions.READY).getReason()).isEqualTo(Reason.MONITORING.wire());
    }

    private Deployment awaitDeployment(String name, Predicate<Deployment> until) {
        return await().atMost(WAIT).until(() -> client.apps().deployments().inNamespace(ns).withName(name).get(),
                d -> d != null && until.test(d));
    }

    private ModelMonitor awaitMonitor(String name, Predicate<ModelMonitor> until) {
        return await().atMost(WAIT).until(() -> client.resources(ModelMonitor.class).inNamespace(ns).withName(name).get(),
                m -> m != null && m.getStatus() != null && until.test(m));
    }

    private List<Event> events(String monitorName) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> monitorName.equals(e.getInvolvedObject().getName())
                        && "ModelMonitor".equals(e.getInvolvedObject().getKind()))
                .toList();
    }

}

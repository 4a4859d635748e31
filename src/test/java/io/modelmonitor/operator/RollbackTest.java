package io.modelmonitor.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.api.v1alpha1.AlertSpec;
import io.modelmonitor.api.v1alpha1.AlertType;
import io.modelmonitor.api.v1alpha1.MetricName;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ObjectiveSpec;
import io.modelmonitor.api.v1alpha1.Phase;
import io.modelmonitor.api.v1alpha1.RollbackRecord;
import io.modelmonitor.api.v1alpha1.RollbackTarget;
import io.modelmonitor.api.v1alpha1.SecretKeyRef;
import io.modelmonitor.api.v1alpha1.Severity;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.operator.injection.CollectorSidecar;
import io.modelmonitor.operator.status.Reason;
import io.modelmonitor.operator.status.StatusConditions;
import io.modelmonitor.sandbox.SimulatedControlPlane;
import io.modelmonitor.testsupport.Fixtures;
import io.modelmonitor.testsupport.Monitors;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Rollbacks against Deployments whose ReplicaSets carry revision annotations, as the real controller writes them
 * (played by {@link SimulatedControlPlane}); each pod's collector is faked on its loopback IP and reports the
 * accuracy the test gives its image. Alerts go to a webhook receiver on loopback.
 */
@QuarkusTest
@WithKubernetesTestServer
class RollbackTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    /** The PagerDuty integration key: it goes into the events' routing_key and nowhere else. */
    private static final String ROUTING_KEY = "R0UT1NGKEY0123456789abcdefabcdef";
    private static SimulatedControlPlane controlPlane;
    private static FakeCollectors collectors;
    private static final Map<String, Double> accuracyOverride = new ConcurrentHashMap<>();
    private static int adminPort;
    private static int namespaces;

    @Inject
    KubernetesClient client;

    private WebhookReceiver receiver;
    private String ns;

    @BeforeEach
    void setUp() throws Exception {
        if (controlPlane == null) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                adminPort = s.getLocalPort();
            }
            collectors = new FakeCollectors(adminPort, image -> accuracyOverride.getOrDefault(image,
                    image.contains("good") ? 0.97 : 0.80));
            controlPlane = new SimulatedControlPlane(client, collectors).start();
        }
        ns = "rollback-" + (++namespaces);
        receiver = new WebhookReceiver();
        client.resource(new SecretBuilder().withNewMetadata().withName("hooks").withNamespace(ns).endMetadata()
                .addToStringData("webhook", receiver.url()).addToStringData("slack", receiver.url() + "/slack")
                .addToStringData("pagerduty", receiver.url() + "/v2/enqueue").addToStringData("routing-key", ROUTING_KEY)
                .build()).create();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    @AfterAll
    static void stopControlPlane() {
        if (controlPlane != null) {
            controlPlane.close();
            collectors.stopAll();
            controlPlane = null;
        }
    }

    @Test
    void rollsBackToTheLastKnownGoodRevisionAlertsAndRespectsTheCooldownAfterAUserRedeploy() {
        // Everything the operator logs while it alerts, to show that no URL or key is in it.
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            private final java.util.logging.Formatter format = new java.util.logging.SimpleFormatter();

            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(format.formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger operatorLogs = java.util.logging.Logger.getLogger("io.modelmonitor");
        operatorLogs.addHandler(capture);
        try {
            rollsBackAlertsAndRespectsTheCooldown();
        } finally {
            operatorLogs.removeHandler(capture);
        }
        assertThat(logged).as("the decisions and the alerts' outcomes were logged").anyMatch(l -> l.contains("RollbackTriggered"))
                .anyMatch(l -> l.contains("alert pager of " + ns + "/fraud: delivered"));
        assertThat(logged).noneMatch(l -> l.contains(receiver.url()) || l.contains("127.0.0.1:" + receiver.url().split(":")[2])
                || l.contains(ROUTING_KEY));
    }

    private void rollsBackAlertsAndRespectsTheCooldown() {
        receiver.failFirst = 1; // the first delivery gets a 500 and must be retried
        deploy("registry.example/fraud:good-v1");
        client.resource(monitor(true, RollbackTarget.lastKnownGood)).create();
        ModelMonitor healthy = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        // Revision 1 is the user's template; injecting the collector made revision 2, the first one judged.
        long good = healthy.getStatus().getLastKnownGoodRevision();
        assertThat(good).isEqualTo(2L);
        String goodHash = healthy.getStatus().getLastKnownGoodTemplateHash();
        assertThat(goodHash).isNotNull();

        setImage("registry.example/fraud:bad-v2");

        ModelMonitor rolledBack = awaitMonitor(m -> m.getStatus().getPhase() == Phase.RolledBack);
        RollbackRecord last = rolledBack.getStatus().getLastRollback();
        assertThat(last.getFromRevision()).isEqualTo(good + 1);
        assertThat(last.getToRevision()).isEqualTo(good);
        assertThat(last.getToTemplateHash()).isEqualTo(goodHash);
        assertThat(last.getObjective()).isEqualTo(MetricName.accuracy);
        assertThat(last.getValue()).isEqualTo(0.8);
        assertThat(last.getBound()).isEqualTo(0.9);
        assertThat(Monitors.conditionOrUnknown(rolledBack, StatusConditions.ROLLED_BACK).getStatus()).isEqualTo("True");
        assertThat(image()).isEqualTo("registry.example/fraud:good-v1");
        assertThat(CollectorSidecar.injected(deployment().getSpec().getTemplate())).as("the collector stays").isPresent();
        assertThat(revisionOfTemplate(goodHash)).as("kubectl rollout undo renumbers the restored revision").isEqualTo(good + 2);
        assertThat(deployment().getMetadata().getAnnotations()).doesNotContainKey(Annotations.ROLLBACK_INTENT);
        assertThat(reasons()).contains(Reason.OBJECTIVE_BREACHED.wire(), Reason.ROLLBACK_TRIGGERED.wire(), Reason.ROLLBACK_SUCCEEDED.wire());

        ModelMonitor recovered = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        assertThat(recovered.getStatus().getTargetRevision()).isEqualTo(good + 2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(reasons()).contains(Reason.RECOVERED.wire()));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(receiver.events("rollback")).isNotEmpty();
            JsonNode rollback = receiver.events("rollback").get(0);
            assertThat(rollback.get("apiVersion").asText()).isEqualTo("modelmonitor.io/v1alpha1");
            assertThat(rollback.get("monitor").asText()).isEqualTo("fraud");
            assertThat(rollback.get("namespace").asText()).isEqualTo(ns);
            assertThat(rollback.get("phase").asText()).isEqualTo("RollingBack");
            assertThat(rollback.get("objective").asText()).isEqualTo("accuracy");
            assertThat(rollback.get("value").asDouble()).isEqualTo(0.8);
            assertThat(rollback.get("bound").asDouble()).isEqualTo(0.9);
            assertThat(rollback.get("fromRevision").asLong()).isEqualTo(good + 1);
            assertThat(rollback.get("toRevision").asLong()).isEqualTo(good);
            assertThat(rollback.get("time").asText()).isNotBlank();
            assertThat(receiver.events("breach")).isNotEmpty();
            assertThat(receiver.events("recovery")).isNotEmpty();
            assertThat(receiver.slackMessages("rolling back from revision " + (good + 1) + " to " + good)).as("the Slack message")
                    .isNotEmpty();
            List<JsonNode> pagerDuty = receiver.received.stream().filter(j -> j.has("event_action")).toList();
            assertThat(pagerDuty).as("PagerDuty: one incident, triggered by the breach, resolved by the recovery")
                    .allSatisfy(e -> {
                        assertThat(e.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
                        assertThat(e.get("dedup_key").asText()).isEqualTo("model-monitor/" + ns + "/fraud");
                    })
                    .anySatisfy(e -> {
                        assertThat(e.get("event_action").asText()).isEqualTo("trigger");
                        assertThat(e.at("/payload/severity").asText()).isEqualTo("critical");
                        assertThat(e.at("/payload/summary").asText()).startsWith("fraud in " + ns + ": objective breached: accuracy");
                    })
                    .anySatisfy(e -> assertThat(e.get("event_action").asText()).isEqualTo("resolve"));
        });
        assertThat(receiver.attempts.get()).as("the failed first delivery was retried").isGreaterThan(receiver.received.size());
        String statusJson = Serialization.asJson(client.resources(ModelMonitor.class).inNamespace(ns).withName("fraud").get());
        assertThat(statusJson).doesNotContain(receiver.url()).doesNotContain("127.0.0.1:" + receiver.url().split(":")[2])
                .doesNotContain(ROUTING_KEY);
        assertThat(events()).extracting(Event::getMessage).noneMatch(m -> m.contains(receiver.url()) || m.contains(ROUTING_KEY));

        // The user deploys a new (bad) revision soon after: evaluated afresh, but no second rollback in the cooldown.
        setImage("registry.example/fraud:bad-v4");
        ModelMonitor fresh = awaitMonitor(m -> "NewRevision".equals(Monitors.conditionOrUnknown(m, StatusConditions.ROLLED_BACK).getReason()));
        assertThat(Monitors.conditionOrUnknown(fresh, StatusConditions.ROLLED_BACK).getStatus()).isEqualTo("False");
        ModelMonitor cooling = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Breached
                && Monitors.conditionOrUnknown(m, StatusConditions.DEGRADED).getMessage().contains("rollback.cooldown"));
        assertThat(cooling.getStatus().getLastRollback().getTime()).isEqualTo(last.getTime());
        assertThat(image()).isEqualTo("registry.example/fraud:bad-v4");
        assertThat(reasons().stream().filter(Reason.ROLLBACK_TRIGGERED.wire()::equals)).hasSize(1);
    }

    @Test
    void previousRevisionRestoresTheRevisionBeforeTheBreachingOne() {
        deploy("registry.example/fraud:good-v1");
        client.resource(monitor(true, RollbackTarget.previousRevision)).create();
        long v1 = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy).getStatus().getTargetRevision();
        setImage("registry.example/fraud:good-v2");
        awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy && Long.valueOf(v1 + 1).equals(m.getStatus().getTargetRevision()));
        setImage("registry.example/fraud:bad-v3");

        ModelMonitor rolledBack = awaitMonitor(m -> m.getStatus().getPhase() == Phase.RolledBack);
        assertThat(rolledBack.getStatus().getLastRollback().getFromRevision()).isEqualTo(v1 + 2);
        assertThat(rolledBack.getStatus().getLastRollback().getToRevision()).isEqualTo(v1 + 1);
        assertThat(image()).isEqualTo("registry.example/fraud:good-v2");
    }

    @Test
    void whenTheRestoredRevisionBreachesTooThereIsNoSecondRollback() {
        deploy("registry.example/fraud:good-v1");
        client.resource(monitor(true, RollbackTarget.lastKnownGood)).create();
        awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        setImage("registry.example/fraud:bad-v2");
        awaitMonitor(m -> m.getStatus().getPhase() == Phase.RolledBack);

        accuracyOverride.put("registry.example/fraud:good-v1", 0.80); // the world changed: v1 is no longer good
        try {
            ModelMonitor exhausted = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Breached
                    && "True".equals(Monitors.conditionOrUnknown(m, StatusConditions.ROLLBACK_EXHAUSTED).getStatus()));
            assertThat(Monitors.conditionOrUnknown(exhausted, StatusConditions.ROLLBACK_EXHAUSTED).getMessage())
                    .contains("was restored by the last rollback and breaches too");
            assertThat(image()).isEqualTo("registry.example/fraud:good-v1");
            await().atMost(WAIT).untilAsserted(() -> assertThat(reasons()).contains(Reason.ROLLBACK_EXHAUSTED.wire()));
            assertThat(reasons().stream().filter(Reason.ROLLBACK_TRIGGERED.wire()::equals)).hasSize(1);
            await().atMost(WAIT).untilAsserted(() -> assertThat(receiver.events("rollbackExhausted")).isNotEmpty());
        } finally {
            accuracyOverride.clear();
        }
    }

    @Test
    void withoutAKnownGoodRevisionNothingIsRolledBack() {
        deploy("registry.example/fraud:bad-v1");
        client.resource(monitor(true, RollbackTarget.lastKnownGood)).create();
        ModelMonitor exhausted = awaitMonitor(m -> "True".equals(Monitors.conditionOrUnknown(m, StatusConditions.ROLLBACK_EXHAUSTED).getStatus()));
        assertThat(exhausted.getStatus().getPhase()).isEqualTo(Phase.Breached);
        assertThat(Monitors.conditionOrUnknown(exhausted, StatusConditions.ROLLBACK_EXHAUSTED).getMessage()).contains("no revision has been seen Healthy");
        assertThat(image()).isEqualTo("registry.example/fraud:bad-v1");
    }

    @Test
    void alertOnlyModeMakesTheSameDecisionsButNeverPatches() {
        deploy("registry.example/fraud:good-v1");
        client.resource(monitor(false, RollbackTarget.lastKnownGood)).create();
        awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        setImage("registry.example/fraud:bad-v2");

        ModelMonitor breached = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Breached);
        assertThat(Monitors.conditionOrUnknown(breached, StatusConditions.DEGRADED).getStatus()).isEqualTo("True");
        assertThat(Monitors.conditionOrUnknown(breached, StatusConditions.ROLLED_BACK).getReason()).isIn(Reason.ALERT_ONLY.wire(), Reason.NO_ROLLBACK.wire());
        await().atMost(WAIT).untilAsserted(() -> assertThat(receiver.events("breach")).isNotEmpty());
        await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> image().equals("registry.example/fraud:bad-v2"));
        assertThat(breached.getStatus().getLastRollback()).isNull();
        assertThat(reasons()).contains(Reason.OBJECTIVE_BREACHED.wire()).doesNotContain(Reason.ROLLBACK_TRIGGERED.wire());
    }

    @Test
    void anOperatorRestartBetweenIntentAndPatchRollsBackExactlyOnce() {
        deploy("registry.example/fraud:good-v1");
        client.resource(monitor(true, RollbackTarget.lastKnownGood)).create();
        ModelMonitor onV1 = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        String v1 = onV1.getStatus().getLastKnownGoodTemplateHash();
        long r1 = onV1.getStatus().getTargetRevision();
        setImage("registry.example/fraud:good-v2");
        ModelMonitor onV2 = awaitMonitor(m -> Long.valueOf(r1 + 1).equals(m.getStatus().getTargetRevision())
                && m.getStatus().getPhase() == Phase.Healthy);
        assertThat(onV2.getStatus().getLastRollback()).isNull();

        // What an operator leaves behind when it dies right after recording its decision, before the patch.
        RollbackRecord intent = new RollbackRecord();
        // A minute ago: well within rollback.timeout, as a restart would be.
        String decided = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString();
        intent.setTime(decided);
        intent.setFromRevision(r1 + 1);
        intent.setToRevision(r1);
        intent.setFromTemplateHash(onV2.getStatus().getLastKnownGoodTemplateHash());
        intent.setToTemplateHash(v1);
        intent.setObjective(MetricName.accuracy);
        intent.setValue(0.8);
        intent.setBound(0.9);
        intent.setReason("accuracy 0.8 lies below 0.9");
        client.apps().deployments().inNamespace(ns).withName("fraud").edit(d -> {
            d.getMetadata().getAnnotations().put(Annotations.ROLLBACK_INTENT, Serialization.asJson(intent));
            return d;
        });

        ModelMonitor rolledBack = awaitMonitor(m -> m.getStatus().getPhase() == Phase.RolledBack);
        assertThat(rolledBack.getStatus().getLastRollback().getTime()).isEqualTo(decided);
        assertThat(image()).isEqualTo("registry.example/fraud:good-v1");
        await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> revisionOfTemplate(v1) == r1 + 2);
        assertThat(reasons().stream().filter(Reason.ROLLBACK_TRIGGERED.wire()::equals)).hasSize(1);
        assertThat(reasons().stream().filter(Reason.ROLLBACK_SUCCEEDED.wire()::equals)).hasSize(1);
    }

    @Test
    void aRollbackCompletesAlthoughTheCollectorChangedSinceTheRestoredRevisionRan() {
        deploy("registry.example/fraud:good-v1");
        client.resource(monitor(true, RollbackTarget.lastKnownGood)).create();
        ModelMonitor healthy = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        long good = healthy.getStatus().getLastKnownGoodRevision();
        String goodHash = healthy.getStatus().getLastKnownGoodTemplateHash();

        // The platform team moves to another collector (image, positive label) and a bad model ships right after.
        client.resources(ModelMonitor.class).inNamespace(ns).withName("fraud").edit(m -> {
            m.getSpec().getCollector().setImage("registry.example/model-monitor:0.2.0");
            m.getSpec().getModel().setPositiveLabel("fraud");
            return m;
        });
        await().atMost(WAIT).until(() -> CollectorSidecar.injected(deployment().getSpec().getTemplate())
                .map(c -> c.getImage().endsWith(":0.2.0")).orElse(false));
        setImage("registry.example/fraud:bad-v2");

        ModelMonitor rolledBack = awaitMonitor(m -> m.getStatus().getPhase() == Phase.RolledBack);
        assertThat(rolledBack.getStatus().getLastRollback().getToRevision()).as("the revision that ran the old collector")
                .isEqualTo(good);
        assertThat(image()).isEqualTo("registry.example/fraud:good-v1");
        assertThat(CollectorSidecar.injected(deployment().getSpec().getTemplate()).orElseThrow().getImage())
                .isEqualTo("registry.example/model-monitor:0.2.0");
        assertThat(rolledBack.getStatus().getLastRollback().getToTemplateHash()).as("restored into a ReplicaSet of its own")
                .isNotEqualTo(goodHash);
        assertThat(deployment().getMetadata().getAnnotations()).doesNotContainKey(Annotations.ROLLBACK_INTENT);
        awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        assertThat(Monitors.conditionOrUnknown(awaitMonitor(m -> true), StatusConditions.ROLLED_BACK).getReason())
                .as("the restored revision is not mistaken for a new deploy").isNotEqualTo(Reason.NEW_REVISION.wire());
    }

    @Test
    void aRevisionThatCrashLoopsIsRolledBackWithoutWaitingForAnyLabel() {
        deploy("registry.example/fraud:good-v1");
        client.resource(monitor(true, RollbackTarget.lastKnownGood)).create();
        ModelMonitor healthy = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        long good = healthy.getStatus().getLastKnownGoodRevision();

        // The most common bad deploy: the new model exits at start-up, again and again. It never serves a request.
        setImage("registry.example/fraud:crashloop-v2");

        ModelMonitor rolledBack = awaitMonitor(m -> m.getStatus().getPhase() == Phase.RolledBack);
        assertThat(rolledBack.getStatus().getLastRollback().getObjective()).isEqualTo(MetricName.availability);
        assertThat(rolledBack.getStatus().getLastRollback().getToRevision()).isEqualTo(good);
        assertThat(rolledBack.getStatus().getLastRollback().getReason()).contains("crash-loop", "CrashLoopBackOff");
        assertThat(image()).isEqualTo("registry.example/fraud:good-v1");
        assertThat(reasons()).contains(Reason.REVISION_NOT_READY.wire(), Reason.ROLLBACK_SUCCEEDED.wire());
        await().atMost(WAIT).untilAsserted(() -> assertThat(receiver.events("breach"))
                .anySatisfy(e -> assertThat(e.get("objective").asText()).isEqualTo("availability")));
    }

    @Test
    void aWarningBreachSkipsThePagerAndItsRollbackAndRecoveryGoWhereItWent() {
        deploy("registry.example/fraud:good-v1");
        ModelMonitor mm = monitor(true, RollbackTarget.lastKnownGood);
        mm.getSpec().getObjectives().get(0).setSeverity(Severity.warning);
        mm.getSpec().getObjectives().get(0).setRunbookUrl("https://runbooks.example.com/fraud/accuracy");
        mm.getSpec().getAlerts().get(2).setMinSeverity(Severity.critical);
        client.resource(mm).create();
        awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        setImage("registry.example/fraud:bad-v2");
        awaitMonitor(m -> m.getStatus().getPhase() == Phase.RolledBack && m.getStatus().getIncidentSeverity() == Severity.warning);
        ModelMonitor recovered = awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(receiver.events("recovery")).isNotEmpty();
            assertThat(receiver.events("breach")).singleElement().satisfies(b -> {
                assertThat(b.get("severity").asText()).isEqualTo("warning");
                assertThat(b.get("runbookUrl").asText()).isEqualTo("https://runbooks.example.com/fraud/accuracy");
            });
            assertThat(receiver.events("rollback")).allSatisfy(r -> assertThat(r.get("severity").asText()).isEqualTo("warning"));
            assertThat(receiver.events("recovery")).allSatisfy(r -> assertThat(r.get("severity").asText()).isEqualTo("warning"));
        });
        assertThat(receiver.received.stream().filter(j -> j.has("event_action")))
                .as("the pager takes critical alerts only: neither the breach nor what followed it").isEmpty();
        assertThat(receiver.slackMessages("(warning): objective breached: accuracy")).isNotEmpty();
        assertThat(client.resources(ModelMonitor.class).inNamespace(ns).withName("fraud").get().getStatus()
                .getIncidentSeverity()).as("the recovery closed the incident").isNull();
        assertThat(recovered.getStatus().getPhase()).isEqualTo(Phase.Healthy);
    }

    @Test
    void aDeadAlertReceiverDoesNotDelayTheRollback() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            dead = s.getLocalPort();
        }
        client.secrets().inNamespace(ns).withName("hooks").edit(s -> {
            s.setStringData(Map.of("webhook", "http://127.0.0.1:" + dead + "/gone", "slack", "http://127.0.0.1:" + dead + "/gone",
                    "pagerduty", "http://127.0.0.1:" + dead + "/gone", "routing-key", ROUTING_KEY));
            s.setData(null);
            return s;
        });
        deploy("registry.example/fraud:good-v1");
        ModelMonitor mm = monitor(true, RollbackTarget.lastKnownGood);
        // And a receiver whose key is not in its Secret: named by its field, and no more in the way than the dead one.
        mm.getSpec().getAlerts().get(2).setKeySecretRef(new SecretKeyRef("hooks", "routing-key-gone"));
        client.resource(mm).create();
        awaitMonitor(m -> m.getStatus().getPhase() == Phase.Healthy);
        setImage("registry.example/fraud:bad-v2");
        long breachSeen = System.nanoTime();
        awaitMonitor(m -> m.getStatus().getPhase() == Phase.RolledBack);
        // Deliveries retry for 1+2+4 s with the test backoff; the rollback did not wait for them.
        assertThat(Duration.ofNanos(System.nanoTime() - breachSeen)).isLessThan(Duration.ofSeconds(20));
        ModelMonitor both = awaitMonitor(m -> StatusConditions.find(m.getStatus().getConditions(),
                StatusConditions.ALERTS_DELIVERED).map(c -> "False".equals(c.getStatus())
                        && String.valueOf(c.getMessage()).contains("not delivered after 4 attempts")).orElse(false));
        assertThat(Monitors.conditionOrUnknown(both, StatusConditions.ALERTS_DELIVERED).getMessage())
                .contains("pager: keySecretRef: Secret hooks has no key routing-key-gone")
                .doesNotContain(String.valueOf(dead));
    }

    private ModelMonitor monitor(boolean rollback, RollbackTarget to) {
        ModelMonitor mm = Fixtures.monitor(ns, "fraud", "fraud");
        mm.getSpec().getGroundTruth().setTokenSecretRef(null);
        mm.getSpec().getCollector().setAdminPort(adminPort);
        mm.getSpec().getEvaluation().setInterval("1s");
        mm.getSpec().getEvaluation().setWindow("1m");
        mm.getSpec().getEvaluation().setMinSamples(100);
        mm.getSpec().setObjectives(List.of(ObjectiveSpec.min(MetricName.accuracy, 0.9)));
        mm.getSpec().getRollback().setEnabled(rollback);
        mm.getSpec().getRollback().setTo(to);
        AlertSpec webhook = new AlertSpec();
        webhook.setName("ml-team");
        webhook.setType(AlertType.webhook);
        webhook.setUrlSecretRef(new SecretKeyRef("hooks", "webhook"));
        AlertSpec slack = new AlertSpec();
        slack.setName("oncall");
        slack.setType(AlertType.slack);
        slack.setUrlSecretRef(new SecretKeyRef("hooks", "slack"));
        AlertSpec pagerDuty = new AlertSpec();
        pagerDuty.setName("pager");
        pagerDuty.setType(AlertType.pagerduty);
        pagerDuty.setUrlSecretRef(new SecretKeyRef("hooks", "pagerduty"));
        pagerDuty.setKeySecretRef(new SecretKeyRef("hooks", "routing-key"));
        mm.getSpec().setAlerts(List.of(webhook, slack, pagerDuty));
        return mm;
    }

    private void deploy(String image) {
        Deployment d = Fixtures.modelDeployment(ns, "fraud", 2);
        d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
        client.resource(d).create();
    }

    private void setImage(String image) {
        // The simulated controller and the operator write the Deployment too: retry on a 409.
        await().atMost(WAIT).ignoreExceptions().until(() -> client.apps().deployments().inNamespace(ns).withName("fraud")
                .edit(d -> {
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
                    return d;
                }) != null);
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace(ns).withName("fraud").get();
    }

    private String image() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private long revisionOfTemplate(String hash) {
        return client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                .filter(rs -> hash.equals(rs.getMetadata().getLabels().get(SimulatedControlPlane.TEMPLATE_HASH)))
                .mapToLong(rs -> Long.parseLong(rs.getMetadata().getAnnotations().get(SimulatedControlPlane.REVISION)))
                .findFirst().orElse(-1);
    }

    private ModelMonitor awaitMonitor(Predicate<ModelMonitor> until) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(
                () -> client.resources(ModelMonitor.class).inNamespace(ns).withName("fraud").get(),
                m -> m != null && m.getStatus() != null && m.getStatus().getPhase() != null && until.test(m));
    }

    private List<Event> events() {
        return client.v1().events().inNamespace(ns).list().getItems();
    }

    private List<String> reasons() {
        return events().stream().flatMap(e -> Collections.nCopies(e.getCount() == null ? 1 : e.getCount(),
                e.getReason()).stream()).toList();
    }

}

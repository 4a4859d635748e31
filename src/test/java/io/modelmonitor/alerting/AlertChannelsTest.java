package io.modelmonitor.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modelmonitor.api.v1alpha1.AlertSpec;
import io.modelmonitor.api.v1alpha1.AlertType;
import io.modelmonitor.api.v1alpha1.Severity;

class AlertChannelsTest {

    private static final Instant NOON = Instant.parse("2026-11-29T12:00:00Z");
    private static final URI RECEIVER = URI.create("http://alerts.example:8080/hook");

    private static AlertEvent rollback() {
        return AlertEvent.of(AlertEvent.Kind.ROLLBACK, "fraud-detector", "ml", NOON).phase("RollingBack")
                .objective("accuracy", 0.8, 0.9).fromRevision(5L).toRevision(4L)
                .message("rolling back from revision 5 to 4: accuracy below 0.9").build();
    }

    @Test
    void everyAlertTypeOfTheCrdHasAChannel() {
        for (AlertType type : AlertType.values()) {
            assertThat(AlertChannels.forType(type).type()).isEqualTo(type);
        }
    }

    @Test
    void aReceiverWithoutATypeGetsTheWebhookPayload() {
        assertThat(AlertChannels.forType(null).type()).isEqualTo(AlertType.webhook);
    }

    @Test
    void theWebhookPayloadIsTheDocumentedFlatObject() throws Exception {
        Map<String, Object> json = body(AlertChannels.forType(AlertType.webhook).request(RECEIVER, rollback(), Duration.ofSeconds(5)));

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("apiVersion", "modelmonitor.io/v1alpha1");
        expected.put("kind", "ModelMonitorAlert");
        expected.put("event", "rollback");
        expected.put("monitor", "fraud-detector");
        expected.put("namespace", "ml");
        expected.put("phase", "RollingBack");
        expected.put("objective", "accuracy");
        expected.put("value", 0.8);
        expected.put("bound", 0.9);
        expected.put("fromRevision", 5);
        expected.put("toRevision", 4);
        expected.put("message", "rolling back from revision 5 to 4: accuracy below 0.9");
        expected.put("severity", "critical");
        expected.put("runbookUrl", null);
        expected.put("dashboardUrl", null);
        expected.put("time", "2026-11-29T12:00:00Z");
        assertThat(json).containsExactlyEntriesOf(expected);
    }

    @Test
    void fieldsThatDoNotApplyToAnEventAreNullNotMissing() throws Exception {
        AlertEvent recovery = AlertEvent.of(AlertEvent.Kind.RECOVERY, "m", "ns", NOON).phase("Healthy").toRevision(3L)
                .message("every objective is met again").build();

        Map<String, Object> json = body(AlertChannels.forType(AlertType.webhook).request(RECEIVER, recovery, Duration.ofSeconds(5)));

        assertThat(json).containsEntry("event", "recovery").containsEntry("objective", null).containsEntry("value", null)
                .containsEntry("fromRevision", null).containsEntry("toRevision", 3).hasSize(16);
    }

    @Test
    void theSlackMessageLeadsWithTheHeadlineAndCarriesTheMessage() throws Exception {
        Map<String, Object> json = body(AlertChannels.forType(AlertType.slack).request(RECEIVER, rollback(), Duration.ofSeconds(5)));

        assertThat(json).containsOnlyKeys("text");
        assertThat((String) json.get("text")).isEqualTo(":rewind: *fraud-detector* in `ml` (critical): rolling back from revision 5 "
                + "to 4 (accuracy = 0.8000 (bound 0.9000))\nrolling back from revision 5 to 4: accuracy below 0.9");
    }

    @Test
    void everyChannelPostsJsonToTheSecretsUrlWithTheTimeout() {
        for (AlertType type : AlertType.values()) {
            HttpRequest request = AlertChannels.forType(type).request(RECEIVER, rollback(), Duration.ofSeconds(3));

            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.uri()).isEqualTo(RECEIVER);
            assertThat(request.timeout()).contains(Duration.ofSeconds(3));
            assertThat(request.headers().firstValue("Content-Type")).contains("application/json");
        }
    }

    private static AlertEvent breach() {
        return AlertEvent.of(AlertEvent.Kind.BREACH, "fraud-detector", "ml", NOON).phase("Breached")
                .objective("accuracy", 0.8, 0.9).fromRevision(5L).message("accuracy 0.80 [0.78, 0.82] lies below 0.9").build();
    }

    private static AlertEvent recovery() {
        return AlertEvent.of(AlertEvent.Kind.RECOVERY, "fraud-detector", "ml", NOON).phase("Healthy").toRevision(6L)
                .message("every objective is met again on revision 6").build();
    }

    @Test
    void pagerDutyGetsOneIncidentPerMonitorTriggeredByTheBreachAndResolvedByTheRecovery() throws Exception {
        AlertChannel pd = AlertChannels.forType(AlertType.pagerduty);
        Map<String, Object> trigger = body(pd.request(RECEIVER, "routing-key-1", breach(), Duration.ofSeconds(5)));
        // Events API v2: routing_key, event_action, dedup_key; payload.summary, source and severity required.
        assertThat(trigger).containsEntry("routing_key", "routing-key-1").containsEntry("event_action", "trigger")
                .containsEntry("dedup_key", "model-monitor/ml/fraud-detector");
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) trigger.get("payload");
        assertThat(payload).containsEntry("summary", "fraud-detector in ml: objective breached: accuracy = 0.8000 "
                + "(bound 0.9000)").containsEntry("source", "ml/fraud-detector").containsEntry("severity", "critical")
                .containsEntry("timestamp", "2026-11-29T12:00:00Z").containsEntry("class", "accuracy");
        assertThat(List.of("critical", "error", "warning", "info")).contains((String) payload.get("severity"));
        Map<String, Object> rollback = body(pd.request(RECEIVER, "routing-key-1", rollback(), Duration.ofSeconds(5)));
        assertThat(rollback).containsEntry("dedup_key", "model-monitor/ml/fraud-detector");
        Map<String, Object> resolve = body(pd.request(RECEIVER, "routing-key-1", recovery(), Duration.ofSeconds(5)));
        assertThat(resolve).containsExactlyInAnyOrderEntriesOf(Map.of("routing_key", "routing-key-1",
                "dedup_key", "model-monitor/ml/fraud-detector", "event_action", "resolve"));
    }

    @Test
    void teamsGetsAMessageWithOneAdaptiveCard() throws Exception {
        Map<String, Object> json = body(AlertChannels.forType(AlertType.teams).request(RECEIVER, breach(), Duration.ofSeconds(5)));
        JsonNode message = new ObjectMapper().valueToTree(json);
        assertThat(message.get("type").asText()).isEqualTo("message");
        assertThat(message.get("attachments")).hasSize(1);
        JsonNode attachment = message.at("/attachments/0");
        assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.get("content");
        assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.get("version").asText()).isEqualTo("1.4");
        assertThat(card.at("/body/0/text").asText()).isEqualTo("fraud-detector: objective breached: accuracy = 0.8000 (bound 0.9000)");
        assertThat(card.at("/body/0/color").asText()).isEqualTo("Attention");
        assertThat(card.at("/body/1/text").asText()).isEqualTo("accuracy 0.80 [0.78, 0.82] lies below 0.9");
        assertThat(card.at("/body/2/type").asText()).isEqualTo("FactSet");
        assertThat(card.at("/body/2/facts")).extracting(f -> f.get("title").asText() + "=" + f.get("value").asText())
                .contains("Monitor=ml/fraud-detector", "Objective=accuracy", "Bound=0.9000");
    }

    @Test
    void opsgenieCreatesOneAlertPerMonitorWithItsKeyInTheHeaderAndClosesItOnRecovery() throws Exception {
        URI alerts = URI.create("https://api.opsgenie.example/v2/alerts");
        AlertChannel og = AlertChannels.forType(AlertType.opsgenie);
        HttpRequest create = og.request(alerts, "api-key-1", breach(), Duration.ofSeconds(5));
        assertThat(create.uri()).isEqualTo(alerts);
        assertThat(create.headers().firstValue("Authorization")).contains("GenieKey api-key-1");
        Map<String, Object> json = body(create);
        assertThat(json).containsEntry("alias", "model-monitor/ml/fraud-detector").containsEntry("priority", "P1")
                .containsEntry("source", "model-monitor").containsEntry("entity", "ml/fraud-detector");
        assertThat((String) json.get("message")).hasSizeLessThanOrEqualTo(130);
        assertThat(json.toString()).as("the key is in the header only").doesNotContain("api-key-1");
        HttpRequest close = og.request(alerts, "api-key-1", recovery(), Duration.ofSeconds(5));
        assertThat(close.uri().toString()).isEqualTo(
                "https://api.opsgenie.example/v2/alerts/model-monitor%2Fml%2Ffraud-detector/close?identifierType=alias");
        assertThat(body(close)).containsKeys("source", "note");
    }

    /** A warning-severity breach with what to do next: its runbook and the monitor's dashboard. */
    private static AlertEvent driftWarning() {
        return AlertEvent.of(AlertEvent.Kind.BREACH, "fraud-detector", "ml", NOON).phase("Breached")
                .objective("featureDrift", 0.31, 0.2).severity(Severity.warning)
                .runbook("https://runbooks.example.com/fraud/drift")
                .dashboard("https://grafana.example.com/d/mm?var-namespace=ml&var-monitor=fraud-detector").build();
    }

    @Test
    void eachChannelStatesTheSeverityInItsOwnTermsAndLinksTheRunbookAndDashboard() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> pd = body(AlertChannels.forType(AlertType.pagerduty).request(RECEIVER, "k", driftWarning(),
                Duration.ofSeconds(5)));
        assertThat((Map<String, Object>) pd.get("payload")).containsEntry("severity", "warning");
        assertThat(pd.get("links")).isEqualTo(List.of(
                Map.of("href", "https://runbooks.example.com/fraud/drift", "text", "Runbook"),
                Map.of("href", "https://grafana.example.com/d/mm?var-namespace=ml&var-monitor=fraud-detector", "text", "Dashboard")));
        assertThat(body(AlertChannels.forType(AlertType.pagerduty).request(RECEIVER, "k", breach(), Duration.ofSeconds(5))))
                .as("no links configured: none sent").doesNotContainKey("links");

        Map<String, Object> og = body(AlertChannels.forType(AlertType.opsgenie).request(RECEIVER, "k", driftWarning(),
                Duration.ofSeconds(5)));
        assertThat(og).containsEntry("priority", "P3");
        assertThat(og.get("details")).isEqualTo(Map.of("phase", "Breached", "objective", "featureDrift", "value", "0.31",
                "bound", "0.2", "severity", "warning", "runbook", "https://runbooks.example.com/fraud/drift",
                "dashboard", "https://grafana.example.com/d/mm?var-namespace=ml&var-monitor=fraud-detector"));

        JsonNode card = new ObjectMapper().valueToTree(body(AlertChannels.forType(AlertType.teams).request(RECEIVER,
                driftWarning(), Duration.ofSeconds(5)))).at("/attachments/0/content");
        assertThat(card.at("/body/1/facts")).extracting(f -> f.get("title").asText() + "=" + f.get("value").asText())
                .contains("Severity=warning");
        assertThat(card.get("actions")).extracting(a -> a.get("type").asText() + " " + a.get("title").asText())
                .containsExactly("Action.OpenUrl Runbook", "Action.OpenUrl Dashboard");

        assertThat((String) body(AlertChannels.forType(AlertType.slack).request(RECEIVER, driftWarning(),
                Duration.ofSeconds(5))).get("text")).isEqualTo(":rotating_light: *fraud-detector* in `ml` (warning): "
                + "objective breached: featureDrift = 0.3100 (bound 0.2000)\n<https://runbooks.example.com/fraud/drift|Runbook>"
                + " · <https://grafana.example.com/d/mm?var-namespace=ml&var-monitor=fraud-detector|Dashboard>");
    }

    @Test
    void aBudgetBurnIsAnIncidentOfItsOwnThatItsRecoveryResolves() throws Exception {
        AlertEvent burning = AlertEvent.of(AlertEvent.Kind.BUDGET_BURN, "fraud-detector", "ml", NOON)
                .objective("accuracy/min", -0.4, 0.99).severity(Severity.critical).build();
        AlertEvent slowed = AlertEvent.of(AlertEvent.Kind.BUDGET_RECOVERED, "fraud-detector", "ml", NOON)
                .objective("accuracy/min", -0.4, 0.99).severity(Severity.critical).build();
        AlertChannel pd = AlertChannels.forType(AlertType.pagerduty);
        Map<String, Object> trigger = body(pd.request(RECEIVER, "k", burning, Duration.ofSeconds(5)));
        assertThat(trigger).containsEntry("event_action", "trigger")
                .containsEntry("dedup_key", "model-monitor/ml/fraud-detector/budget/accuracy/min");
        assertThat(body(pd.request(RECEIVER, "k", breach(), Duration.ofSeconds(5)))).as("the breach's incident is another")
                .containsEntry("dedup_key", "model-monitor/ml/fraud-detector");
        assertThat(body(pd.request(RECEIVER, "k", slowed, Duration.ofSeconds(5)))).containsEntry("event_action", "resolve")
                .containsEntry("dedup_key", "model-monitor/ml/fraud-detector/budget/accuracy/min");
        assertThat(burning.headline()).isEqualTo("error budget of accuracy/min burning (page)");
        assertThat(AlertChannels.forType(AlertType.opsgenie).request(URI.create("https://api.opsgenie.example/v2/alerts"), "k",
                slowed, Duration.ofSeconds(5)).uri().toString()).endsWith("/model-monitor%2Fml%2Ffraud-detector%2Fbudget%2Faccuracy%2Fmin/close?identifierType=alias");
    }

    @Test
    void aReceiverTakesWhatItsMinSeverityAllows() {
        AlertSpec pager = new AlertSpec();
        pager.setMinSeverity(Severity.critical);
        AlertSpec everything = new AlertSpec();
        assertThat(pager.takes(Severity.critical)).isTrue();
        assertThat(pager.takes(Severity.warning)).isFalse();
        assertThat(pager.takes(Severity.info)).isFalse();
        assertThat(everything.takes(Severity.info)).as("info, the default, takes everything").isTrue();
        assertThat(AlertEvent.of(AlertEvent.Kind.BREACH, "m", "ns", NOON).build().severity())
                .as("an event without a severity pages").isEqualTo(Severity.critical);
    }

    @Test
    void aKeyGivenToAChannelThatTakesNoneGoesNowhere() throws Exception {
        for (AlertType type : List.of(AlertType.webhook, AlertType.slack, AlertType.teams)) {
            HttpRequest request = AlertChannels.forType(type).request(RECEIVER, "secret-key-1", breach(), Duration.ofSeconds(5));
            assertThat(body(request).toString()).as(type.name()).doesNotContain("secret-key-1");
            assertThat(request.headers().map().toString()).as(type.name()).doesNotContain("secret-key-1");
        }
    }

    @Test
    void headlinesNameWhatHappened() {
        AlertEvent.Builder breach = AlertEvent.of(AlertEvent.Kind.BREACH, "m", "ns", NOON).objective("p99LatencyMs", 412.0, 250.0);
        assertThat(breach.build().headline()).isEqualTo("objective breached: p99LatencyMs = 412.0 (bound 250.0)");
        assertThat(AlertEvent.of(AlertEvent.Kind.ROLLBACK_SUCCEEDED, "m", "ns", NOON).toRevision(4L).build().headline())
                .isEqualTo("rolled back to revision 4");
        assertThat(AlertEvent.of(AlertEvent.Kind.ROLLBACK_EXHAUSTED, "m", "ns", NOON).build().headline())
                .isEqualTo("breached and no further rollback will be made");
    }

    @Test
    void anEventMustSayWhatHappenedToWhichMonitorAndWhen() {
        assertThatThrownBy(() -> AlertEvent.of(AlertEvent.Kind.BREACH, "m", "ns", null).build())
                .isInstanceOf(NullPointerException.class).hasMessage("time");
        assertThatThrownBy(() -> AlertEvent.of(null, "m", "ns", NOON).build())
                .isInstanceOf(NullPointerException.class).hasMessage("kind");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(HttpRequest request) throws Exception {
        List<ByteBuffer> parts = new ArrayList<>();
        request.bodyPublisher().orElseThrow().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                parts.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                throw new AssertionError(throwable);
            }

            @Override
            public void onComplete() {
            }
        });
        StringBuilder text = new StringBuilder();
        parts.forEach(b -> text.append(StandardCharsets.UTF_8.decode(b)));
        return new ObjectMapper().readValue(text.toString(), LinkedHashMap.class);
    }
}

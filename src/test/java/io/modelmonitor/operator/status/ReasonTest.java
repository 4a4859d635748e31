package io.modelmonitor.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.alerting.AlertEvent;
import io.modelmonitor.api.v1alpha1.ModelMonitor;

class ReasonTest {

    @Test
    void everyReasonHasItsOwnCamelCaseName() {
        assertThat(Reason.values()).extracting(Reason::wire).doesNotHaveDuplicates()
                .allMatch(w -> w.matches("[A-Z][A-Za-z]+"));
    }

    @Test
    void everyConstantIsItsWireNameInUpperSnakeCase() {
        for (Reason reason : Reason.values()) {
            assertThat(reason.name()).isEqualTo(reason.wire().replaceAll("(?<!^)(?=[A-Z])", "_").toUpperCase(Locale.ROOT));
        }
    }

    @Test
    void everyAlertIsRaisedByAReasonAndEveryAlertingReasonIsAlsoAnEvent() {
        for (AlertEvent.Kind kind : AlertEvent.Kind.values()) {
            assertThat(Arrays.stream(Reason.values()).filter(r -> r.alert() == kind)).as(kind.wireName).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.eventType()).isNotEqualTo(Reason.EventType.NONE));
        }
    }

    @Test
    void rollbackOutcomesAreCountedUnderTheResultsTheMetricDocuments() {
        assertThat(Arrays.stream(Reason.values()).map(Reason::rollbackResult).filter(r -> r != null))
                .containsExactlyInAnyOrder("triggered", "succeeded", "failed", "exhausted");
    }

    @Test
    void aConditionOnlyReasonCannotBeRecordedAsAnEvent() {
        EventRecorder recorder = new EventRecorder((KubernetesClient) null);

        assertThatThrownBy(() -> recorder.record(new ModelMonitor(), Reason.MONITORING, "m"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Monitoring is a condition's reason");
    }

    @Test
    void theWalkthroughListsEveryEventReasonAndNoOther() throws Exception {
        String doc = Files.readString(Path.of("src/docs/walkthrough.md")) + "\n\n";
        String list = doc.substring(doc.indexOf("Events (reasons): "), doc.indexOf("\n\n", doc.indexOf("Events (reasons): ")));
        List<String> documented = Pattern.compile("`([A-Za-z]+)`").matcher(list).results()
                .map(m -> m.group(1)).toList();
        assertThat(documented).containsExactlyElementsOf(Arrays.stream(Reason.values())
                .filter(r -> r.eventType() != Reason.EventType.NONE).map(Reason::wire).toList());
    }
}

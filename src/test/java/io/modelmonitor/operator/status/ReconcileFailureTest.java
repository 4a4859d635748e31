package io.modelmonitor.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.testsupport.Fixtures;

class ReconcileFailureTest {

    private static KubernetesClientException api(int code, String message) {
        return new KubernetesClientException(new StatusBuilder().withCode(code).withMessage(message).build());
    }

    @Test
    void aRefusedPermissionIsForbiddenAndSaysWhereTheRightsComeFrom() {
        ReconcileFailure failure = ReconcileFailure.of(api(403, "deployments.apps \"fraud\" is forbidden"));
        assertThat(failure.reason()).isEqualTo(Reason.FORBIDDEN);
        assertThat(failure.message()).contains("deployments.apps \"fraud\" is forbidden").contains("RBAC");
    }

    @Test
    void aLostWriteIsAConflictEvenWhenWrappedAndOtherApiErrorsAreKubernetesApiError() {
        assertThat(ReconcileFailure.of(new IllegalStateException("patch", api(409, "the object has been modified")))
                .reason()).isEqualTo(Reason.CONFLICT);
        assertThat(ReconcileFailure.of(api(500, "etcdserver: request timed out")).reason()).isEqualTo(Reason.KUBERNETES_API_ERROR);
    }

    @Test
    void anythingElseIsReconcileFailedWithItsMessage() {
        assertThat(ReconcileFailure.of(new IllegalStateException("annotation is not JSON")))
                .isEqualTo(new ReconcileFailure(Reason.RECONCILE_FAILED, "annotation is not JSON"));
    }

    @Test
    void readyCarriesTheTypedReasonAndTheRestOfTheStatusStaysAsStored() {
        ModelMonitor monitor = Fixtures.monitor("ml", "fraud", "fraud-model");
        StatusAggregator.begin(monitor, Instant.parse("2026-12-07T00:00:00Z")).failed(monitor, api(403, "forbidden"));
        assertThat(monitor.getStatus().getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(StatusConditions.READY);
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("Forbidden");
        });
        assertThat(monitor.getStatus().getPhase()).isNull();
    }
}

package io.modelmonitor.operator;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelmonitor.api.v1alpha1.ModelMonitor;

/**
 * Each monitor's id-signing key: 32 random bytes in a Secret of the monitor's namespace, owned by the monitor (the
 * garbage collector removes it with the monitor), created before the collector is injected and never replaced. The
 * operator does not read it (an existing one answers the create with 409), log it or write it anywhere else;
 * collectors get it through a secretKeyRef.
 */
final class IdKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private IdKeys() {
    }

    static void ensure(KubernetesClient client, ModelMonitor monitor) {
        String namespace = monitor.getMetadata().getNamespace();
        String name = CollectorSidecar.idKeySecret(monitor.getMetadata().getName());
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/managed-by", "model-monitor")
                    .addToLabels(Annotations.MONITORED_LABEL, monitor.getMetadata().getName())
                    .addNewOwnerReference().withApiVersion(monitor.getApiVersion()).withKind(monitor.getKind())
                        .withName(monitor.getMetadata().getName()).withUid(monitor.getMetadata().getUid())
                        .withController(true).endOwnerReference()
                .endMetadata()
                .withType("Opaque")
                .addToData(CollectorSidecar.ID_KEY, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.US_ASCII)))
                .build();
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) { // another replica (or an earlier attempt) made it first: keep theirs
                throw e;
            }
        }
    }
}

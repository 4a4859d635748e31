package io.modelmonitor.operator.injection;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelmonitor.api.v1alpha1.ModelMonitor;

/**
 * Each monitor's id-signing key: 32 random bytes in a Secret of the monitor's namespace, of its own type
 * {@value #TYPE}, owned by the monitor (the garbage collector removes it with the monitor), created by the reconciler
 * before any collector can start (never by the admission webhook, which has no side effects) and never replaced. The
 * operator does not read it (an existing one answers the create with 409), log it or write it anywhere else;
 * collectors get it through a secretKeyRef. Its own type is what the chart's ValidatingAdmissionPolicy lets the
 * operator's account create, and nothing else: cluster-wide {@code secrets: create} would otherwise let it mint a
 * token for any service account.
 */
public final class IdKeys {

    /** The type of every id-key Secret: the only Secrets the operator may create outside its own namespace. */
    static final String TYPE = "modelmonitor.io/id-key";

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * When the key of each monitor (by uid) was last seen to exist: one create per monitor every
     * {@link #RECHECK}, not one per reconcile, and a key someone deleted is back within that time.
     */
    private static final Map<String, Long> ENSURED = new ConcurrentHashMap<>();
    static final Duration RECHECK = Duration.ofMinutes(10);

    private IdKeys() {
    }

    /** Creates the key unless this operator saw it exist within {@link #RECHECK}. */
    public static void ensureOnce(KubernetesClient client, ModelMonitor monitor) {
        String uid = monitor.getMetadata().getUid();
        long now = System.currentTimeMillis();
        Long seen = uid == null ? null : ENSURED.get(uid);
        if (seen == null || now - seen > RECHECK.toMillis()) {
            ensure(client, monitor);
            if (uid != null) {
                ENSURED.put(uid, now);
            }
        }
    }

    public static void forget(ModelMonitor monitor) {
        if (monitor.getMetadata().getUid() != null) {
            ENSURED.remove(monitor.getMetadata().getUid());
        }
    }

    public static void ensure(KubernetesClient client, ModelMonitor monitor) {
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
                .withType(TYPE)
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

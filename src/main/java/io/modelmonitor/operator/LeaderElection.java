package io.modelmonitor.operator;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.modelmonitor.operator.config.OperatorConfig;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.Quarkus;

/**
 * Lets two or more operator replicas run with one of them reconciling: the holder of a Lease in the operator's
 * namespace. quarkus-operator-sdk looks this bean up when it builds the operator's configuration (in the prod
 * profile only); a null bean means no leader election. A replica that loses the Lease while running exits, so that
 * Kubernetes restarts it as a standby with fresh caches; one that stops normally gives the Lease up (see
 * {@link #release}).
 */
@Singleton
public class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final OperatorConfig config;
    private final KubernetesClient client;
    private volatile LeaderElectionConfiguration election;
    private volatile boolean stopping;

    LeaderElection(OperatorConfig config, KubernetesClient client) {
        this.config = config;
        this.client = client;
    }

    @Produces
    @Dependent
    @Unremovable
    LeaderElectionConfiguration leaderElection() {
        return configuration().orElse(null);
    }

    /** The election this replica takes part in, decided once (its identity must not change). */
    synchronized Optional<LeaderElectionConfiguration> configuration() {
        OperatorConfig.LeaderElection settings = config.leaderElection();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        if (election == null) {
            String namespace = settings.leaseNamespace().or(() -> Optional.ofNullable(client.getNamespace()))
                    .orElse("default");
            // Like kube-controller-manager: the host (pod) name says which replica leads, the suffix keeps two
            // processes on one host apart.
            String identity = settings.identity().orElseGet(() -> Optional.ofNullable(System.getenv("HOSTNAME"))
                    .orElse("model-monitor") + "_" + UUID.randomUUID().toString().substring(0, 8));
            LOG.infof("leader election on Lease %s/%s as %s", namespace, settings.leaseName(), identity);
            // Not JOSDK's exit on a lost Lease: it calls System.exit, which hangs when the loss is a normal stop
            // (the stop runs in the JVM's shutdown hook). lostLease() exits asynchronously, and only when unplanned.
            election = new LeaderElectionConfiguration(settings.leaseName(), namespace, settings.leaseDuration(),
                    settings.renewDeadline(), settings.retryPeriod(), identity,
                    new LeaderCallbacks(() -> { }, this::lostLease, leader -> { }), false);
        }
        return Optional.of(election);
    }

    /** The Lease was lost while running (renewals failed for renewDeadline): stop, to come back as a standby. */
    private void lostLease() {
        if (stopping) {
            return;
        }
        LOG.error("lost the leader Lease: exiting, to restart as a standby with fresh caches");
        Quarkus.asyncExit(1);
    }

    /** This replica is stopping normally: giving up the Lease is no reason to exit with an error. */
    void stopping() {
        stopping = true;
    }

    /**
     * Gives the Lease up if this replica holds it, as client-go's ReleaseOnCancel does: a standby takes over
     * within its retry period instead of waiting for the Lease to expire, which makes upgrades and drains quick.
     * Called once this replica has stopped reconciling.
     */
    void release() {
        LeaderElectionConfiguration current = election;
        if (current == null) {
            return;
        }
        String identity = current.getIdentity().orElseThrow();
        // The operator's own client is closed by now (JOSDK closes it when it stops): a short-lived one, same config.
        try (KubernetesClient releasing = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build()) {
            var resource = releasing.leases().inNamespace(current.getLeaseNamespace().orElseThrow())
                    .withName(current.getLeaseName());
            Lease lease = resource.get();
            if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return;
            }
            lease.getSpec().setHolderIdentity(null);
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setRenewTime(ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS));
            releasing.resource(lease).update(); // with its resourceVersion: never over a newer holder's record
            LOG.infof("released Lease %s as %s", current.getLeaseName(), identity);
        } catch (KubernetesClientException e) {
            // One line, not the API's whole Status: e.g. 403 during helm uninstall, which deletes the Role while this
            // pod is still stopping.
            LOG.warnf("could not release Lease %s: HTTP %d %s; it expires on its own", current.getLeaseName(), e.getCode(),
                    e.getStatus() == null || e.getStatus().getReason() == null ? "" : e.getStatus().getReason());
        } catch (RuntimeException e) {
            LOG.warnf("could not release Lease %s: %s; it expires on its own", current.getLeaseName(), e.getMessage());
        }
    }
}

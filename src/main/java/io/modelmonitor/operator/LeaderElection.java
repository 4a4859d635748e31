package io.modelmonitor.operator;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;

/**
 * Lets two or more operator replicas run with one of them reconciling: the holder of a Lease in the operator's
 * namespace. quarkus-operator-sdk looks this bean up when it builds the operator's configuration (in the prod
 * profile only); a null bean means no leader election. A replica that loses the Lease exits, so that Kubernetes
 * restarts it as a standby with fresh caches.
 */
@Singleton
public class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    @Produces
    @Dependent
    @Unremovable
    LeaderElectionConfiguration leaderElection(OperatorConfig config, KubernetesClient client) {
        OperatorConfig.LeaderElection settings = config.leaderElection();
        if (!settings.enabled()) {
            LOG.info("leader election disabled: this replica reconciles on its own");
            return null;
        }
        String namespace = settings.leaseNamespace().or(() -> Optional.ofNullable(client.getNamespace()))
                .orElse("default");
        // Like kube-controller-manager: the host (pod) name says which replica leads, the suffix keeps two
        // processes on one host apart.
        String identity = settings.identity().orElseGet(() -> Optional.ofNullable(System.getenv("HOSTNAME"))
                .orElse("model-monitor") + "_" + UUID.randomUUID().toString().substring(0, 8));
        LOG.infof("leader election on Lease %s/%s as %s", namespace, settings.leaseName(), identity);
        return new LeaderElectionConfiguration(settings.leaseName(), namespace, settings.leaseDuration(),
                settings.renewDeadline(), settings.retryPeriod(), identity, null, true);
    }
}

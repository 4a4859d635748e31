package io.modelmonitor.operator;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Starts the operator when the application starts. quarkus-operator-sdk's own start-up listener does not run in
 * the packaged application (it does in @QuarkusTest), so the packaged operator reconciled nothing; starting it
 * here is idempotent where the extension did start it. On shutdown it stops first and then gives up the Lease.
 */
@ApplicationScoped
public class OperatorStartup {

    private static final Logger LOG = Logger.getLogger(OperatorStartup.class);

    void onStart(@Observes StartupEvent event, Operator operator) {
        if (!operator.getRuntimeInfo().isStarted()) {
            LOG.infof("starting %d controller(s)", operator.getRegisteredControllersNumber());
            operator.start();
        }
    }

    /**
     * Stops reconciling, then hands the Lease over (if this replica led) instead of letting it expire. Observed
     * before quarkus-operator-sdk's own stop, so that losing the Lease on the way reads as planned.
     */
    void onStop(@Observes @Priority(1) ShutdownEvent event, Operator operator, LeaderElection leaderElection) {
        leaderElection.stopping();
        operator.stop();
        leaderElection.release();
    }
}

package io.modelmonitor.operator;

import io.quarkus.test.junit.callback.QuarkusTestBeforeClassCallback;
import java.util.Arrays;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A race inside the Java Operator SDK (5.3.0, unchanged on its main branch), not in this operator: when a
 * reconcile of a monitor finishes just as that monitor's delete event arrives, {@code
 * TimerEventSource.scheduleOnce} stores its timer task, the informer thread cancels it through {@code
 * onResourceDeleted}, and {@code Timer.schedule} then throws on the reconciler thread. The monitor is gone,
 * so nothing is lost; the thread's exception is all there is.
 *
 * <p>Awaitility fails any await during which some thread dies of an uncaught exception, so a test that
 * deletes a monitor failed now and then on that thread. Registered as a Quarkus test callback (so it runs
 * in the class loader the tests' Awaitility lives in), this makes awaits ignore that one exception and
 * nothing else: every other uncaught exception still fails the test.
 */
public final class JosdkTimerRace implements Predicate<Throwable>, QuarkusTestBeforeClassCallback {

    private static final String TIMER_EVENT_SOURCE =
            "io.javaoperatorsdk.operator.processing.event.source.timer.TimerEventSource";

    @Override
    public boolean test(Throwable thrown) {
        if (!(thrown instanceof IllegalStateException)) {
            return false;
        }
        StackTraceElement[] stack = thrown.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().equals("java.util.Timer")
                && Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(TIMER_EVENT_SOURCE)
                        && frame.getMethodName().equals("scheduleOnce"));
    }

    @Override
    public void beforeClass(Class<?> testClass) {
        Awaitility.ignoreExceptionsByDefaultMatching(this);
    }
}

package io.modelmonitor.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.timer.TimerEventSource;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.testsupport.Fixtures;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

class JosdkTimerRaceTest {

    private final JosdkTimerRace race = new JosdkTimerRace();

    @Test
    void recognisesTheExceptionOfADeleteEventBetweenStoringAndSchedulingAReconcileTimer() throws Exception {
        Throwable thrown = theRace();

        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("already scheduled or cancelled");
        assertThat(race.test(thrown)).isTrue();
    }

    @Test
    void recognisesNoOtherException() {
        assertThat(race.test(new IllegalStateException("Task already scheduled or cancelled"))).isFalse();
        assertThat(race.test(new IllegalArgumentException())).isFalse();
    }

    @Test
    void anAwaitOutlivesTheRaceOnAnotherThreadButNotAnyOtherUncaughtException() {
        await().atMost(Duration.ofSeconds(5)).ignoreExceptionsMatching(race).until(aThreadThatDiesOf(theRace()));

        assertThatThrownBy(() -> await().atMost(Duration.ofSeconds(5)).ignoreExceptionsMatching(race)
                .until(aThreadThatDiesOf(new IllegalStateException("a bug of ours"))))
                .isNotInstanceOf(ConditionTimeoutException.class).hasMessageContaining("a bug of ours");
    }

    /** What JOSDK's reconciler thread dies of. */
    static Throwable theRace() {
        return catchThrowable(() -> scheduleWhileTheMonitorIsDeleted());
    }

    /** Plays the informer's delete callback at the moment JOSDK has stored the timer task but not yet scheduled it. */
    private static void scheduleWhileTheMonitorIsDeleted() throws Exception {
        ModelMonitor monitor = Fixtures.monitor("ns", "deleted", "model");
        TimerEventSource<ModelMonitor> source = new TimerEventSource<>();
        source.start();
        try {
            Field tasks = TimerEventSource.class.getDeclaredField("onceTasks");
            tasks.setAccessible(true);
            tasks.set(source, new ConcurrentHashMap<Object, Object>() {
                @Override
                public Object put(Object id, Object task) {
                    Object previous = super.put(id, task);
                    source.onResourceDeleted(monitor);
                    return previous;
                }
            });
            source.scheduleOnce(ResourceID.fromResource(monitor), 60_000);
        } finally {
            source.stop();
        }
    }

    /** A condition that starts, once the await is under way as a reconciler thread would be, a thread dying of thrown. */
    static Callable<Boolean> aThreadThatDiesOf(Throwable thrown) {
        Thread thread = new Thread(() -> throwUnchecked(thrown));
        return () -> {
            if (thread.getState() == Thread.State.NEW) {
                thread.start();
            }
            return !thread.isAlive();
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable thrown) throws T {
        throw (T) thrown;
    }
}

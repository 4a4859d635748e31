package io.modelmonitor.metrics;

import java.util.ArrayDeque;
import java.util.Deque;

/** The last {@code length} of per-interval counts; old slices fall out as new ones come in. */
public final class SlidingWindow {

    private record Slice(long endMillis, WindowCounts counts) {
    }

    private final long lengthMillis;
    private final Deque<Slice> slices = new ArrayDeque<>();
    private long startMillis = -1;

    public SlidingWindow(long lengthMillis) {
        this.lengthMillis = lengthMillis;
    }

    /** Adds the counts of the interval that ended at {@code nowMillis} and began at {@code sinceMillis}. */
    public void add(long sinceMillis, long nowMillis, WindowCounts counts) {
        if (startMillis < 0) {
            startMillis = sinceMillis;
        }
        slices.addLast(new Slice(nowMillis, counts));
        while (!slices.isEmpty() && slices.peekFirst().endMillis() <= nowMillis - lengthMillis) {
            slices.removeFirst();
        }
        startMillis = Math.max(startMillis, nowMillis - lengthMillis);
    }

    public WindowCounts sum() {
        WindowCounts sum = new WindowCounts();
        slices.forEach(s -> sum.add(s.counts()));
        return sum;
    }

    /** How much time the window covers so far: its full length once it has filled. */
    public double coveredSeconds(long nowMillis) {
        return startMillis < 0 ? 0 : Math.max(0, nowMillis - startMillis) / 1000.0;
    }

    public void clear() {
        slices.clear();
        startMillis = -1;
    }

    public int size() {
        return slices.size();
    }
}

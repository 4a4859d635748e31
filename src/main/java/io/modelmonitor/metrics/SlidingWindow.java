package io.modelmonitor.metrics;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last {@code length} of per-interval counts; old slices fall out as new ones come in. The features' sketches
 * are kept apart, in at most {@link #SKETCH_SLICES} + 1 coarser slices (intervals of the same sixth of the window
 * merged), so a window of a thousand intervals holds seven sketches per feature, not a thousand: a sketch slice
 * falls out once its newest interval has, so the sketches cover the window and at most a sixth more.
 */
public final class SlidingWindow {

    /** How many parts of the window the features' sketches are kept in. */
    public static final int SKETCH_SLICES = 6;

    private record Slice(long endMillis, WindowCounts counts) {
    }

    private static final class SketchSlice {
        final long part;
        long endMillis;
        final InputCounts sketches;

        SketchSlice(long part, long endMillis, InputCounts sketches) {
            this.part = part;
            this.endMillis = endMillis;
            this.sketches = sketches;
        }
    }

    private final long lengthMillis;
    private final Deque<Slice> slices = new ArrayDeque<>();
    private final Deque<SketchSlice> sketches = new ArrayDeque<>();
    private long startMillis = -1;

    public SlidingWindow(long lengthMillis) {
        this.lengthMillis = lengthMillis;
    }

    /** Adds the counts of the interval that ended at {@code nowMillis} and began at {@code sinceMillis}. */
    public void add(long sinceMillis, long nowMillis, WindowCounts counts) {
        if (startMillis < 0) {
            startMillis = sinceMillis;
        }
        InputCounts taken = counts.inputs().takeSketches();
        slices.addLast(new Slice(nowMillis, counts));
        while (!slices.isEmpty() && slices.peekFirst().endMillis() <= nowMillis - lengthMillis) {
            slices.removeFirst();
        }
        long part = nowMillis / Math.max(1, lengthMillis / SKETCH_SLICES);
        if (!taken.features().isEmpty()) {
            SketchSlice last = sketches.peekLast();
            if (last != null && last.part == part) {
                last.sketches.add(taken);
                last.endMillis = nowMillis;
            } else {
                sketches.addLast(new SketchSlice(part, nowMillis, taken));
            }
        }
        while (!sketches.isEmpty() && sketches.peekFirst().endMillis <= nowMillis - lengthMillis) {
            sketches.removeFirst();
        }
        startMillis = Math.max(startMillis, nowMillis - lengthMillis);
    }

    public WindowCounts sum() {
        WindowCounts sum = new WindowCounts();
        slices.forEach(s -> sum.add(s.counts()));
        sketches.forEach(s -> sum.inputs.add(s.sketches));
        return sum;
    }

    /** How much time the window covers so far: its full length once it has filled. */
    public double coveredSeconds(long nowMillis) {
        return startMillis < 0 ? 0 : Math.max(0, nowMillis - startMillis) / 1000.0;
    }

    public void clear() {
        slices.clear();
        sketches.clear();
        startMillis = -1;
    }

    public int size() {
        return slices.size();
    }
}

package io.modelmonitor.metrics;

import java.util.List;
import java.util.Set;

/**
 * The moving picture of one monitored model: per-interval deltas of all its collectors, kept for the length of
 * the window. Restarted from empty when the model's revision changes, so a new revision is judged on its own
 * traffic only.
 */
public final class MonitorWindow {

    private final CollectorDeltas deltas = new CollectorDeltas();
    private SlidingWindow window;
    private long lengthMillis;
    private long lastReadMillis;
    private String revision;

    public MonitorWindow(long lengthMillis) {
        this.lengthMillis = lengthMillis;
        this.window = new SlidingWindow(lengthMillis);
    }

    /** As {@link #advance(List, Set, long, String, long, long)}, judging every interval. */
    public boolean advance(List<CollectorSnapshot> snapshots, Set<String> known, long nowMillis, String currentRevision,
            long windowMillis) {
        return advance(snapshots, known, nowMillis, currentRevision, windowMillis, 0);
    }

    /**
     * Takes in what the collectors report now and returns the counts of the whole window. What happened before
     * {@code judgeFromMillis} (a new revision's warm-up) moves the collectors' baselines on but stays out of the
     * window: only intervals that begin at or after it are counted.
     *
     * @return true when the revision changed and the window started over
     */
    public boolean advance(List<CollectorSnapshot> snapshots, Set<String> known, long nowMillis, String currentRevision,
            long windowMillis, long judgeFromMillis) {
        boolean restarted = false;
        if (windowMillis != lengthMillis) {
            lengthMillis = windowMillis;
            window = new SlidingWindow(windowMillis);
        }
        if (revision != null && !revision.equals(currentRevision)) {
            window.clear();
            restarted = true;
        }
        revision = currentRevision;
        WindowCounts delta = deltas.ingest(snapshots, known, lastReadMillis);
        if (lastReadMillis > 0 && lastReadMillis >= judgeFromMillis) {
            window.add(lastReadMillis, nowMillis, delta);
        }
        lastReadMillis = nowMillis;
        return restarted;
    }

    public WindowCounts counts() {
        return window.sum();
    }

    public double coveredSeconds(long nowMillis) {
        return window.coveredSeconds(nowMillis);
    }

    public boolean hasData() {
        return window.size() > 0;
    }
}

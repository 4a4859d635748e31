package io.modelmonitor.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the cumulative snapshots of a monitor's collectors into what happened since the last read. A collector
 * that restarted (new instance, or a counter that went down) counts from zero again; one seen for the first time
 * counts only if it started since the last read (otherwise its history predates this window); one that was
 * not read this time (a missed scrape) keeps its last snapshot, so the next read covers the gap; one whose pod is
 * gone is forgotten.
 */
public final class CollectorDeltas {

    private final Map<String, CollectorSnapshot> last = new HashMap<>();

    /**
     * @param snapshots what could be read now
     * @param known the collectors that still exist (read or not); others are forgotten
     * @param lastReadMillis when the previous read happened, or 0 on the first read
     */
    public WindowCounts ingest(List<CollectorSnapshot> snapshots, Set<String> known, long lastReadMillis) {
        WindowCounts sum = new WindowCounts();
        for (CollectorSnapshot current : snapshots) {
            CollectorSnapshot previous = last.put(current.collector(), withoutSketches(current));
            WindowCounts delta;
            if (previous == null) {
                if (lastReadMillis == 0 || current.startTimeMillis() < lastReadMillis) {
                    continue; // a baseline: what it counted before now is not part of this window
                }
                delta = WindowCounts.of(current);
            } else if (!previous.instance().equals(current.instance())) {
                delta = WindowCounts.of(current);
            } else {
                delta = WindowCounts.delta(previous, current);
                if (delta.hasNegative()) {
                    delta = WindowCounts.of(current);
                }
            }
            sum.add(delta);
        }
        Set<String> keep = new HashSet<>(known);
        snapshots.forEach(s -> keep.add(s.collector()));
        last.keySet().retainAll(keep);
        return sum;
    }

    /** What is kept of a snapshot until the next read: its counters (its sketches are taken in once, now). */
    private static CollectorSnapshot withoutSketches(CollectorSnapshot s) {
        InputsSnapshot in = s.inputs();
        if (in == null || in.sketches() == null) {
            return s;
        }
        return new CollectorSnapshot(s.collector(), s.instance(), s.startTimeMillis(), s.timeMillis(), s.task(),
                s.requests(), s.latencyBuckets(), s.latencySumMs(), s.unparsed(), s.predictions(), s.labels(),
                s.segmentLabels(), s.regression(), s.feedback(), s.pendingLabels(), s.evictedByTtl(),
                s.evictedByCapacity(), new InputsSnapshot(in.requests(), in.schemaViolations(), in.rows(), in.features(),
                        null), s.scores(), s.generation());
    }

    public int tracked() {
        return last.size();
    }
}

package io.modelmonitor.collector;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.modelmonitor.api.v1alpha1.FeatureSpec;
import io.modelmonitor.metrics.FeatureSketch;
import io.modelmonitor.metrics.InputsSnapshot;

/**
 * What the collector has seen of the model's inputs: cumulative counters per feature, and the features' sketches in
 * epochs. The open epoch takes every value and closes on the collector's own clock, every {@code epochMillis} (the
 * monitor's evaluation interval); a reader that names the last epoch it merged gets every closed epoch after it,
 * merged (see {@link InputsSnapshot}). No read closes anything, so no reader can change what another one gets. At
 * most {@link #CLOSED_KEPT} closed epochs are kept, enough for a reader that missed one read, so the sketches held
 * are at most (1 + {@value #CLOSED_KEPT}) x features x {@link FeatureSketch#MAX_BYTES} whatever the traffic: 6 MiB at
 * 64 features, about 1 MiB in practice.
 */
final class InputStats {

    /** Closed epochs kept for a reader that missed a read (its next read still gets them). */
    static final int CLOSED_KEPT = 2;

    private record Epoch(long seq, FeatureSketch[] sketches) {
    }

    private final List<FeatureSpec> features;
    private final String instance;
    private final long epochMillis;
    private final LongSupplier clock;
    private long openSince;
    private long requests;
    private long schemaViolations;
    private long rows;
    private final long[] values;
    private final long[] missing;
    private final long[] wrongType;
    private FeatureSketch[] open;
    private long nextSeq = 1;
    private final Deque<Epoch> closed = new ArrayDeque<>();

    InputStats(List<FeatureSpec> features, String instance, long epochMillis, LongSupplier clock) {
        this.features = List.copyOf(features);
        this.instance = instance;
        this.epochMillis = epochMillis;
        this.clock = clock;
        this.openSince = clock.getAsLong();
        this.values = new long[features.size()];
        this.missing = new long[features.size()];
        this.wrongType = new long[features.size()];
        this.open = fresh();
    }

    private FeatureSketch[] fresh() {
        FeatureSketch[] sketches = new FeatureSketch[features.size()];
        for (int i = 0; i < sketches.length; i++) {
            sketches[i] = FeatureSketch.empty(features.get(i).getType().wireName());
        }
        return sketches;
    }

    /** Closes the open epoch once it has lasted an epoch; an idle stretch of several closes once. */
    private void tick() {
        long now = clock.getAsLong();
        if (now - openSince < epochMillis) {
            return;
        }
        closed.addLast(new Epoch(nextSeq++, open));
        open = fresh();
        openSince = now;
        while (closed.size() > CLOSED_KEPT) {
            closed.removeFirst();
        }
    }

    synchronized void record(InputReader.Rows read) {
        tick();
        requests++;
        if (read.violation()) {
            schemaViolations++;
            return;
        }
        for (InputReader.Value[] row : read.rows()) {
            rows++;
            for (int f = 0; f < row.length; f++) {
                InputReader.Value v = row[f];
                if (v instanceof InputReader.Number n) {
                    values[f]++;
                    ((FeatureSketch.Numerical) open[f]).update(n.value());
                } else if (v instanceof InputReader.Category c) {
                    values[f]++;
                    ((FeatureSketch.Categorical) open[f]).update(c.value());
                } else if (v instanceof InputReader.Missing) {
                    missing[f]++;
                } else {
                    wrongType[f]++;
                }
            }
        }
    }

    /**
     * The counters, and with a cursor ({@code <instance>:<seq>}, or {@code -}) the sketches of every closed epoch
     * after it. A cursor of another instance (the collector restarted) or none known yet gets every epoch still kept.
     */
    synchronized InputsSnapshot snapshot(String cursor) {
        tick();
        List<InputsSnapshot.FeatureCounts> counts = new ArrayList<>(features.size());
        for (int f = 0; f < values.length; f++) {
            counts.add(new InputsSnapshot.FeatureCounts(features.get(f).getName(), features.get(f).getType().wireName(),
                    values[f], missing[f], wrongType[f]));
        }
        InputsSnapshot.Sketches sketches = null;
        if (cursor != null) {
            long since = since(cursor);
            FeatureSketch[] merged = null;
            long from = 0;
            for (Epoch e : closed) {
                if (e.seq() <= since) {
                    continue;
                }
                if (merged == null) {
                    merged = fresh();
                    from = e.seq();
                }
                for (int f = 0; f < merged.length; f++) {
                    merged[f].mergeWith(e.sketches()[f]);
                }
            }
            Map<String, String> encoded = new LinkedHashMap<>();
            if (merged != null) {
                for (int f = 0; f < merged.length; f++) {
                    if (merged[f].n() > 0) {
                        encoded.put(features.get(f).getName(), Base64.getEncoder().encodeToString(merged[f].toBytes()));
                    }
                }
            }
            long to = closed.isEmpty() ? Math.max(0, since) : closed.peekLast().seq();
            boolean gap = since >= 0 && !closed.isEmpty() && closed.peekFirst().seq() > since + 1;
            sketches = new InputsSnapshot.Sketches(instance, merged == null ? to + 1 : from, to, gap, encoded);
        }
        return new InputsSnapshot(requests, schemaViolations, rows, counts, sketches);
    }

    /** The last epoch the reader merged, if the cursor is this instance's; -1 otherwise. */
    private long since(String cursor) {
        int colon = cursor.lastIndexOf(':');
        if (colon <= 0 || !cursor.substring(0, colon).equals(instance)) {
            return -1;
        }
        try {
            return Long.parseLong(cursor.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

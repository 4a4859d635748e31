package io.modelmonitor.metrics;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the model was fed over some stretch of time, from any number of collectors: counters that add up, and one
 * sketch per feature that merges. The counters of a delta are {@code current - previous} like every other count;
 * the sketches of a snapshot are already what the reader had not merged (see {@link InputsSnapshot}), so a delta
 * takes them as they are.
 */
public final class InputCounts {

    /**
     * The most features a reading keeps: twice the 64 a monitor declares, since replicas of two generations of a spec
     * may name different ones while a rollout lasts.
     */
    public static final int MAX_FEATURES = 128;
    /** The longest feature name (the schema's bound). */
    public static final int MAX_NAME_LENGTH = 63;

    /** One feature's counts and, where the collectors sent one, its sketch. */
    public static final class Feature {
        final String type;
        long values;
        long missing;
        long wrongType;
        FeatureSketch sketch;

        Feature(String type) {
            this.type = type;
        }

        public String type() {
            return type;
        }

        /** Rows that carried a value of the right type. */
        public long values() {
            return values;
        }

        public long missing() {
            return missing;
        }

        public long wrongType() {
            return wrongType;
        }

        /** Null while no collector sent one. */
        public FeatureSketch sketch() {
            return sketch;
        }

        public long rows() {
            return values + missing + wrongType;
        }
    }

    long requests;
    long schemaViolations;
    long rows;
    /** Sketches a collector sent that could not be read (garbage on a pod's admin port): dropped, counted. */
    long unreadableSketches;
    /** From a source that holds counters only (Prometheus): no sketch will ever come, unlike a window still young. */
    boolean countersOnly;
    final Map<String, Feature> features = new LinkedHashMap<>();

    public static InputCounts delta(InputsSnapshot previous, InputsSnapshot current) {
        InputCounts d = new InputCounts();
        if (current == null) {
            return d;
        }
        d.requests = current.requests() - (previous == null ? 0 : previous.requests());
        d.schemaViolations = current.schemaViolations() - (previous == null ? 0 : previous.schemaViolations());
        d.rows = current.rows() - (previous == null ? 0 : previous.rows());
        Map<String, InputsSnapshot.FeatureCounts> before = new LinkedHashMap<>();
        if (previous != null && previous.features() != null) {
            previous.features().forEach(f -> before.put(f.name(), f));
        }
        if (current.features() != null) {
            for (InputsSnapshot.FeatureCounts f : current.features()) {
                if (!acceptable(f.name(), f.type()) || d.features.size() >= MAX_FEATURES) {
                    continue;
                }
                Feature feature = d.features.computeIfAbsent(f.name(), k -> new Feature(f.type()));
                InputsSnapshot.FeatureCounts b = before.get(f.name());
                feature.values += f.values() - (b == null ? 0 : b.values());
                feature.missing += f.missing() - (b == null ? 0 : b.missing());
                feature.wrongType += f.wrongType() - (b == null ? 0 : b.wrongType());
            }
        }
        if (current.sketches() != null && current.sketches().features() != null) {
            current.sketches().features().forEach((name, base64) -> {
                Feature feature = d.features.get(name);
                if (feature == null) {
                    return;
                }
                try {
                    feature.sketch = FeatureSketch.of(feature.type, Base64.getDecoder().decode(base64));
                } catch (IllegalArgumentException e) {
                    d.unreadableSketches++;
                }
            });
        }
        return d;
    }

    private static boolean acceptable(String name, String type) {
        return name != null && !name.isEmpty() && name.length() <= MAX_NAME_LENGTH
                && (FeatureSketch.NUMERICAL.equals(type) || FeatureSketch.CATEGORICAL.equals(type));
    }

    /** Adds another stretch: counters add, sketches merge (into a copy, so {@code other} stays as it was). */
    public void add(InputCounts other) {
        addCounters(other);
        other.features.forEach((name, f) -> {
            if (f.sketch != null) {
                Feature mine = feature(name, f.type);
                if (mine != null && mine.type.equals(f.type)) {
                    if (mine.sketch == null) {
                        mine.sketch = f.sketch.copy();
                    } else {
                        mine.sketch.mergeWith(f.sketch);
                    }
                }
            }
        });
    }

    /** Adds another stretch's counters only. */
    public void addCounters(InputCounts other) {
        requests += other.requests;
        schemaViolations += other.schemaViolations;
        rows += other.rows;
        unreadableSketches += other.unreadableSketches;
        countersOnly |= other.countersOnly;
        other.features.forEach((name, f) -> {
            Feature mine = feature(name, f.type);
            if (mine != null) {
                mine.values += f.values;
                mine.missing += f.missing;
                mine.wrongType += f.wrongType;
            }
        });
    }

    /** These counts with their sketches moved out into a new InputCounts (counters zero there). */
    public InputCounts takeSketches() {
        InputCounts sketches = new InputCounts();
        features.forEach((name, f) -> {
            if (f.sketch != null) {
                sketches.feature(name, f.type).sketch = f.sketch;
                f.sketch = null;
            }
        });
        return sketches;
    }

    private Feature feature(String name, String type) {
        Feature f = features.get(name);
        if (f == null && features.size() < MAX_FEATURES) {
            f = new Feature(type);
            features.put(name, f);
        }
        return f;
    }

    public boolean hasNegative() {
        return requests < 0 || schemaViolations < 0 || rows < 0
                || features.values().stream().anyMatch(f -> f.values < 0 || f.missing < 0 || f.wrongType < 0);
    }

    public boolean isEmpty() {
        return requests == 0 && features.values().stream().allMatch(f -> f.sketch == null && f.rows() == 0);
    }

    public long requests() {
        return requests;
    }

    public long schemaViolations() {
        return schemaViolations;
    }

    public long rows() {
        return rows;
    }

    public long unreadableSketches() {
        return unreadableSketches;
    }

    public Map<String, Feature> features() {
        return Collections.unmodifiableMap(features);
    }

    /**
     * Adds what a source of counters only (Prometheus) knows of a stretch: requests read, those whose shape did not
     * match, and rows. No sketches come this way.
     */
    public InputCounts addRequests(long read, long schemaViolations, long rows) {
        this.countersOnly = true;
        this.requests += read + schemaViolations;
        this.schemaViolations += schemaViolations;
        this.rows += rows;
        return this;
    }

    /** Adds one feature's counts from a source of counters only; an unknown type or a name past the bounds is not kept. */
    public InputCounts addFeatureCounts(String name, String type, long values, long missing, long wrongType) {
        if (acceptable(name, type)) {
            Feature f = feature(name, type);
            if (f != null && f.type.equals(type)) {
                f.values += values;
                f.missing += missing;
                f.wrongType += wrongType;
            }
        }
        return this;
    }

    /** Whether these counts came from a source of counters only, which never has the features' distributions. */
    public boolean countersOnly() {
        return countersOnly;
    }

    /** For tests and the sandbox: counts built by hand. */
    public static InputCounts of(long requests, long schemaViolations, long rows) {
        InputCounts c = new InputCounts();
        c.requests = requests;
        c.schemaViolations = schemaViolations;
        c.rows = rows;
        return c;
    }

    /** For tests and the sandbox: one feature's counts and sketch. */
    public InputCounts with(String name, long values, long missing, long wrongType, FeatureSketch sketch) {
        Feature f = feature(name, sketch.type());
        f.values = values;
        f.missing = missing;
        f.wrongType = wrongType;
        f.sketch = sketch;
        return this;
    }
}

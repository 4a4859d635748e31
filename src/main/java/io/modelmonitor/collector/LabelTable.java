package io.modelmonitor.collector;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Interns class or segment names into small indexes, with a hard cap: past it every new name folds into
 * {@value #OTHER}, so a model that suddenly emits free text cannot blow up memory or metric cardinality.
 */
final class LabelTable {

    static final String OTHER = "other";
    static final int OTHER_INDEX = 0;

    private final int capacity;
    private final ConcurrentHashMap<String, Integer> indexes = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> names;

    LabelTable(int maxNames) {
        this.capacity = maxNames + 1;
        this.names = new AtomicReferenceArray<>(capacity);
        names.set(OTHER_INDEX, OTHER);
        indexes.put(OTHER, OTHER_INDEX);
    }

    int capacity() {
        return capacity;
    }

    int indexOf(String name) {
        Integer known = indexes.get(name);
        if (known != null) {
            return known;
        }
        if (indexes.size() >= capacity) {
            return OTHER_INDEX;
        }
        synchronized (this) {
            known = indexes.get(name);
            if (known != null) {
                return known;
            }
            int next = indexes.size();
            if (next >= capacity) {
                return OTHER_INDEX;
            }
            names.set(next, name);
            indexes.put(name, next);
            return next;
        }
    }

    /** The name at an index, or null if none is assigned yet. */
    String nameOf(int index) {
        return names.get(index);
    }

    int size() {
        return indexes.size();
    }
}

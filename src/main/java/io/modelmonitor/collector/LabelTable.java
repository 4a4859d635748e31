package io.modelmonitor.collector;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Interns class or segment names into small indexes, with hard caps: past {@code maxNames} every new name folds into
 * {@value #OTHER}, and so does a name longer than {@code maxLength}, so a model that suddenly emits free text, or a
 * client that sends junk, can blow up neither memory nor metric cardinality nor the monitor's status. Reserved names
 * (the segments a monitor declares, its reference group) hold their indexes from the start, so junk arriving first
 * cannot fold them into "other"; a closed table counts only its reserved names apart.
 */
final class LabelTable {

    static final String OTHER = "other";
    static final int OTHER_INDEX = 0;
    /** A segment is a group name (a region, a language, an age band): 64 characters hold any real one. */
    static final int MAX_SEGMENT_LENGTH = 64;
    static final int MAX_CLASS_LENGTH = 128;

    private final int capacity;
    private final int maxLength;
    private final boolean closed;
    private final ConcurrentHashMap<String, Integer> indexes = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> names;

    LabelTable(int maxNames) {
        this(maxNames, MAX_CLASS_LENGTH, List.of(), false);
    }

    /**
     * @param reserved names that get their indexes at once, whatever arrives first (more than {@code maxNames} is a
     *     configuration error the caller rules out)
     * @param closed whether only the reserved names are counted apart
     */
    LabelTable(int maxNames, int maxLength, List<String> reserved, boolean closed) {
        this.capacity = maxNames + 1;
        this.maxLength = maxLength;
        this.closed = closed;
        this.names = new AtomicReferenceArray<>(capacity);
        names.set(OTHER_INDEX, OTHER);
        indexes.put(OTHER, OTHER_INDEX);
        for (String name : reserved) {
            if (name.length() > maxLength || indexes.size() >= capacity) {
                throw new IllegalArgumentException("reserved name '" + name + "' does not fit the table");
            }
            if (!indexes.containsKey(name)) {
                names.set(indexes.size(), name);
                indexes.put(name, indexes.size());
            }
        }
    }

    int capacity() {
        return capacity;
    }

    int indexOf(String name) {
        if (name == null || name.length() > maxLength) {
            return OTHER_INDEX;
        }
        Integer known = indexes.get(name);
        if (known != null) {
            return known;
        }
        if (closed || indexes.size() >= capacity) {
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

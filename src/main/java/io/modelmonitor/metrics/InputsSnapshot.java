package io.modelmonitor.metrics;

import java.util.List;
import java.util.Map;

/**
 * What a collector read from the requests its model was fed: part of {@link CollectorSnapshot}. The counters are
 * cumulative like the rest of the snapshot. The sketches are not counters (a distribution cannot be subtracted), so
 * they travel as what the reader has not merged yet: the reader names the last epoch it merged, the collector
 * closes its open epoch and answers with every closed epoch after that one, merged into one sketch per feature.
 *
 * @param requests requests whose body was read for inputs
 * @param schemaViolations requests whose shape did not match (not JSON, no instances, a row of the wrong shape,
 *        more features than the cap): their rows are not counted, the request itself passed through untouched
 * @param rows instances read (one per row of a batch)
 * @param features one entry per declared feature, in spec order
 * @param sketches null unless the reader asked for them
 */
public record InputsSnapshot(long requests, long schemaViolations, long rows, List<FeatureCounts> features,
        Sketches sketches) {

    /**
     * One feature's counts over every row read: a value of the right type, missing (absent or null), or of the wrong
     * type (a string where a number belongs, NaN or an infinity, an object or array where a scalar belongs).
     */
    public record FeatureCounts(String name, String type, long values, long missing, long wrongType) {
    }

    /**
     * The epochs {@code fromSeq} to {@code toSeq} of the collector {@code instance}, merged: one base64 sketch per
     * feature (see {@link FeatureSketch#toBytes()}), features with no value left out. {@code gap} says that epochs
     * after the reader's cursor were already dropped (it read too seldom, or the collector restarted).
     */
    public record Sketches(String instance, long fromSeq, long toSeq, boolean gap, Map<String, String> features) {
    }
}

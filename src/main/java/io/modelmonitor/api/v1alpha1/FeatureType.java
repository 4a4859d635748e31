package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a feature's values are summarized: a quantile sketch of numbers, or a frequency sketch of categories. */
public enum FeatureType {
    @JsonProperty("numerical")
    NUMERICAL("numerical"),
    @JsonProperty("categorical")
    CATEGORICAL("categorical");

    private final String wireName;

    FeatureType(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling of the spec, the collector's environment and the snapshot. */
    public String wireName() {
        return wireName;
    }

    public static FeatureType fromWireName(String value) {
        for (FeatureType t : values()) {
            if (t.wireName.equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("must be numerical or categorical");
    }
}

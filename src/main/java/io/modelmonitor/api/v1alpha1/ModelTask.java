package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum ModelTask {
    @JsonProperty("binary-classification")
    BINARY_CLASSIFICATION,
    @JsonProperty("multiclass-classification")
    MULTICLASS_CLASSIFICATION,
    @JsonProperty("regression")
    REGRESSION;

    public boolean isClassification() {
        return this != REGRESSION;
    }

    /** The spelling used in the spec and in the collector's environment. */
    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }
}

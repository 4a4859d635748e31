package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum ModelTask {
    @JsonProperty("binary-classification")
    BINARY_CLASSIFICATION,
    @JsonProperty("multiclass-classification")
    MULTICLASS_CLASSIFICATION,
    @JsonProperty("regression")
    REGRESSION,
    /** A generative (language) model behind protocol openai or oip-generate: judged on its tokens and feedback. */
    @JsonProperty("generation")
    GENERATION;

    public boolean isClassification() {
        return this == BINARY_CLASSIFICATION || this == MULTICLASS_CLASSIFICATION;
    }

    /** The spelling used in the spec and in the collector's environment. */
    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }
}

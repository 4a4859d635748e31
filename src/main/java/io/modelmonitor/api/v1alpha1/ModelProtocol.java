package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum ModelProtocol {
    @JsonProperty("kserve-v1")
    KSERVE_V1("kserve-v1"),
    @JsonProperty("open-inference-v2")
    OPEN_INFERENCE_V2("open-inference-v2"),
    @JsonProperty("json")
    JSON("json");

    private final String wireName;

    ModelProtocol(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling used in the spec and in the collector's environment. */
    public String wireName() {
        return wireName;
    }

    public static ModelProtocol fromWireName(String value) {
        for (ModelProtocol p : values()) {
            if (p.wireName.equals(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("must be one of kserve-v1, open-inference-v2, json");
    }
}

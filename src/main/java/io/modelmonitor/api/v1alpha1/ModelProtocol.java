package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum ModelProtocol {
    @JsonProperty("kserve-v1")
    KSERVE_V1("kserve-v1"),
    @JsonProperty("open-inference-v2")
    OPEN_INFERENCE_V2("open-inference-v2"),
    @JsonProperty("json")
    JSON("json"),
    /** OpenAI-compatible /v1/chat/completions, /v1/completions and /v1/embeddings (vLLM, TGI, llama.cpp, Ollama). */
    @JsonProperty("openai")
    OPENAI("openai"),
    /** The Open Inference Protocol's generate extension: /v2/models/{m}/generate and generate_stream. */
    @JsonProperty("oip-generate")
    OIP_GENERATE("oip-generate");

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
        throw new IllegalArgumentException("must be one of kserve-v1, open-inference-v2, json, openai, oip-generate");
    }

    /** The protocols of generative models, whose answers are tokens (often streamed), not predictions. */
    public boolean isGenerative() {
        return this == OPENAI || this == OIP_GENERATE;
    }
}

package io.modelmonitor.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "self.protocol != 'json' || has(self.predictionPointer)",
        message = "predictionPointer is required when protocol is json")
@ValidationRule(value = "!has(self.scorePointer) || self.task == 'binary-classification'",
        message = "scorePointer reads a binary classifier's scores")
@ValidationRule(value = "(self.task == 'generation') == (self.protocol in ['openai', 'oip-generate'])",
        message = "task generation goes with protocol openai or oip-generate, and those protocols with task generation")
public class ModelSpec {

    /** RFC 6901: empty, or '/'-separated tokens where '~' only appears as ~0 or ~1. */
    public static final String JSON_POINTER = "^(/([^~/]|~[01])*)*$";

    @Required
    @JsonPropertyDescription("What the model predicts: binary-classification, multiclass-classification, regression, or "
            + "generation (a language model behind protocol openai or oip-generate).")
    private ModelTask task;

    @Default("kserve-v1")
    @JsonPropertyDescription("How to read predictions from responses: kserve-v1 (the 'predictions' array), "
            + "open-inference-v2 (outputs[].data) or json (predictionPointer); for task generation, openai "
            + "(/v1/chat/completions, /v1/completions, /v1/embeddings, streamed or not) or oip-generate (/v2/models/{m}/generate "
            + "and generate_stream).")
    private ModelProtocol protocol = ModelProtocol.KSERVE_V1;

    @Pattern(JSON_POINTER)
    @Size(max = 256)
    @JsonPropertyDescription("RFC 6901 JSON pointer to the prediction in the response body. Required for protocol json; "
            + "for kserve-v1 and open-inference-v2 it selects an output when the default is not wanted.")
    private String predictionPointer;

    @Pattern(JSON_POINTER)
    @Size(max = 256)
    @JsonPropertyDescription("RFC 6901 JSON pointer to a binary classifier's scores in the response: per instance, its "
            + "probability of the positive class (a number), a vector of two class probabilities, or a map by class "
            + "(e.g. /probabilities, or /outputs/1/data for an open-inference-v2 output of shape [batch, 2]). Without it, "
            + "a prediction that is itself a vector of two probabilities is its own score. Scores give "
            + "estimatedAccuracy and the other estimates made before labels come.")
    private String scorePointer;

    @Default("1")
    @Size(max = 64)
    @JsonPropertyDescription("For binary-classification: the predicted value that counts as positive for precision, "
            + "recall and F1.")
    private String positiveLabel = "1";

    @JsonPropertyDescription("Where the segment (e.g. region or demographic group) of a request is read, for "
            + "per-segment figures and fairness. Exactly one of header, pointer (request body) or responsePointer (response "
            + "body).")
    private SegmentSpec segment;

    @Size(max = FeatureSpec.MAX_FEATURES)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyDescription("The input features the collector reads from each request (JSON over HTTP/1.1 and "
            + "HTTP/2, gRPC ModelInfer: kserve-v1 instances, open-inference-v2 inputs, or pointers), at most 64: their drift from spec.reference "
            + "and their data quality (missing, wrong type, unseen values) become metrics objectives can name. Names "
            + "are unique (the operator checks it: a rule over every pair would cost the API server too much).")
    private List<FeatureSpec> features = new ArrayList<>();

    public ModelTask getTask() {
        return task;
    }

    public void setTask(ModelTask task) {
        this.task = task;
    }

    public ModelProtocol getProtocol() {
        return protocol;
    }

    public void setProtocol(ModelProtocol protocol) {
        this.protocol = protocol;
    }

    public String getPredictionPointer() {
        return predictionPointer;
    }

    public void setPredictionPointer(String predictionPointer) {
        this.predictionPointer = predictionPointer;
    }

    public String getPositiveLabel() {
        return positiveLabel;
    }

    public void setPositiveLabel(String positiveLabel) {
        this.positiveLabel = positiveLabel;
    }

    public String getScorePointer() {
        return scorePointer;
    }

    public void setScorePointer(String scorePointer) {
        this.scorePointer = scorePointer;
    }

    public List<FeatureSpec> getFeatures() {
        return features;
    }

    public void setFeatures(List<FeatureSpec> features) {
        this.features = features == null ? new ArrayList<>() : features;
    }

    public SegmentSpec getSegment() {
        return segment;
    }

    public void setSegment(SegmentSpec segment) {
        this.segment = segment;
    }
}

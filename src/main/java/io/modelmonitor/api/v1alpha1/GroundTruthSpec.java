package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

public class GroundTruthSpec {

    @Default("1h")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('1s') && duration(self) <= duration('720h')",
            message = "labelTTL must be between 1s and 720h")
    @JsonPropertyDescription("How long a prediction waits for its label before it is evicted (counted), 1s to 720h "
            + "(30 days). Duration such as 90s, 15m, 1h. Its id expires with it: a label sent later is unmatched.")
    private String labelTTL = "1h";

    @JsonPropertyDescription("Secret key holding the bearer token that feedback requests must present. Without it the "
            + "feedback endpoint accepts unauthenticated labels, which anyone who reaches the pod could forge.")
    private SecretKeyRef tokenSecretRef;

    public String getLabelTTL() {
        return labelTTL;
    }

    public void setLabelTTL(String labelTTL) {
        this.labelTTL = labelTTL;
    }

    public SecretKeyRef getTokenSecretRef() {
        return tokenSecretRef;
    }

    public void setTokenSecretRef(SecretKeyRef tokenSecretRef) {
        this.tokenSecretRef = tokenSecretRef;
    }
}

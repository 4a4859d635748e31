package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

public class GroundTruthSpec {

    @Default("1h")
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("How long a prediction waits for its label before it is evicted (counted). Duration such as 90s, 15m, 1h.")
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

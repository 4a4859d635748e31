package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

public class AlertSpec {

    @Required
    @Pattern(TargetSpec.DNS_LABEL)
    // The bound lets a real API server afford the uniqueness rule on alerts (CEL cost grows with string length).
    @Size(max = 63)
    @JsonPropertyDescription("Name of this alert receiver, unique within the monitor; shown in conditions and metrics.")
    private String name;

    @Required
    @JsonPropertyDescription("Payload format: slack (incoming-webhook message) or webhook (model-monitor's JSON event).")
    private AlertType type;

    @Required
    @JsonPropertyDescription("Secret key holding the receiver URL. The URL never appears in status, Events or logs.")
    private SecretKeyRef urlSecretRef;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public AlertType getType() {
        return type;
    }

    public void setType(AlertType type) {
        this.type = type;
    }

    public SecretKeyRef getUrlSecretRef() {
        return urlSecretRef;
    }

    public void setUrlSecretRef(SecretKeyRef urlSecretRef) {
        this.urlSecretRef = urlSecretRef;
    }
}

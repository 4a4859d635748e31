package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.generator.annotation.Size;

@ValidationRule(value = "!(self.type in ['pagerduty', 'opsgenie']) || has(self.keySecretRef)",
        message = "pagerduty and opsgenie need keySecretRef: the Secret key of the routing key or API key")
public class AlertSpec {

    @Required
    @Pattern(TargetSpec.DNS_LABEL)
    // The bound lets a real API server afford the uniqueness rule on alerts (CEL cost grows with string length).
    @Size(max = 63)
    @JsonPropertyDescription("Name of this alert receiver, unique within the monitor; shown in conditions and metrics.")
    private String name;

    @Required
    @JsonPropertyDescription("Payload format: slack (incoming-webhook message), webhook (model-monitor's JSON event), "
            + "pagerduty (Events API v2, e.g. https://events.pagerduty.com/v2/enqueue), teams (a workflow webhook, with an "
            + "Adaptive Card) or opsgenie (Alert API, e.g. https://api.opsgenie.com/v2/alerts).")
    private AlertType type;

    @Required
    @JsonPropertyDescription("Secret key holding the receiver URL. The URL never appears in status, Events or logs.")
    private SecretKeyRef urlSecretRef;

    @JsonPropertyDescription("For pagerduty and opsgenie: the Secret key holding the integration's routing key "
            + "(PagerDuty) or API key (Opsgenie). Never shown in status, Events or logs.")
    private SecretKeyRef keySecretRef;

    @JsonPropertyDescription("The least severity this receiver takes: info (everything, the default), warning or "
            + "critical. A breach has its objective's severity; the rollback and the recovery after it, the breach's.")
    private Severity minSeverity;

    public Severity getMinSeverity() {
        return minSeverity;
    }

    public void setMinSeverity(Severity minSeverity) {
        this.minSeverity = minSeverity;
    }

    /** Whether an alert of this severity is for this receiver. */
    public boolean takes(Severity severity) {
        return severity.atLeast(minSeverity == null ? Severity.info : minSeverity);
    }

    public SecretKeyRef getKeySecretRef() {
        return keySecretRef;
    }

    public void setKeySecretRef(SecretKeyRef keySecretRef) {
        this.keySecretRef = keySecretRef;
    }

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

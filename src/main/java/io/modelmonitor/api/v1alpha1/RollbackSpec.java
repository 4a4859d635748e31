package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

public class RollbackSpec {

    @Default("true")
    @JsonPropertyDescription("Roll the Deployment back on a confirmed breach. false: alert only, same decisions.")
    private Boolean enabled = true;

    @Default("lastKnownGood")
    @JsonPropertyDescription("Which revision to restore: lastKnownGood (last revision seen Healthy) or previousRevision.")
    private RollbackTarget to = RollbackTarget.lastKnownGood;

    @Default("10m")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('1s') && duration(self) <= duration('24h')",
            message = "cooldown must be between 1s and 24h")
    @JsonPropertyDescription("After any rollback, no further rollback for this long, 1s to 24h.")
    private String cooldown = "10m";

    @Default("10m")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    @ValidationRule(value = "duration(self) >= duration('10s') && duration(self) <= duration('24h')",
            message = "timeout must be between 10s and 24h")
    @JsonPropertyDescription("How long a rollback may take to roll out (all pods of the restored revision ready) before it "
            + "is reported RollbackFailed and given up.")
    private String timeout = "10m";

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public RollbackTarget getTo() {
        return to;
    }

    public void setTo(RollbackTarget to) {
        this.to = to;
    }

    public String getCooldown() {
        return cooldown;
    }

    public void setCooldown(String cooldown) {
        this.cooldown = cooldown;
    }
}

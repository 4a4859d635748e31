package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One input feature's figures in the window; intervals are simultaneous over the monitor's features. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeatureStatus {

    private String name;

    @JsonPropertyDescription("numerical or categorical.")
    private String type;

    @JsonPropertyDescription("Rows read in the window (one per instance of a batch).")
    private Long rows;

    @JsonPropertyDescription("Jensen-Shannon distance (base 2, 0 to 1) from the reference, with the noise of a finite "
            + "window taken off (lower) and on (upper).")
    private Proportion drift;

    @JsonPropertyDescription("Population stability index on the same bins as drift (numerical features).")
    private Double psi;

    @JsonPropertyDescription("Share of rows where the feature is absent or null.")
    private Proportion missingRate;

    @JsonPropertyDescription("Share of rows where the feature has the wrong type (text for a number, NaN, an object).")
    private Proportion wrongTypeRate;

    @JsonPropertyDescription("Numerical: share of values outside the reference's range. Categorical: share of values "
            + "in categories the reference never saw.")
    private Proportion unseenRate;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public Long getRows() {
        return rows;
    }

    public void setRows(Long rows) {
        this.rows = rows;
    }

    public Proportion getDrift() {
        return drift;
    }

    public void setDrift(Proportion drift) {
        this.drift = drift;
    }

    public Double getPsi() {
        return psi;
    }

    public void setPsi(Double psi) {
        this.psi = psi;
    }

    public Proportion getMissingRate() {
        return missingRate;
    }

    public void setMissingRate(Proportion missingRate) {
        this.missingRate = missingRate;
    }

    public Proportion getWrongTypeRate() {
        return wrongTypeRate;
    }

    public void setWrongTypeRate(Proportion wrongTypeRate) {
        this.wrongTypeRate = wrongTypeRate;
    }

    public Proportion getUnseenRate() {
        return unseenRate;
    }

    public void setUnseenRate(Proportion unseenRate) {
        this.unseenRate = unseenRate;
    }
}

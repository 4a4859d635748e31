package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What a binary classifier's mistakes cost the business, per mistake, in its own unit: the figures that make
 * {@code expectedCost} (per 1,000 predictions, and per hour at the current traffic).
 */
@ValidationRule(value = "self.falsePositive > 0.0 || self.falseNegative > 0.0",
        message = "costs: at least one of falsePositive and falseNegative must be above 0")
public class CostSpec {

    /** The most one mistake may cost: beyond it a figure is a typo, and sums would lose their precision. */
    public static final double MAX = 1e9;

    @Required
    @Min(0)
    @Max(MAX)
    @JsonPropertyDescription("What one false positive costs (e.g. a good customer's payment blocked), in unit; 0 to 1e9.")
    private Double falsePositive;

    @Required
    @Min(0)
    @Max(MAX)
    @JsonPropertyDescription("What one false negative costs (e.g. a fraud let through), in unit; 0 to 1e9.")
    private Double falseNegative;

    @Required
    @Pattern("^[A-Za-z][A-Za-z0-9_.-]{0,15}$")
    @JsonPropertyDescription("The unit the costs are in, as people read it: EUR, USD, hours, ... (a letter, then up to "
            + "15 letters, digits, '.', '_' or '-').")
    private String unit;

    public CostSpec() {
    }

    public CostSpec(double falsePositive, double falseNegative, String unit) {
        this.falsePositive = falsePositive;
        this.falseNegative = falseNegative;
        this.unit = unit;
    }

    public Double getFalsePositive() {
        return falsePositive;
    }

    public void setFalsePositive(Double falsePositive) {
        this.falsePositive = falsePositive;
    }

    public Double getFalseNegative() {
        return falseNegative;
    }

    public void setFalseNegative(Double falseNegative) {
        this.falseNegative = falseNegative;
    }

    public String getUnit() {
        return unit;
    }

    public void setUnit(String unit) {
        this.unit = unit;
    }
}

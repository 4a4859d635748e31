package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One input feature the collector reads from every request, for drift and data quality. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.index) && has(self.pointer))", message = "set at most one of index or pointer")
public class FeatureSpec {

    /** A feature's name: also a status key, a Prometheus label value and a JSON key, so kept plain. */
    public static final String NAME = "^[A-Za-z0-9_.-]{1,63}$";
    /** The most features a monitor reads: every one costs each replica a sketch (about 5 KiB, 32 KiB at most). */
    public static final int MAX_FEATURES = 64;

    @Required
    @Pattern(NAME)
    @Size(max = 63)
    @JsonPropertyDescription("The feature's name: the key of an object instance (kserve-v1 {\"instances\": [{...}]}), or "
            + "the name of an open-inference-v2 input tensor.")
    private String name;

    @Required
    @JsonPropertyDescription("numerical (a quantile sketch; drift on the reference's deciles) or categorical (the "
            + "most frequent categories; drift on the reference's categories plus other).")
    private FeatureType type;

    @Min(0)
    @Max(4095)
    @JsonPropertyDescription("The feature's position in an array instance (kserve-v1 {\"instances\": [[...]]}), or its "
            + "column in the first input tensor of shape [batch, k] (open-inference-v2), for models that take unnamed "
            + "vectors.")
    private Integer index;

    @Pattern(ModelSpec.JSON_POINTER)
    @Size(max = 256)
    @JsonPropertyDescription("RFC 6901 JSON pointer inside one instance, for other shapes (e.g. /customer/age).")
    private String pointer;

    public FeatureSpec() {
    }

    public FeatureSpec(String name, FeatureType type) {
        this.name = name;
        this.type = type;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public FeatureType getType() {
        return type;
    }

    public void setType(FeatureType type) {
        this.type = type;
    }

    public Integer getIndex() {
        return index;
    }

    public void setIndex(Integer index) {
        this.index = index;
    }

    public String getPointer() {
        return pointer;
    }

    public void setPointer(String pointer) {
        this.pointer = pointer;
    }
}

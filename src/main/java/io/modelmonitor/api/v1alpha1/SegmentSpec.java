package io.modelmonitor.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "(has(self.header) ? 1 : 0) + (has(self.pointer) ? 1 : 0) + (has(self.responsePointer) ? 1 : 0) == 1",
        message = "set exactly one of header, pointer or responsePointer")
public class SegmentSpec {

    @Pattern("^[A-Za-z0-9-]+$")
    @Size(max = 128)
    @JsonPropertyDescription("HTTP request header that carries the segment, e.g. X-Segment.")
    private String header;

    @Pattern(ModelSpec.JSON_POINTER)
    @Size(max = 256)
    @JsonPropertyDescription("RFC 6901 JSON pointer into the request body, e.g. /instances/0/region.")
    private String pointer;

    @Pattern(ModelSpec.JSON_POINTER)
    @Size(max = 256)
    @JsonPropertyDescription("RFC 6901 JSON pointer into the model's response body, e.g. /segment, for a group the "
            + "model itself assigns (HTTP/1.1 JSON responses).")
    private String responsePointer;

    public String getResponsePointer() {
        return responsePointer;
    }

    public void setResponsePointer(String responsePointer) {
        this.responsePointer = responsePointer;
    }

    @Size(max = 64)
    @JsonPropertyDescription("The group the others are compared with by the fairness objectives (e.g. the privileged "
            + "group); unset, every pair of groups is compared. It is always counted apart, whatever else arrives.")
    private String reference;

    @Size(max = 64)
    @ValidationRule(value = "self.all(v, size(v) >= 1 && size(v) <= 64)",
            message = "each segment value is 1 to 64 characters")
    @JsonPropertyDescription("The groups, declared: only these (and the reference) are counted apart, any other value "
            + "as 'other', so values a client makes up cannot push the real groups out. Unset, the first "
            + "32 values each collector sees are counted apart (a value over 64 characters is always 'other'). "
            + "Declare them when clients choose the segment (a header they send).")
    private List<String> values;

    public List<String> getValues() {
        return values;
    }

    public void setValues(List<String> values) {
        this.values = values;
    }

    public String getReference() {
        return reference;
    }

    public void setReference(String reference) {
        this.reference = reference;
    }

    public String getHeader() {
        return header;
    }

    public void setHeader(String header) {
        this.header = header;
    }

    public String getPointer() {
        return pointer;
    }

    public void setPointer(String pointer) {
        this.pointer = pointer;
    }
}

package io.modelmonitor.api.v1alpha1;

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

    @Size(max = 128)
    @JsonPropertyDescription("The group the others are compared with by the fairness objectives (e.g. the privileged "
            + "group); unset, every pair of groups is compared.")
    private String reference;

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

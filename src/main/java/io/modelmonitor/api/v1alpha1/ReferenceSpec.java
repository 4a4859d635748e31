package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The reference profile that input drift and the reference-range checks compare the window with. */
public class ReferenceSpec {

    /** The label the profile command puts on its ConfigMap: the operator reads no other. */
    public static final String PROFILE_LABEL = "modelmonitor.io/profile";

    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @Size(max = 253)
    @JsonPropertyDescription("A ConfigMap in the monitor's namespace, written by the image's profile command (java -jar "
            + "... profile --csv train.csv ...): key profile.json, label modelmonitor.io/profile=true. The operator "
            + "reads no ConfigMap without that label.")
    private String configMap;

    public ReferenceSpec() {
    }

    public ReferenceSpec(String configMap) {
        this.configMap = configMap;
    }

    public String getConfigMap() {
        return configMap;
    }

    public void setConfigMap(String configMap) {
        this.configMap = configMap;
    }
}

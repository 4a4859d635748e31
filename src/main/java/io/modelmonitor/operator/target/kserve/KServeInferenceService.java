package io.modelmonitor.operator.target.kserve;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * KServe's {@code InferenceService} (serving.kserve.io/v1beta1): the fields the operator reads, from its published
 * API. Read only: the one change the operator makes (a canary's {@code trafficPercent}) is a JSON patch of that field,
 * so the model never writes back a whole object and the many fields it does not name are skipped, not logged.
 */
@Group("serving.kserve.io")
@Version("v1beta1")
@Kind("InferenceService")
@Plural("inferenceservices")
@JsonIgnoreProperties(ignoreUnknown = true)
public class KServeInferenceService extends CustomResource<KServeInferenceService.Spec, KServeInferenceService.Status>
        implements Namespaced {

    /** KServe's annotation choosing how an InferenceService is deployed; only raw Deployments are supported. */
    static final String DEPLOYMENT_MODE = "serving.kserve.io/deploymentMode";
    /** The labels KServe puts on every pod of an InferenceService's predictor (stable and canaries alike). */
    static final String ISVC_LABEL = "serving.kserve.io/inferenceservice";
    static final String COMPONENT_LABEL = "component";
    static final String PREDICTOR = "predictor";

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        private Predictor predictor;
        private List<Canary> canary;

        public Predictor getPredictor() {
            return predictor;
        }

        public void setPredictor(Predictor predictor) {
            this.predictor = predictor;
        }

        public List<Canary> getCanary() {
            return canary;
        }

        public void setCanary(List<Canary> canary) {
            this.canary = canary;
        }
    }

    /** A predictor; its optional name makes its Deployment {@code <isvc>-<name>-predictor}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Predictor {
        private String name;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }

    /** A canary variant of the predictor (raw deployment mode) and the share of traffic it gets. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Canary {
        private Predictor predictor;
        private Integer trafficPercent;

        public Predictor getPredictor() {
            return predictor;
        }

        public void setPredictor(Predictor predictor) {
            this.predictor = predictor;
        }

        public Integer getTrafficPercent() {
            return trafficPercent;
        }

        public void setTrafficPercent(Integer trafficPercent) {
            this.trafficPercent = trafficPercent;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Status {
        private Long observedGeneration;
        private List<CanaryStatus> canaryStatuses;

        public Long getObservedGeneration() {
            return observedGeneration;
        }

        public void setObservedGeneration(Long observedGeneration) {
            this.observedGeneration = observedGeneration;
        }

        public List<CanaryStatus> getCanaryStatuses() {
            return canaryStatuses;
        }

        public void setCanaryStatuses(List<CanaryStatus> canaryStatuses) {
            this.canaryStatuses = canaryStatuses;
        }
    }

    /** What KServe reports of a canary: the traffic share it applied. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CanaryStatus {
        private String name;
        private Integer trafficPercent;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Integer getTrafficPercent() {
            return trafficPercent;
        }

        public void setTrafficPercent(Integer trafficPercent) {
            this.trafficPercent = trafficPercent;
        }
    }
}

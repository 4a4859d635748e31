package io.modelmonitor.operator.target.argo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Argo Rollouts' {@code Rollout} (argoproj.io/v1alpha1), the fields the operator reads and writes, from its published
 * API. Everything else (the strategy, analysis, traffic routing) is kept as it came, so an edit never drops it.
 */
@Group("argoproj.io")
@Version("v1alpha1")
@Kind("Rollout")
@Plural("rollouts")
public class ArgoRollout extends CustomResource<ArgoRollout.Spec, ArgoRollout.Status> implements Namespaced {

    /** Fields a class does not name, kept in order and written back as they were. */
    abstract static class Open {
        private final Map<String, Object> other = new LinkedHashMap<>();

        @JsonAnyGetter
        public Map<String, Object> getOther() {
            return other;
        }

        @JsonAnySetter
        public void setOther(String key, Object value) {
            other.put(key, value);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec extends Open {
        private Integer replicas;
        private LabelSelector selector;
        private PodTemplateSpec template;
        /** A Rollout may take its template from a Deployment instead of holding one (not supported as a target). */
        private Map<String, Object> workloadRef;

        public Integer getReplicas() {
            return replicas;
        }

        public void setReplicas(Integer replicas) {
            this.replicas = replicas;
        }

        public LabelSelector getSelector() {
            return selector;
        }

        public void setSelector(LabelSelector selector) {
            this.selector = selector;
        }

        public PodTemplateSpec getTemplate() {
            return template;
        }

        public void setTemplate(PodTemplateSpec template) {
            this.template = template;
        }

        public Map<String, Object> getWorkloadRef() {
            return workloadRef;
        }

        public void setWorkloadRef(Map<String, Object> workloadRef) {
            this.workloadRef = workloadRef;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Status extends Open {
        private Boolean abort;
        private String abortedAt;
        private String currentPodHash;
        private String stableRS;
        private String phase;
        private String message;
        /** A string in Argo's API (the generation it has seen, as text). */
        private String observedGeneration;
        private Integer replicas;
        private Integer updatedReplicas;
        private Integer readyReplicas;
        private Integer availableReplicas;
        private List<Condition> conditions;

        public Boolean getAbort() {
            return abort;
        }

        public void setAbort(Boolean abort) {
            this.abort = abort;
        }

        public String getAbortedAt() {
            return abortedAt;
        }

        public void setAbortedAt(String abortedAt) {
            this.abortedAt = abortedAt;
        }

        public String getCurrentPodHash() {
            return currentPodHash;
        }

        public void setCurrentPodHash(String currentPodHash) {
            this.currentPodHash = currentPodHash;
        }

        public String getStableRS() {
            return stableRS;
        }

        public void setStableRS(String stableRS) {
            this.stableRS = stableRS;
        }

        public String getPhase() {
            return phase;
        }

        public void setPhase(String phase) {
            this.phase = phase;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }

        public String getObservedGeneration() {
            return observedGeneration;
        }

        public void setObservedGeneration(String observedGeneration) {
            this.observedGeneration = observedGeneration;
        }

        public Integer getReplicas() {
            return replicas;
        }

        public void setReplicas(Integer replicas) {
            this.replicas = replicas;
        }

        public Integer getUpdatedReplicas() {
            return updatedReplicas;
        }

        public void setUpdatedReplicas(Integer updatedReplicas) {
            this.updatedReplicas = updatedReplicas;
        }

        public Integer getReadyReplicas() {
            return readyReplicas;
        }

        public void setReadyReplicas(Integer readyReplicas) {
            this.readyReplicas = readyReplicas;
        }

        public Integer getAvailableReplicas() {
            return availableReplicas;
        }

        public void setAvailableReplicas(Integer availableReplicas) {
            this.availableReplicas = availableReplicas;
        }

        public List<Condition> getConditions() {
            return conditions;
        }

        public void setConditions(List<Condition> conditions) {
            this.conditions = conditions;
        }
    }
}

package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Per-class precision and recall of a multiclass model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClassStatus {

    @JsonPropertyDescription("Class label.")
    private String name;

    @JsonPropertyDescription("Precision of this class.")
    private Proportion precision;

    @JsonPropertyDescription("Recall of this class.")
    private Proportion recall;

    @JsonPropertyDescription("F1 score of this class.")
    private Double f1;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Proportion getPrecision() {
        return precision;
    }

    public void setPrecision(Proportion precision) {
        this.precision = precision;
    }

    public Proportion getRecall() {
        return recall;
    }

    public void setRecall(Proportion recall) {
        this.recall = recall;
    }

    public Double getF1() {
        return f1;
    }

    public void setF1(Double f1) {
        this.f1 = f1;
    }
}

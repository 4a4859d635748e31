package io.modelmonitor.evaluation;

/** The judgement of one objective at one evaluation. */
public enum ObjectiveState {
    MET, BREACHED, INSUFFICIENT_DATA
}

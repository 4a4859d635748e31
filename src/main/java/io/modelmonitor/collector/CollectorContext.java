package io.modelmonitor.collector;

/** What every connection of one collector shares; all of it used from the collector's one event loop. */
record CollectorContext(CollectorConfig config, CollectorStats stats, PendingPredictions pending, PredictionIds ids,
        PredictionReader reader, FeedbackService feedback, Connections connections, InputReader inputReader,
        InputStats inputs, GenerationStats generation) {

    /** Whether requests are read for input features: only when the monitor declares some. */
    boolean readsInputs() {
        return inputs != null;
    }

    /** Whether answers are read as a generative model's (task generation), not for predictions. */
    boolean generative() {
        return generation != null;
    }
}

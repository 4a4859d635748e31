package io.modelmonitor.operator;

import java.util.List;
import java.util.Optional;

/**
 * What keeps a revision's pods from becoming ready: its controller gave up on the rollout (a Deployment past its
 * progressDeadlineSeconds), pods crash-loop, or pods wait for another reason (an image that cannot be pulled, a
 * missing Secret). Each pod problem names the pod, the container and the reason.
 */
public record RolloutTrouble(Optional<String> deadlineExceeded, List<String> crashLooping, List<String> waiting) {

    public static final RolloutTrouble NONE = new RolloutTrouble(Optional.empty(), List.of(), List.of());
}

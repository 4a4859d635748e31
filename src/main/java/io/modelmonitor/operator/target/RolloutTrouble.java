package io.modelmonitor.operator.target;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What keeps a revision's pods from becoming ready: its controller gave up on the rollout (a Deployment past its
 * progressDeadlineSeconds), pods crash-loop, or pods wait for another reason (an image that cannot be pulled, a
 * missing Secret). Each pod problem names the pod, the container and the reason.
 */
public record RolloutTrouble(Optional<String> deadlineExceeded, List<String> crashLooping, List<String> waiting) {

    public static final RolloutTrouble NONE = new RolloutTrouble(Optional.empty(), List.of(), List.of());

    /** Waiting reasons that will not clear by themselves. */
    private static final Set<String> STUCK = Set.of("ImagePullBackOff", "ErrImagePull",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");
    /** A container restarted this often and now backing off is crash-looping, not starting slowly. */
    static final int CRASH_LOOP_RESTARTS = 3;

    /** A condition as a controller reports it, whatever its Java type. */
    public record Condition(String type, String status, String reason, String message) {
    }

    /**
     * The controller's own verdict: a Progressing condition that is False for ProgressDeadlineExceeded (what a
     * Deployment and an Argo Rollout both report past their progressDeadlineSeconds).
     */
    public static Optional<String> deadlineExceeded(List<Condition> conditions) {
        return conditions.stream()
                .filter(c -> "Progressing".equals(c.type()) && "False".equals(c.status())
                        && "ProgressDeadlineExceeded".equals(c.reason()))
                .map(c -> c.message() == null ? "ProgressDeadlineExceeded" : c.message()).findFirst();
    }

    /** What the pods with these labels say (crash loops, stuck waits), with the controller's own verdict. */
    static RolloutTrouble ofPods(KubernetesClient client, String namespace,
            Map<String, String> labels, Optional<String> deadline) {
        List<String> crashLooping = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (var pod : client.pods().inNamespace(namespace).withLabels(labels).list().getItems()) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (var c : pod.getStatus().getContainerStatuses()) {
                String reason = c.getState() == null || c.getState().getWaiting() == null ? null : c.getState().getWaiting().getReason();
                int restarts = c.getRestartCount() == null ? 0 : c.getRestartCount();
                String what = pod.getMetadata().getName() + ": container " + c.getName() + " " + reason;
                if ("CrashLoopBackOff".equals(reason) && restarts >= CRASH_LOOP_RESTARTS) {
                    crashLooping.add(what + " (" + restarts + " restarts)");
                } else if (reason != null && STUCK.contains(reason)) {
                    waiting.add(what);
                }
            }
        }
        return new RolloutTrouble(deadline, crashLooping, waiting);
    }
}

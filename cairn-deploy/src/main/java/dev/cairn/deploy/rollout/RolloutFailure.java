package dev.cairn.deploy.rollout;

import org.jspecify.annotations.Nullable;

/**
 * Why a rollout failed: the first failing pod's reason when there is one.
 *
 * @param workload {@code Kind namespace/name} of the workload that did not roll out
 * @param pod the failing pod, if one was found
 * @param container its failing container, if one was found
 * @param reason {@code ErrImagePull}, {@code ImagePullBackOff}, {@code CrashLoopBackOff}, {@code
 *     InvalidImageName}, {@code CreateContainerConfigError}, {@code ReadinessProbe}, {@code
 *     Unschedulable}, {@code ProgressDeadlineExceeded} or {@code Deadline}
 * @param message what happened, one line
 */
public record RolloutFailure(
    String workload,
    @Nullable String pod,
    @Nullable String container,
    String reason,
    String message) {
  /** One line for people. */
  public String describe() {
    StringBuilder b = new StringBuilder(workload);
    if (pod != null) {
      b.append(": pod ").append(pod);
      if (container != null) {
        b.append(" container ").append(container);
      }
    }
    return b.append(": ").append(reason).append(": ").append(message).toString();
  }
}

package dev.cairn.deploy.rollout;

import java.time.Duration;

/** How a deploy or rollback ended ({@link RolloutEngine}). */
public sealed interface DeployResult {
  /** The revision as recorded in the history. */
  Revision revision();

  /** From the first apply to the end of the (last) rollout wait. */
  Duration elapsed();

  /** Rolled out: the target now runs this revision. */
  record Deployed(Revision revision, Duration elapsed) implements DeployResult {}

  /** Failed, and revision {@code restored} was put back and rolled out again. */
  record RolledBack(Revision revision, RolloutFailure failure, int restored, Duration elapsed)
      implements DeployResult {}

  /** Failed, and nothing was put back: {@code why} says why not. */
  record Failed(Revision revision, RolloutFailure failure, String why, Duration elapsed)
      implements DeployResult {}

  default boolean succeeded() {
    return this instanceof Deployed;
  }
}

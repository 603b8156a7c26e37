package dev.cairn.deploy.rollout;

import dev.cairn.deploy.TargetConfig;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Deploys, rolls back and pins targets ({@code docs/deploy.md}). Made by {@link Rollouts#engine}.
 * One deploy or rollback of a target at a time (others are refused while one runs).
 */
public interface RolloutEngine {
  /**
   * Pins every image to its digest, asks the gate, applies the manifests by server-side apply,
   * waits for the rollout, and on failure puts the previous revision back.
   *
   * @return how the rollout ended; a failed rollout is a result, not an exception
   * @throws DeployException when it is refused before anything is applied (pinned target, an image
   *     that cannot be pinned, the gate, bad manifests) or the cluster cannot be reached
   */
  DeployResult deploy(DeployRequest request) throws DeployException, InterruptedException;

  /**
   * Applies revision {@code to} again (null: the deployed revision before the current one), waits
   * for it, records it as a new revision, and pins the target at {@code to}.
   */
  DeployResult rollback(TargetConfig target, @Nullable Integer to, String who)
      throws DeployException, InterruptedException;

  /**
   * Removes the target's pin.
   *
   * @return the pin removed, empty if there was none
   */
  Optional<Pin> unpin(String target) throws DeployException;

  /** The target's revisions, oldest first. */
  List<Revision> history(String target) throws DeployException;

  Optional<Pin> pin(String target) throws DeployException;
}

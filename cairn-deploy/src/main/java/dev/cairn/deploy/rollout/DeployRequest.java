package dev.cairn.deploy.rollout;

import dev.cairn.deploy.TargetConfig;
import dev.cairn.scanner.KubeObject;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One deploy.
 *
 * @param target where it goes
 * @param objects the manifests, as read (images by tag or digest)
 * @param commit the commit they come from, if known (recorded in the history)
 * @param who who deploys (recorded in the history)
 */
public record DeployRequest(
    TargetConfig target, List<KubeObject> objects, @Nullable String commit, String who) {
  public DeployRequest {
    objects = List.copyOf(objects);
    if (who.isBlank()) {
      throw new IllegalArgumentException("a deploy names who deploys");
    }
  }
}

package dev.cairn.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where a pipeline's {@code deploy} step sends what it built: the SPI through which the pipeline
 * deploys without knowing Kubernetes. cairn-deploy implements it (rollout behind the deploy gate);
 * the CLI and the server wire it in with {@link dev.cairn.pipeline.steps.Steps#deploy}.
 */
public interface DeployTarget {
  /**
   * Deploys {@code order} and returns how it ended.
   *
   * @throws PipelineException when the deploy is refused before anything is applied (the gate, a
   *     pinned target, bad manifests), with the reason
   * @throws InterruptedException when the step is cancelled
   */
  Outcome deploy(Order order) throws PipelineException, InterruptedException;

  /** Finds targets by name. */
  interface Lookup {
    /** The target named {@code name}, or empty when there is none. */
    Optional<DeployTarget> find(String name) throws PipelineException;
  }

  /**
   * One deploy.
   *
   * @param target the target's name
   * @param image the image the run pushed, {@code registry/repository@sha256:...}; every container
   *     of that repository in the manifests is set to it (the redeploy of a new image)
   * @param manifests the manifest files and directories, in the run's workspace
   * @param commit the run's commit
   * @param who who the run deploys for (the pusher, or the run's trigger)
   * @param log where progress goes (the step's log)
   */
  record Order(
      String target,
      @Nullable String image,
      List<Path> manifests,
      @Nullable String commit,
      String who,
      Consumer<String> log) {
    public Order {
      manifests = List.copyOf(manifests);
    }
  }

  /**
   * How a deploy ended.
   *
   * @param deployed whether the target now runs the new revision
   * @param revision the revision recorded in the target's history
   * @param message what happened: the failure's reason and what was rolled back
   */
  record Outcome(boolean deployed, int revision, String message) {}
}

package dev.cairn.pipeline.build;

import dev.cairn.pipeline.build.internal.Builds;
import java.util.function.Consumer;

/** Builds images from Dockerfiles without a Docker daemon. */
public final class ImageBuilds {
  private ImageBuilds() {}

  /**
   * Parses the request's Dockerfile and decides how it is built.
   *
   * @throws DockerfileException when the Dockerfile has errors (all of them)
   * @throws BuildException when the Dockerfile cannot be read or the target stage does not exist
   */
  public static BuildPlan plan(ImageBuild request) throws DockerfileException, BuildException {
    return Builds.plan(request);
  }

  /**
   * Builds the image and writes every output: natively with jib-core, or with buildah when the
   * Dockerfile needs it (and the engine allows it).
   */
  public static BuiltImage build(ImageBuild request, Consumer<? super BuildEvent> listener)
      throws DockerfileException, BuildException, InterruptedException {
    return Builds.build(request, listener);
  }
}

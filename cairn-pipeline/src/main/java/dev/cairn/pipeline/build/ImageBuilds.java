package dev.cairn.pipeline.build;

import dev.cairn.pipeline.build.internal.Builds;
import dev.cairn.pipeline.build.internal.JavaImageBuilder;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** Builds images from Dockerfiles, and Maven or Gradle projects, without a Docker daemon. */
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

  /**
   * The build tool of the Java project in {@code dir}: Maven for {@code pom.xml} with {@code mvnw},
   * Gradle for {@code build.gradle[.kts]} (or {@code settings.gradle[.kts]}) with {@code gradlew};
   * empty when it is no Maven or Gradle project.
   *
   * @throws BuildException when it is one but its wrapper is missing
   */
  public static Optional<JavaBuild.Tool> detectJava(Path dir) throws BuildException {
    return JavaImageBuilder.detect(dir);
  }

  /**
   * Runs the project's wrapper (its output as {@link BuildEvent.Log} lines) and packages what it
   * built as a layered image on the Java base image, written to {@code request.archive()}.
   */
  public static BuiltImage buildJava(JavaBuild request, Consumer<? super BuildEvent> listener)
      throws BuildException, InterruptedException {
    return JavaImageBuilder.build(request, listener);
  }
}

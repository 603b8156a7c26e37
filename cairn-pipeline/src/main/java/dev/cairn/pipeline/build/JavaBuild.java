package dev.cairn.pipeline.build;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Maven or Gradle project without a Dockerfile: built with its own wrapper ({@code ./mvnw
 * package}, {@code ./gradlew build}) and packaged by jib-core as a layered Java image.
 *
 * @param project the project's directory (with {@code pom.xml} and {@code mvnw}, or {@code
 *     build.gradle[.kts]} and {@code gradlew})
 * @param tool which build tool
 * @param workDir scratch space and jib-core's layer caches
 * @param baseImage the Java runtime image, {@code registry/repository[:tag][@digest]}
 * @param baseArchives base references served from a local Docker archive instead of a registry
 * @param wrapperArgs the wrapper's arguments; empty for the default ({@code -B package}, {@code
 *     build --no-daemon --console=plain})
 * @param mainClass the class to run, or null for the built jar's {@code Main-Class}
 * @param layout how the application is laid out in the image
 * @param environment extra environment of the wrapper (never secrets)
 * @param timestamp the creation time and file time in the image
 * @param archive where the OCI image layout (tar) is written
 * @param timeout the longest the wrapper may run
 */
public record JavaBuild(
    Path project,
    Tool tool,
    Path workDir,
    String baseImage,
    Map<String, Path> baseArchives,
    List<String> wrapperArgs,
    @Nullable String mainClass,
    Layout layout,
    Map<String, String> environment,
    Instant timestamp,
    Path archive,
    Duration timeout) {

  /**
   * The variables of the builder's environment the wrapper sees besides {@link #environment}; all
   * others (secrets among them) stay out.
   */
  public static final List<String> WRAPPER_ENVIRONMENT =
      List.of(
          "PATH",
          "HOME",
          "USER",
          "LANG",
          "LC_ALL",
          "TMPDIR",
          "JAVA_HOME",
          "MAVEN_USER_HOME",
          "MAVEN_OPTS",
          "GRADLE_USER_HOME",
          "GRADLE_OPTS");

  /** The image Cairn runs Java applications on when the pipeline names none. */
  public static final String DEFAULT_BASE_IMAGE = "docker.io/library/eclipse-temurin:21-jre";

  /** The build tool, found by {@link ImageBuilds#detectJava}. */
  public enum Tool {
    /** {@code pom.xml} and {@code mvnw}. */
    MAVEN,
    /** {@code build.gradle} or {@code build.gradle.kts} and {@code gradlew}. */
    GRADLE
  }

  /** How the application goes into the image. */
  public enum Layout {
    /**
     * Jib's layout: layers {@code dependencies} ({@code /app/libs}), {@code resources} ({@code
     * /app/resources}) and {@code classes} ({@code /app/classes}); {@code java -cp
     * /app/resources:/app/classes:/app/libs/* MAIN}.
     */
    CLASSES,
    /** The built jar at {@code /app/app.jar} and its {@code lib/} beside it; {@code java -jar}. */
    JAR
  }

  public JavaBuild {
    Objects.requireNonNull(project);
    Objects.requireNonNull(tool);
    if (baseImage.isBlank()) {
      throw new IllegalArgumentException("a Java build needs a base image");
    }
    baseArchives = Map.copyOf(baseArchives);
    wrapperArgs = List.copyOf(wrapperArgs);
    environment = Map.copyOf(environment);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a build timeout is positive");
    }
  }
}

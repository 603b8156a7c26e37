package dev.cairn.pipeline.build;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What to build: a Dockerfile in a build context, and where the image goes.
 *
 * @param context the build context (the checked-out repository, usually)
 * @param dockerfile the Dockerfile, relative to the context or absolute
 * @param buildArgs ARG values ({@code --build-arg})
 * @param target the stage to build, or null for the last
 * @param labels labels added to the image's own
 * @param baseArchives FROM references served from a local Docker archive instead of a registry
 * @param registryAuth credentials by registry host ({@code host[:port]}), for base images
 * @param insecureRegistries registry hosts reached over plain HTTP
 * @param workDir scratch space and the layer cache of this build
 * @param timestamp the creation time and file time in the image (the same for every build, so that
 *     the same commit and base give the same digest)
 * @param outputs where the image goes; an OCI archive in {@code workDir} when empty
 * @param engine which builder to use
 * @param buildah the buildah executable, or null to look for {@code buildah} on the PATH
 * @param timeout the longest a build may take
 */
public record ImageBuild(
    Path context,
    Path dockerfile,
    Map<String, String> buildArgs,
    @Nullable String target,
    Map<String, String> labels,
    Map<String, Path> baseArchives,
    Map<String, RegistryAuth> registryAuth,
    Set<String> insecureRegistries,
    Path workDir,
    Instant timestamp,
    List<ImageOutput> outputs,
    Engine engine,
    @Nullable Path buildah,
    Duration timeout) {

  /** Which builder builds the image. */
  public enum Engine {
    /** jib-core when every instruction allows it, else buildah. */
    AUTO,
    /** jib-core only: a Dockerfile that needs buildah is an error at its first such line. */
    NATIVE,
    /** buildah always. */
    BUILDAH
  }

  public ImageBuild {
    Objects.requireNonNull(context);
    Objects.requireNonNull(dockerfile);
    buildArgs = Map.copyOf(buildArgs);
    labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    baseArchives = Map.copyOf(baseArchives);
    registryAuth = Map.copyOf(registryAuth);
    insecureRegistries = Set.copyOf(insecureRegistries);
    outputs = List.copyOf(outputs);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a build timeout is positive");
    }
  }

  /** A request for {@code context/Dockerfile}, written to an OCI archive in {@code workDir}. */
  public static Builder builder(Path context, Path workDir) {
    return new Builder(context, workDir);
  }

  /** The Dockerfile's path. */
  public Path dockerfilePath() {
    return context.resolve(dockerfile);
  }

  /** Builds an {@link ImageBuild}. */
  public static final class Builder {
    private final Path context;
    private final Path workDir;
    private Path dockerfile = Path.of("Dockerfile");
    private final Map<String, String> buildArgs = new LinkedHashMap<>();
    private @Nullable String target;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, Path> baseArchives = new LinkedHashMap<>();
    private final Map<String, RegistryAuth> registryAuth = new LinkedHashMap<>();
    private final Set<String> insecure = new LinkedHashSet<>();
    private Instant timestamp = Instant.EPOCH;
    private final List<ImageOutput> outputs = new ArrayList<>();
    private Engine engine = Engine.AUTO;
    private @Nullable Path buildah;
    private Duration timeout = Duration.ofMinutes(30);

    private Builder(Path context, Path workDir) {
      this.context = context;
      this.workDir = workDir;
    }

    public Builder dockerfile(Path file) {
      this.dockerfile = file;
      return this;
    }

    public Builder buildArg(String name, String value) {
      buildArgs.put(name, value);
      return this;
    }

    public Builder target(String stage) {
      this.target = stage;
      return this;
    }

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    /** Serve {@code FROM reference} from a Docker archive ({@code docker save} format). */
    public Builder baseArchive(String reference, Path dockerArchive) {
      baseArchives.put(reference, dockerArchive);
      return this;
    }

    public Builder registryAuth(String registryHost, RegistryAuth auth) {
      registryAuth.put(registryHost, auth);
      return this;
    }

    public Builder insecureRegistry(String registryHost) {
      insecure.add(registryHost);
      return this;
    }

    public Builder timestamp(Instant time) {
      this.timestamp = time;
      return this;
    }

    public Builder output(ImageOutput output) {
      outputs.add(output);
      return this;
    }

    public Builder engine(Engine engine) {
      this.engine = engine;
      return this;
    }

    public Builder buildah(Path executable) {
      this.buildah = executable;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public ImageBuild build() {
      return new ImageBuild(
          context,
          dockerfile,
          buildArgs,
          target,
          labels,
          baseArchives,
          registryAuth,
          insecure,
          workDir,
          timestamp,
          outputs,
          engine,
          buildah,
          timeout);
    }
  }
}

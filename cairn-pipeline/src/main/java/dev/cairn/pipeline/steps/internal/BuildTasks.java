package dev.cairn.pipeline.steps.internal;

import dev.cairn.core.CairnException;
import dev.cairn.pipeline.build.BuildEvent;
import dev.cairn.pipeline.build.BuiltImage;
import dev.cairn.pipeline.build.ImageBuild;
import dev.cairn.pipeline.build.ImageBuilds;
import dev.cairn.pipeline.build.ImageOutput;
import dev.cairn.pipeline.build.JavaBuild;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One way to carry out a {@link BuilderProtocol.BuildTask}, whether the measured builder runs it
 * (the build step of a pipeline whose sign step is attested) or the step itself does (no attested
 * signing): the same task, the same code, the same image.
 */
public final class BuildTasks {
  private BuildTasks() {}

  /** Builds {@code t} into its archive, telling {@code listener} as it goes. */
  public static BuiltImage run(BuilderProtocol.BuildTask t, Consumer<? super BuildEvent> listener)
      throws CairnException, IOException, InterruptedException {
    if (t.tool().equals("dockerfile")) {
      ImageBuild.Builder b =
          ImageBuild.builder(Path.of(t.context()), Path.of(t.work()))
              .dockerfile(Path.of(t.dockerfile()))
              .timestamp(Instant.EPOCH);
      t.args().forEach(b::buildArg);
      if (!t.target().isEmpty()) {
        b.target(t.target());
      }
      t.baseArchives().forEach((ref, archive) -> b.baseArchive(ref, Path.of(archive)));
      b.output(new ImageOutput.OciArchive(Path.of(t.archive())));
      return ImageBuilds.build(b.build(), listener);
    }
    Map<String, Path> archives = new LinkedHashMap<>();
    t.baseArchives().forEach((ref, archive) -> archives.put(ref, Path.of(archive)));
    JavaBuild r =
        new JavaBuild(
            Path.of(t.context()),
            t.tool().equals("maven") ? JavaBuild.Tool.MAVEN : JavaBuild.Tool.GRADLE,
            Path.of(t.work()),
            t.baseImage(),
            archives,
            t.wrapperArgs(),
            t.mainClass().isEmpty() ? null : t.mainClass(),
            t.layout().equals("jar") ? JavaBuild.Layout.JAR : JavaBuild.Layout.CLASSES,
            t.environment(),
            Instant.EPOCH,
            Path.of(t.archive()),
            Duration.ofSeconds(t.timeoutSeconds()));
    return ImageBuilds.buildJava(r, listener);
  }

  /** A build event as a log line, or null for one the log leaves out (progress fractions). */
  public static @Nullable String describe(BuildEvent e) {
    return switch (e) {
      case BuildEvent.Routed r -> "builder: " + r.builder();
      case BuildEvent.Step s -> s.location() + " " + s.instruction();
      case BuildEvent.Log l -> l.line();
      case BuildEvent.Written w -> "wrote " + w.digest() + " to " + w.output();
      case BuildEvent.Progress p -> null;
    };
  }
}

package dev.cairn.pipeline.build;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.SourceLocation;
import java.util.List;

/** What a build reports while it runs; a library prints nothing. */
public sealed interface BuildEvent {

  /** The build goes to {@code builder} ({@code jib-core} or {@code buildah}), for these reasons. */
  record Routed(String builder, List<Diagnostic> reasons) implements BuildEvent {
    public Routed {
      reasons = List.copyOf(reasons);
    }
  }

  /** An instruction is being applied. */
  record Step(SourceLocation location, String instruction) implements BuildEvent {}

  /** Overall progress, 0 to 1, of the step named. */
  record Progress(double fraction, String description) implements BuildEvent {}

  /** A line of buildah's output. */
  record Log(String line) implements BuildEvent {}

  /** An output was written or pushed. */
  record Written(ImageOutput output, String digest) implements BuildEvent {}
}

package dev.cairn.pipeline.build.internal;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.Fix;
import dev.cairn.core.Text;
import dev.cairn.pipeline.build.BuildEvent;
import dev.cairn.pipeline.build.BuildException;
import dev.cairn.pipeline.build.BuildPlan;
import dev.cairn.pipeline.build.BuiltImage;
import dev.cairn.pipeline.build.Dockerfile;
import dev.cairn.pipeline.build.DockerfileException;
import dev.cairn.pipeline.build.ImageBuild;
import dev.cairn.pipeline.build.Instruction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Plans a build and sends it to jib-core or buildah. */
public final class Builds {
  private static final Pattern ARCHIVE =
      Pattern.compile("(?i).*\\.(tar|tar\\.gz|tgz|tar\\.bz2|tbz2|tar\\.xz|txz|tar\\.zst)$");
  private static final Pattern NUMERIC_OWNER = Pattern.compile("\\d+(:\\d+)?");

  private Builds() {}

  public static BuildPlan plan(ImageBuild r) throws DockerfileException, BuildException {
    Path file = r.dockerfilePath();
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new BuildException(
          "cannot read the Dockerfile " + file + ": " + Text.escape(String.valueOf(e.getMessage())),
          "check the Dockerfile's path in the build context",
          Fix.of("build.dockerfile", "file", file.toString()));
    }
    Path ctx = r.context().toAbsolutePath().normalize();
    Path abs = file.toAbsolutePath().normalize();
    String name = abs.startsWith(ctx) ? ctx.relativize(abs).toString() : file.toString();
    Dockerfile d = Dockerfile.parse(name, text, r.buildArgs());
    Dockerfile.Stage target = target(d, r);
    List<Diagnostic> reasons = new ArrayList<>();
    for (int i : needed(d, target)) {
      for (Instruction in : d.stages().get(i).instructions()) {
        reason(d, in, reasons);
      }
    }
    return reasons.isEmpty()
        ? new BuildPlan.Native(d, target)
        : new BuildPlan.NeedsBuildah(d, target, reasons);
  }

  private static Dockerfile.Stage target(Dockerfile d, ImageBuild r) throws BuildException {
    String t = r.target();
    if (t == null) {
      return d.stages().get(d.stages().size() - 1);
    }
    return d.stage(t)
        .orElseThrow(
            () ->
                new BuildException(
                    "no stage '"
                        + Text.escape(t)
                        + "' in "
                        + d.file()
                        + " (stages: "
                        + String.join(
                            ", ", d.stages().stream().map(Dockerfile.Stage::displayName).toList())
                        + ")",
                    "name one of the Dockerfile's stages as the target",
                    Fix.of("build.target", "target", Text.escape(t))));
  }

  /** The stages the target needs: itself, the stages it is FROM, those its COPYs read. */
  static TreeSet<Integer> needed(Dockerfile d, Dockerfile.Stage target) {
    TreeSet<Integer> out = new TreeSet<>();
    List<Integer> todo = new ArrayList<>(List.of(target.index()));
    while (!todo.isEmpty()) {
      int i = todo.remove(todo.size() - 1);
      if (!out.add(i)) {
        continue;
      }
      Dockerfile.Stage s = d.stages().get(i);
      if (s.from().stage() >= 0) {
        todo.add(s.from().stage());
      }
      for (Instruction in : s.instructions()) {
        if (in instanceof Instruction.Copy c && c.fromStage() >= 0) {
          todo.add(c.fromStage());
        }
      }
    }
    return out;
  }

  private static void reason(Dockerfile d, Instruction in, List<Diagnostic> reasons) {
    switch (in) {
      case Instruction.Run r ->
          reasons.add(
              d.diagnostic(
                  r.location(),
                  "RUN runs a command inside the image, which jib-core cannot do: buildah builds"
                      + " it"));
      case Instruction.ConfigOnly c ->
          reasons.add(
              d.diagnostic(
                  c.location(),
                  "jib-core cannot write "
                      + c.keyword()
                      + " into the image's configuration: buildah builds it"));
      case Instruction.Copy c -> {
        String kw = c.add() ? "ADD" : "COPY";
        if (c.fromImage() != null) {
          reasons.add(
              d.diagnostic(
                  c.fromImage().location(),
                  kw
                      + " --from="
                      + c.fromImage().value()
                      + " reads another image's files, which Cairn builds with buildah"));
        }
        if (c.chown() != null && !NUMERIC_OWNER.matcher(c.chown().value()).matches()) {
          reasons.add(
              d.diagnostic(
                  c.chown().location(),
                  "--chown="
                      + c.chown().value()
                      + " names a user or group, which only the image's /etc/passwd resolves:"
                      + " give numeric ids, or buildah builds it"));
        }
        if (c.add()) {
          for (Instruction.Word s : c.sources()) {
            String v = s.value().toLowerCase(Locale.ROOT);
            if (v.contains("://") || v.startsWith("git@")) {
              reasons.add(
                  d.diagnostic(
                      s.location(),
                      "ADD from a URL downloads while building: Cairn builds it with buildah"
                          + " (or download it into the build context and COPY it)"));
            } else if (ARCHIVE.matcher(v).matches()) {
              reasons.add(
                  d.diagnostic(
                      s.location(),
                      "ADD extracts the archive "
                          + s.value()
                          + ", which Cairn builds with buildah (COPY keeps it as a file)"));
            }
          }
        }
      }
      default -> {}
    }
  }

  public static BuiltImage build(ImageBuild r, Consumer<? super BuildEvent> listener)
      throws DockerfileException, BuildException, InterruptedException {
    BuildPlan plan = plan(r);
    if (r.engine() == ImageBuild.Engine.BUILDAH) {
      listener.accept(new BuildEvent.Routed("buildah", List.of()));
      return BuildahBuilder.build(r, plan, List.of(), listener);
    }
    List<Diagnostic> reasons =
        plan instanceof BuildPlan.NeedsBuildah n ? n.reasons() : new ArrayList<>();
    if (reasons.isEmpty()) {
      try {
        listener.accept(new BuildEvent.Routed("jib-core", List.of()));
        return JibBuilder.build(r, plan.dockerfile(), ((BuildPlan.Native) plan).target(), listener);
      } catch (JibBuilder.NeedsBuildah e) {
        reasons = e.reasons;
      }
    }
    if (r.engine() == ImageBuild.Engine.NATIVE) {
      throw new DockerfileException(
          reasons, "build this Dockerfile with buildah, or change it to what jib-core builds");
    }
    listener.accept(new BuildEvent.Routed("buildah", reasons));
    return BuildahBuilder.build(r, plan, reasons, listener);
  }
}

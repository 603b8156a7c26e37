package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.sbom.Sbom;
import dev.cairn.supplychain.sbom.Sboms;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code sbom} step: a CycloneDX 1.6 SBOM of the run's image. After {@code push}, of the pushed
 * image (its {@code image} output, read through the push step's registry settings); before it, of
 * the build step's OCI archive, named as the push step will name it. Written to {@code output} in
 * the workspace (default {@code sbom.cdx.json}); outputs {@code sbom} (its path), {@code
 * sbomDigest} (the file's sha256) and {@code components} (how many).
 */
final class SbomStep implements StepExecutor {
  static final String DEFAULT_OUTPUT = "sbom.cdx.json";

  private final Clock clock;

  SbomStep(Clock clock) {
    this.clock = clock;
  }

  @Override
  public StepKind kind() {
    return StepKind.SBOM;
  }

  @Override
  public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
    StepSpec step = ctx.step();
    String where = step.location().toString();
    String name = step.param("output", DEFAULT_OUTPUT);
    Path ws = ctx.workspace().toAbsolutePath().normalize();
    Path out = ws.resolve(name).normalize();
    if (name.isEmpty() || !out.startsWith(ws) || out.equals(ws)) {
      throw new PipelineException(
          where + ": the sbom step's output '" + name + "' is not a file in the workspace",
          "give a relative path, e.g. output: sbom.cdx.json");
    }
    Sboms.Options o =
        Sboms.Options.of(clock)
            .withWorkDir(ws.resolveSibling("sbom-" + ctx.runId()))
            .withProgress(line -> ctx.log().line(line));
    Optional<String> pushed = ctx.output(StepKind.PUSH, "image");
    Sbom sbom;
    try {
      if (pushed.isPresent()) {
        ImageRef image = ImageRef.parse(pushed.get());
        StepSpec push = Steps.pushStep(ctx.request()).orElseThrow();
        ctx.log().line("reading the pushed image " + image);
        sbom = Sboms.image(RegistryOptions.of(ctx, push, image.registry()).client(), image, o);
      } else {
        String archive =
            ctx.output(StepKind.BUILD, "archive")
                .orElseThrow(
                    () ->
                        new PipelineException(
                            where + ": the sbom step has no image: no build step before it",
                            "put the sbom step after build (or after push)"));
        String digest = ctx.output(StepKind.BUILD, "digest").orElse("");
        Optional<StepSpec> push = Steps.pushStep(ctx.request());
        ImageRef as =
            push.isPresent()
                ? Steps.target(ctx, push.get())
                : new ImageRef("localhost", "cairn/build", "run-" + ctx.runId(), null);
        if (!digest.isEmpty()) {
          as = as.withDigest(Digest.parse(digest));
        }
        ctx.log().line("reading the built image " + (digest.isEmpty() ? archive : digest));
        sbom = Sboms.imageArchive(Path.of(archive), as, o);
      }
      for (String w : sbom.warnings()) {
        ctx.log().line("warning: " + w);
      }
      Files.createDirectories(out.getParent());
      sbom.write(out);
    } catch (CairnException e) {
      return StepResult.failed(null, String.valueOf(e.getMessage()), Steps.transientFailure(e));
    } catch (IOException e) {
      return StepResult.failed(null, dev.cairn.core.Text.describe(e), false);
    } finally {
      Delivery.deleteTree(ws.resolveSibling("sbom-" + ctx.runId()));
    }
    Digest fileDigest;
    try (InputStream in = Files.newInputStream(out)) {
      fileDigest = Digest.sha256(in);
    } catch (IOException e) {
      return StepResult.failed(null, dev.cairn.core.Text.describe(e), false);
    }
    ctx.log()
        .line(
            "wrote "
                + ws.relativize(out)
                + ": CycloneDX "
                + Sbom.SPEC_VERSION
                + ", "
                + dev.cairn.core.Text.count(sbom.components().size(), "component")
                + " of "
                + sbom.subject().name()
                + " "
                + sbom.subject().version()
                + " ("
                + fileDigest
                + ")");
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("sbom", out.toString());
    outputs.put("sbomDigest", fileDigest.toString());
    outputs.put("components", Integer.toString(sbom.components().size()));
    return StepResult.succeeded(outputs);
  }
}

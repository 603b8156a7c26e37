package dev.cairn.cli;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.deploy.tekton.TektonExport;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "export",
    subcommands = {ExportCommand.Tekton.class})
final class ExportCommand extends Sub {
  @Command(name = "tekton")
  static final class Tekton extends Sub {
    @Option(names = "--pipeline", paramLabel = "FILE|DIR")
    @Nullable Path pipeline;

    @Option(
        names = {"-o", "--output-file"},
        paramLabel = "FILE")
    @Nullable Path output;

    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NS",
        defaultValue = "default")
    @SuppressWarnings("NullAway.Init")
    String namespace;

    @Option(names = "--image", paramLabel = "REF", required = true)
    @SuppressWarnings("NullAway.Init")
    String image;

    @Override
    public Integer call() throws Exception {
      PipelineDefinition def = definition(pipeline == null ? Path.of("") : pipeline);
      TektonExport.Export e = TektonExport.render(def, new TektonExport.Options(namespace, image));
      String yaml = e.yaml();
      if (output == null) {
        out().print(yaml);
      } else {
        AtomicFiles.write(output, yaml);
        err()
            .println(
                "Wrote "
                    + e.objects().size()
                    + " Tekton objects of pipeline "
                    + e.pipeline()
                    + " (namespace "
                    + e.namespace()
                    + ") to "
                    + output);
        err().flush();
      }
      out().flush();
      return Main.OK;
    }

    /** A pipeline file, or a repository directory's pipeline (the defaults when it has none). */
    private static PipelineDefinition definition(Path p) throws CairnException {
      if (Files.isDirectory(p)) {
        return Pipelines.load(p);
      }
      if (!Files.isRegularFile(p)) {
        throw new CairnException(
            "no pipeline file or directory " + p,
            "give a .cairn/pipeline.yaml or the repository's directory with --pipeline");
      }
      try {
        return Pipelines.parse(p.toString(), Files.readString(p));
      } catch (IOException e) {
        throw new CairnException(
            "cannot read " + p + ": " + e.getClass().getSimpleName(),
            "check the file's permissions",
            e);
      }
    }
  }
}

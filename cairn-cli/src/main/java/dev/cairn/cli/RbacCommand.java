package dev.cairn.cli;

import dev.cairn.core.AtomicFiles;
import dev.cairn.deploy.duties.Rbac;
import dev.cairn.scanner.ClusterOptions;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "rbac",
    subcommands = {RbacCommand.Render.class, RbacCommand.Check.class})
final class RbacCommand extends Sub {
  @Command(name = "render")
  static final class Render extends Sub {
    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NS",
        defaultValue = "default",
        descriptionKey = "rbac-namespace")
    @SuppressWarnings("NullAway.Init")
    String namespace;

    @Option(
        names = {"-o", "--output-file"},
        paramLabel = "FILE")
    @Nullable Path output;

    @Override
    public Integer call() throws Exception {
      String yaml = Rbac.render(namespace).yaml();
      if (output == null) {
        out().print(yaml);
      } else {
        AtomicFiles.write(output, yaml);
        err().println("Wrote RBAC for the duties in namespace " + namespace + " to " + output);
        err().flush();
      }
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "check")
  static final class Check extends Sub {
    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NS",
        defaultValue = "default",
        descriptionKey = "rbac-namespace")
    @SuppressWarnings("NullAway.Init")
    String namespace;

    @Option(names = "--other-namespace", paramLabel = "NS", defaultValue = "kube-system")
    @SuppressWarnings("NullAway.Init")
    String other;

    @Option(names = "--kubeconfig", paramLabel = "FILE", required = true)
    @SuppressWarnings("NullAway.Init")
    Path kubeconfig;

    @Option(names = "--context")
    @Nullable String context;

    @Override
    public Integer call() throws Exception {
      Rbac.Report r =
          Rbac.check(
              new ClusterOptions(kubeconfig, context, java.util.List.of(), 500), namespace, other);
      for (Rbac.Finding f : r.excess()) {
        out().println("excess: " + f.describe("may"));
      }
      for (Rbac.Finding f : r.missing()) {
        out().println("missing: " + f.describe("may not"));
      }
      out()
          .printf(
              "%d access reviews: %d excess, %d missing%n",
              r.reviews(), r.excess().size(), r.missing().size());
      out().flush();
      return r.clean() ? Main.OK : Main.FINDINGS;
    }
  }
}

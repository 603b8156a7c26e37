package dev.cairn.cli;

import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Snapshots;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description =
        "Save a cluster's identity and the objects the checks read, for `cairn certify --snapshot`.")
final class SnapshotCommand implements Callable<Integer> {
  @Option(names = "--kubeconfig", required = true, paramLabel = "FILE")
  @SuppressWarnings("NullAway.Init")
  Path kubeconfig;

  @Option(names = "--output-file", required = true, paramLabel = "FILE")
  @SuppressWarnings("NullAway.Init")
  Path output;

  @SuppressWarnings("NullAway.Init")
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Snapshots.Taken t =
        Snapshots.take(ClusterOptions.of(kubeconfig), output, java.time.Instant.now());
    spec.commandLine()
        .getOut()
        .println(
            "Snapshot of cluster "
                + t.identity().id()
                + " ("
                + t.objects()
                + (t.objects() == 1 ? " object" : " objects")
                + ") written to "
                + output);
    return Main.OK;
  }
}

package dev.cairn.cli;

import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Snapshots;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "snapshot")
final class SnapshotCommand extends Sub {
  @Option(names = "--kubeconfig", required = true, paramLabel = "FILE")
  @SuppressWarnings("NullAway.Init")
  Path kubeconfig;

  @Option(names = "--output-file", required = true, paramLabel = "FILE")
  @SuppressWarnings("NullAway.Init")
  Path output;

  @Override
  public Integer call() throws Exception {
    Snapshots.Taken t =
        Snapshots.take(ClusterOptions.of(kubeconfig), output, java.time.Instant.now());
    out()
        .printf(
            "Snapshot of cluster %s (%s) written to %s%n",
            t.identity().id(), dev.cairn.core.Text.count(t.objects(), "object"), output);
    return Main.OK;
  }
}

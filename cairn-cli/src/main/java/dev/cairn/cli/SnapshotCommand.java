package dev.cairn.cli;

import dev.cairn.scanner.Checks;
import dev.cairn.scanner.ClusterIdentity;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Clusters;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.Snapshots;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    ClusterOptions o = ClusterOptions.of(kubeconfig);
    ClusterIdentity id = Clusters.identity(o);
    List<KubeObject> objects = new ArrayList<>();
    List<Notice> errors = new ArrayList<>();
    ObjectSources.cluster(o, Checks.builtin())
        .read(
            new ObjectSource.Sink() {
              @Override
              public void object(KubeObject object) {
                objects.add(object);
              }

              @Override
              public void notice(Notice notice) {
                if (notice.level() == Notice.Level.ERROR) {
                  errors.add(notice);
                }
              }
            });
    if (!errors.isEmpty()) {
      throw new ExitException(
          Main.USAGE,
          "incomplete snapshot: " + errors.get(0),
          "give the user read access to every resource (cairn checks rbac)");
    }
    Snapshots.write(output, id, objects, java.time.Instant.now());
    spec.commandLine()
        .getOut()
        .println(
            "Snapshot of cluster "
                + id.id()
                + " ("
                + objects.size()
                + " objects) written to "
                + output);
    return Main.OK;
  }
}

package dev.cairn.cli;

import dev.cairn.deploy.Deploys;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.Targets;
import dev.cairn.deploy.rollout.DeployException;
import dev.cairn.deploy.rollout.DeployResult;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn rollback TARGET [--to REV]}: an earlier revision again, and the target pinned. */
@Command(name = "rollback")
final class RollbackCommand extends Sub {
  @Parameters(index = "0", paramLabel = "TARGET", descriptionKey = "deploy-target-arg")
  String target = "";

  @Option(names = "--to", paramLabel = "REV")
  @Nullable Integer to;

  @Option(names = "--who", paramLabel = "NAME")
  @Nullable String who;

  @Override
  public Integer call() throws Exception {
    TargetConfig t = Targets.require(home(), target);
    try {
      DeployResult r =
          Deploys.engine(home(), Deploys.registries(List.of(), List.of()), Clock.systemUTC())
              .rollback(t, to, DeployCommand.who(this, who));
      int code = DeployCommand.render(this, t, r);
      if (r.succeeded()) {
        out()
            .println(
                "Target "
                    + t.name()
                    + " is pinned at rev "
                    + r.revision().restored()
                    + ": deploys are refused until `cairn deploy unpin "
                    + t.name()
                    + "`");
        out().flush();
      }
      return code;
    } catch (DeployException e) {
      return DeployCommand.refused(this, e);
    }
  }
}

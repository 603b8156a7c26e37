package dev.cairn.cli;

import dev.cairn.core.Text;
import dev.cairn.deploy.duties.Duties;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.deploy.duties.Roster;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "duties",
    subcommands = {
      DutiesCommand.Grant.class,
      DutiesCommand.Revoke.class,
      DutiesCommand.List.class,
      DutiesCommand.Check.class
    })
final class DutiesCommand extends Sub {
  @Command
  abstract static class RosterSub extends Sub {
    @Option(names = "--roster", paramLabel = "FILE", required = true, descriptionKey = "roster")
    @SuppressWarnings("NullAway.Init")
    Path roster;
  }

  static Duty duty(String s) throws ExitException {
    return Duty.parse(s)
        .orElseThrow(
            () ->
                ExitException.usage(
                    "no duty named " + Text.escape(s), "name one of Dev, Sec, Ops, Viewer"));
  }

  @Command(name = "grant")
  static final class Grant extends RosterSub {
    @Parameters(index = "0", paramLabel = "NAME", descriptionKey = "identity-name")
    @SuppressWarnings("NullAway.Init")
    String name;

    @Parameters(index = "1", paramLabel = "DUTY", descriptionKey = "duty")
    @SuppressWarnings("NullAway.Init")
    String duty;

    @Option(names = "--public-key", paramLabel = "BASE64")
    @Nullable String publicKey;

    @Override
    public Integer call() throws Exception {
      Duty d = duty(duty);
      Roster r = Roster.read(roster, true).grant(name, d, publicKey);
      r.write(roster);
      out().printf("%s holds %s in %s%n", name, r.member(name).orElseThrow().dutiesText(), roster);
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "revoke")
  static final class Revoke extends RosterSub {
    @Parameters(index = "0", paramLabel = "NAME", descriptionKey = "identity-name")
    @SuppressWarnings("NullAway.Init")
    String name;

    @Parameters(index = "1", paramLabel = "DUTY", descriptionKey = "duty")
    @SuppressWarnings("NullAway.Init")
    String duty;

    @Override
    public Integer call() throws Exception {
      Roster r = Roster.read(roster, false).revoke(name, duty(duty));
      r.write(roster);
      out().printf("%s holds %s in %s%n", name, r.member(name).orElseThrow().dutiesText(), roster);
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "list")
  static final class List extends RosterSub {
    @Override
    public Integer call() throws Exception {
      Roster r = Roster.read(roster, false);
      for (Roster.Member m : r.members()) {
        out().printf("%-20s %-24s %s%n", m.name(), m.dutiesText(), m.identity().keyId());
      }
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "check")
  static final class Check extends RosterSub {
    @Parameters(index = "0", paramLabel = "NAME", descriptionKey = "identity-name")
    @SuppressWarnings("NullAway.Init")
    String name;

    @Parameters(index = "1", paramLabel = "DUTY", descriptionKey = "duty")
    @SuppressWarnings("NullAway.Init")
    String duty;

    @Override
    public Integer call() throws Exception {
      Duty d = duty(duty);
      try {
        Duties.require(Roster.read(roster, false), name, d);
      } catch (dev.cairn.deploy.duties.DutyException e) {
        throw new ExitException(
            Main.FINDINGS, String.valueOf(e.getMessage()), e.hint().orElse(null));
      }
      out().printf("%s holds %s%n", name, d);
      out().flush();
      return Main.OK;
    }
  }
}

package dev.cairn.cli;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Text;
import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.duties.BreakGlass;
import dev.cairn.deploy.duties.DutyException;
import dev.cairn.deploy.duties.Identities;
import dev.cairn.deploy.duties.OverrideRequest;
import dev.cairn.deploy.duties.Roster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "override",
    subcommands = {
      OverrideCommand.Create.class,
      OverrideCommand.Sign.class,
      OverrideCommand.Verify.class
    })
final class OverrideCommand extends Sub {
  @Command(name = "create")
  static final class Create extends Sub {
    @Option(names = "--target", paramLabel = "TARGET", required = true)
    @SuppressWarnings("NullAway.Init")
    String target;

    @Option(names = "--image-digest", paramLabel = "sha256:HEX", required = true)
    @SuppressWarnings("NullAway.Init")
    String digest;

    @Option(names = "--reason", paramLabel = "TEXT", required = true)
    @SuppressWarnings("NullAway.Init")
    String reason;

    @Option(names = "--lift", paramLabel = "REFUSAL", required = true)
    @SuppressWarnings("NullAway.Init")
    List<String> lifts;

    @Option(names = "--valid-for", paramLabel = "DURATION", defaultValue = "PT1H")
    @SuppressWarnings("NullAway.Init")
    Duration validFor;

    @Option(
        names = {"-o", "--output-file"},
        paramLabel = "FILE",
        required = true)
    @SuppressWarnings("NullAway.Init")
    Path output;

    @Override
    public Integer call() throws Exception {
      Instant now = Instant.now();
      OverrideRequest req;
      try {
        req = new OverrideRequest(target, digest, reason, lifts, now, now.plus(validFor));
      } catch (IllegalArgumentException e) {
        throw ExitException.usage(
            Text.escape(String.valueOf(e.getMessage())),
            "correct the override's values (docs/duties.md)");
      }
      AtomicFiles.write(output, BreakGlass.create(req).toJson());
      out()
          .printf(
              "Override request %s (expires %s): now two identities sign it with override sign%n",
              output, req.expiry());
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "sign")
  static final class Sign extends Sub {
    @Parameters(paramLabel = "FILE", descriptionKey = "override-file")
    @SuppressWarnings("NullAway.Init")
    Path file;

    @Override
    public Integer call() throws Exception {
      var key = Identities.load(home());
      BreakGlass o = BreakGlass.parse(Files.readString(file)).sign(key);
      AtomicFiles.write(file, o.toJson());
      out()
          .printf(
              "%s signed %s (%s): %s %s lifting %s until %s, because: %s%n",
              key.name(),
              file,
              Text.count(o.signatures().size(), "signature"),
              o.request().target(),
              o.request().imageDigest(),
              String.join(", ", o.request().lifts()),
              o.request().expiry(),
              Text.escape(o.request().reason()));
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "verify")
  static final class Verify extends Sub {
    @Parameters(paramLabel = "FILE", descriptionKey = "override-file")
    @SuppressWarnings("NullAway.Init")
    Path file;

    @Option(names = "--roster", paramLabel = "FILE", required = true, descriptionKey = "roster")
    @SuppressWarnings("NullAway.Init")
    Path roster;

    @Override
    public Integer call() throws Exception {
      BreakGlass o = BreakGlass.parse(Files.readString(file));
      BreakGlass.Verified v;
      try {
        v = o.use(Roster.read(roster, false), Instant.now(), AuditLog.in(home()));
      } catch (DutyException e) {
        throw new ExitException(
            Main.FINDINGS, String.valueOf(e.getMessage()), e.hint().orElse(null));
      }
      out()
          .printf(
              "Override for %s %s lifts %s until %s (Ops: %s, Sec: %s); recorded in %s%n",
              v.request().target(),
              v.request().imageDigest(),
              String.join(", ", v.lifts()),
              v.request().expiry(),
              v.ops(),
              v.sec(),
              AuditLog.in(home()).file());
      out().flush();
      return Main.OK;
    }
  }
}

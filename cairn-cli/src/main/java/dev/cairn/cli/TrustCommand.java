package dev.cairn.cli;

import dev.cairn.certify.TrustRoots;
import dev.cairn.core.Text;
import java.nio.file.Path;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "trust",
    subcommands = {
      TrustCommand.AllowSnapshots.class,
      TrustCommand.RefuseSnapshots.class,
      TrustCommand.Refresh.class,
      TrustCommand.AddWitness.class,
      TrustCommand.RequireWitnesses.class
    })
final class TrustCommand extends Sub {
  /** What every subcommand has: the trust root's file. */
  @Command
  abstract static class TrustSub extends Sub {
    @Option(names = "--trust", paramLabel = "FILE")
    @Nullable Path trust;

    TrustRoots roots() {
      return TrustRoots.create(home());
    }
  }

  @Command(name = "allow-snapshots")
  static final class AllowSnapshots extends TrustSub {
    @Override
    public Integer call() throws Exception {
      TrustRoots.SnapshotSetting s = roots().acceptSnapshots(trust, true);
      out()
          .println(
              "Trust root "
                  + s.trustRoot()
                  + (s.changed() ? " now accepts" : " already accepts")
                  + " snapshot certificates (their cluster's identity is only claimed)");
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "refuse-snapshots")
  static final class RefuseSnapshots extends TrustSub {
    @Override
    public Integer call() throws Exception {
      TrustRoots.SnapshotSetting s = roots().acceptSnapshots(trust, false);
      out()
          .println(
              "Trust root "
                  + s.trustRoot()
                  + (s.changed() ? " now refuses" : " already refuses")
                  + " snapshot certificates");
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "refresh")
  static final class Refresh extends TrustSub {
    @Override
    public Integer call() throws Exception {
      TrustRoots.Refreshed r = roots().refresh(trust);
      String before =
          r.before().isEmpty()
              ? "none pinned before"
              : r.before().get().size() == r.after().size()
                  ? "unchanged"
                  : "consistent with size " + r.before().get().size() + " pinned before";
      out()
          .println(
              "Trust root "
                  + r.trustRoot()
                  + " pins checkpoint size "
                  + r.after().size()
                  + " of "
                  + r.log()
                  + " ("
                  + before
                  + ")");
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "add-witness")
  static final class AddWitness extends TrustSub {
    @Parameters(paramLabel = "VERIFIER-KEY", descriptionKey = "witness-key")
    @SuppressWarnings("NullAway.Init")
    String verifierKey;

    @Override
    public Integer call() throws Exception {
      TrustRoots.WitnessSetting s = roots().addWitness(trust, verifierKey, Instant.now());
      out()
          .printf(
              "Trust root %s trusts %s and requires %s%n",
              s.trustRoot(),
              s.witnesses().size() == 1 ? "1 witness" : s.witnesses().size() + " witnesses",
              Text.count(s.required(), "cosignature"));
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "require-witnesses")
  static final class RequireWitnesses extends TrustSub {
    @Parameters(paramLabel = "N", descriptionKey = "witness-count")
    int n;

    @Override
    public Integer call() throws Exception {
      TrustRoots.WitnessSetting s = roots().requireWitnesses(trust, n);
      out()
          .printf(
              "Trust root %s requires %d of %d witness cosignatures%n",
              s.trustRoot(), s.required(), s.witnesses().size());
      out().flush();
      return Main.OK;
    }
  }
}

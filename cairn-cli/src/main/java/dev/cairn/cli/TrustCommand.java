package dev.cairn.cli;

import dev.cairn.certify.TrustRoots;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "trust",
    mixinStandardHelpOptions = true,
    description = "A verifier's own settings in its trust root (docs/trust-root.md).",
    subcommands = {
      TrustCommand.AllowSnapshots.class,
      TrustCommand.RefuseSnapshots.class,
      TrustCommand.Refresh.class,
      TrustCommand.AddWitness.class,
      TrustCommand.RequireWitnesses.class
    })
final class TrustCommand implements Runnable {
  @SuppressWarnings("NullAway.Init")
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every subcommand has: the trust root's file and the streams. */
  @Command
  abstract static class Sub implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init")
    @Spec
    CommandSpec spec;

    @Option(
        names = "--trust",
        paramLabel = "FILE",
        description = "The trust root (default: trust.json in Cairn's home).")
    @Nullable Path trust;

    TrustRoots roots() {
      return TrustRoots.create(CairnCommand.of(spec).home());
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(
      name = "allow-snapshots",
      mixinStandardHelpOptions = true,
      description = {
        "Accept certificates made from a snapshot in cairn verify. A snapshot only claims its",
        "cluster's identity: whoever took it could name any cluster. Do this only if you trust them."
      })
  static final class AllowSnapshots extends Sub {
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

  @Command(
      name = "refuse-snapshots",
      mixinStandardHelpOptions = true,
      description = "Refuse certificates made from a snapshot in cairn verify (the default).")
  static final class RefuseSnapshots extends Sub {
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

  @Command(
      name = "refresh",
      mixinStandardHelpOptions = true,
      description = {
        "Pin the embedded log's current checkpoint in the trust root, after checking that the log",
        "extends the checkpoint pinned before (a consistency proof). Verify then catches a log",
        "rolled back behind it. Certify and revoke move the pin themselves; verify never does."
      })
  static final class Refresh extends Sub {
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

  @Command(
      name = "add-witness",
      mixinStandardHelpOptions = true,
      description = {
        "Trust a witness's cosignatures (C2SP tlog-cosignature), from now on. Its verifier key is",
        "what cairn ledger witness prints (name+hash+base64 of 0x04 and the key)."
      })
  static final class AddWitness extends Sub {
    @picocli.CommandLine.Parameters(paramLabel = "VERIFIER-KEY")
    @SuppressWarnings("NullAway.Init")
    String verifierKey;

    @Override
    public Integer call() throws Exception {
      TrustRoots.WitnessSetting s = roots().addWitness(trust, verifierKey, java.time.Instant.now());
      out()
          .println(
              "Trust root "
                  + s.trustRoot()
                  + " trusts "
                  + s.witnesses().size()
                  + " witness"
                  + (s.witnesses().size() == 1 ? "" : "es")
                  + " and requires "
                  + s.required()
                  + " cosignature"
                  + (s.required() == 1 ? "" : "s"));
      out().flush();
      return Main.OK;
    }
  }

  @Command(
      name = "require-witnesses",
      mixinStandardHelpOptions = true,
      description = {
        "Make cairn verify demand N cosignatures, by distinct trusted witnesses, on the checkpoint",
        "it relies on for revocation (the log's, or a certificate's revocation proof's). 0: none."
      })
  static final class RequireWitnesses extends Sub {
    @picocli.CommandLine.Parameters(paramLabel = "N")
    int n;

    @Override
    public Integer call() throws Exception {
      TrustRoots.WitnessSetting s = roots().requireWitnesses(trust, n);
      out()
          .println(
              "Trust root "
                  + s.trustRoot()
                  + " requires "
                  + s.required()
                  + " of "
                  + s.witnesses().size()
                  + " witness cosignatures");
      out().flush();
      return Main.OK;
    }
  }
}

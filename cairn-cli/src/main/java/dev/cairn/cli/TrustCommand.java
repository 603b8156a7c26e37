package dev.cairn.cli;

import dev.cairn.certify.TrustRoots;
import dev.cairn.core.Text;
import dev.cairn.pipeline.steps.Steps;
import dev.cairn.supplychain.CosignKeys;
import java.nio.file.Files;
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
      TrustCommand.RequireWitnesses.class,
      TrustCommand.AddBuilderKey.class,
      TrustCommand.AddBuilderService.class,
      TrustCommand.AllowUnattestedBuilders.class,
      TrustCommand.RefuseUnattestedBuilders.class
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

  @Command(name = "add-builder-key")
  static final class AddBuilderKey extends TrustSub {
    @Parameters(paramLabel = "PUBKEY.pem", descriptionKey = "builder-key")
    @SuppressWarnings("NullAway.Init")
    Path pem;

    @Option(names = "--since", paramLabel = "TIME")
    @Nullable String since;

    @Override
    public Integer call() throws Exception {
      Instant from = since(since);
      String text;
      try {
        text = Files.readString(pem);
      } catch (java.io.IOException e) {
        throw ExitException.usage(
            "cannot read builder key " + pem + ": " + Text.describe(e), "check the path");
      }
      TrustRoots.BuilderSetting s =
          roots().addBuilderKey(trust, CosignKeys.readPublicKey(text).getEncoded(), from);
      out()
          .printf(
              "Trust root %s trusts %s%s%n",
              s.trustRoot(),
              Text.count(s.builderKeys().size(), "builder key"),
              s.acceptsUnattested()
                  ? " and accepts unattested builders"
                  : "; provenance that names no builder measurement (a plain key's) verifies only"
                      + " after cairn trust allow-unattested-builders");
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "add-builder-service")
  static final class AddBuilderService extends TrustSub {
    @Parameters(paramLabel = "URL", descriptionKey = "builder-service")
    @SuppressWarnings("NullAway.Init")
    String url;

    @Option(names = "--since", paramLabel = "TIME")
    @Nullable String since;

    @Override
    public Integer call() throws Exception {
      Instant from = since(since);
      java.net.URI service;
      try {
        service = new java.net.URI(url);
        if (!"http".equals(service.getScheme()) && !"https".equals(service.getScheme())) {
          throw new java.net.URISyntaxException(url, "not http(s)");
        }
      } catch (java.net.URISyntaxException e) {
        throw ExitException.usage(
            Text.escape(url) + " is not the http(s) URL of an attestation service",
            "give the service's base URL, e.g. http://127.0.0.1:8443");
      }
      Path file = trust != null ? trust : home().trustRoot();
      Steps.TrustedBuilder t = Steps.trustBuilderService(file, service, from);
      out()
          .printf(
              "Trust root %s trusts the attested builder of %s: builder key %s, %s, %s (%s)%n",
              file,
              service,
              t.builderKey(),
              Text.count(t.measurements(), "builder measurement"),
              Text.count(t.platformKeys(), "platform key"),
              t.added() == 0 ? "nothing new" : Text.count(t.added(), "item") + " added");
      out().flush();
      return Main.OK;
    }
  }

  static Instant since(@Nullable String since) throws ExitException {
    try {
      return since == null ? Instant.now() : Instant.parse(since);
    } catch (java.time.DateTimeException e) {
      throw ExitException.usage(
          "--since " + Text.escape(String.valueOf(since)) + " is not a time",
          "pass an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z");
    }
  }

  @Command(name = "allow-unattested-builders")
  static final class AllowUnattestedBuilders extends TrustSub {
    @Override
    public Integer call() throws Exception {
      TrustRoots.BuilderSetting s = roots().acceptUnattestedBuilders(trust, true);
      out()
          .println(
              "Trust root "
                  + s.trustRoot()
                  + (s.changed() ? " now accepts" : " already accepts")
                  + " images built by unattested builders (their keys are held outside any TEE)");
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "refuse-unattested-builders")
  static final class RefuseUnattestedBuilders extends TrustSub {
    @Override
    public Integer call() throws Exception {
      TrustRoots.BuilderSetting s = roots().acceptUnattestedBuilders(trust, false);
      out()
          .println(
              "Trust root "
                  + s.trustRoot()
                  + (s.changed() ? " now refuses" : " already refuses")
                  + " images built by unattested builders");
      out().flush();
      return Main.OK;
    }
  }
}

package dev.cairn.cli;

import dev.cairn.attest.PublishedTrust;
import dev.cairn.certify.Certifier;
import dev.cairn.certify.CertifyException;
import dev.cairn.certify.Records;
import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.ethereum.EthereumRegistries;
import dev.cairn.ethereum.WrongChainException;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Cosignature;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.NoteSigner;
import dev.cairn.ledger.Receipt;
import dev.cairn.ledger.Witness;
import dev.cairn.ledger.WitnessException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "ledger",
    subcommands = {
      LedgerCommand.Revoke.class,
      LedgerCommand.Show.class,
      LedgerCommand.History.class,
      LedgerCommand.Deploy.class,
      LedgerCommand.GrantIssuer.class,
      LedgerCommand.WitnessLog.class,
      LedgerCommand.Prove.class
    })
final class LedgerCommand extends Sub {
  @Command(name = "revoke")
  static final class Revoke extends Sub {
    @Parameters(paramLabel = "CERT", descriptionKey = "cert-file")
    @SuppressWarnings("NullAway.Init")
    Path cert;

    @Option(names = "--reason", required = true)
    @SuppressWarnings("NullAway.Init")
    String reason;

    @Mixin Options.LedgerOption ledger = new Options.LedgerOption();

    @Mixin Options.AdminKeyOption adminKey = new Options.AdminKeyOption();

    @Override
    public Integer call() throws Exception {
      CertificateBundle b = CertificateBundle.parse(Files.readString(cert));
      // an admin-signed transaction goes only to the registry the trust root pins (or one named
      // here), on its chain: never to an endpoint a certificate file names
      Records.Revoked r =
          Records.create(home(), Clock.systemUTC())
              .revoke(b, reason, ledger.uri(null), () -> adminKey.read(env()));
      String how =
          switch (r.receipt()) {
            case Receipt rc -> " (ledger index " + rc.index() + ")";
            case ChainReceipt c ->
                " on %s (transaction %s, block %d)"
                    .formatted(r.ledger(), c.transaction(), c.blockNumber());
          };
      out().println("Revoked " + r.certificate() + how);
      return Main.OK;
    }
  }

  @Command(name = "show")
  static final class Show extends Sub {
    @Override
    public Integer call() throws Exception {
      try (Ledger log = Ledgers.open(Ledgers.EMBEDDED, LedgerOptions.reading(home()))) {
        out().print(log.signedCheckpoint().orElse(""));
        out().println("verifier key: " + log.checkpointKey().orElse(""));
      }
      return Main.OK;
    }
  }

  @Command(name = "history")
  static final class History extends Sub {
    @Parameters(
        paramLabel = "CLUSTER|CERT",
        description =
            "The cluster: its id (sha256:<hex>, or at least 8 hex digits of it, as in"
                + " cluster-<hex>.cert.json), or one of its certificate files.")
    @SuppressWarnings("NullAway.Init")
    String cluster;

    @Mixin Options.JsonOutput output = new Options.JsonOutput();

    @Mixin Options.LedgerOption ledger = new Options.LedgerOption();

    @Override
    public Integer call() throws Exception {
      boolean json = output.json();
      Records.History h =
          Records.create(home(), Clock.systemUTC())
              .history(cluster, Objects.requireNonNull(ledger.uri(Ledgers.EMBEDDED)));
      return render(h, json, out(), err());
    }

    /** Prints a cluster's history as a table or JSON; 1 when it has no certificate. */
    static int render(Records.History h, boolean json, PrintWriter out, PrintWriter err) {
      if (json) {
        out.print(Json.pretty(h.document()));
      } else if (h.entries().isEmpty()) {
        err.println("cairn: the ledger holds no certificate for cluster " + h.cluster());
      } else {
        out.println("Cluster " + h.cluster() + " (" + Text.escape(h.ledger().toString()) + ")");
        String row = "%-7s %-21s %-21s %-21s %s%n";
        out.printf(row, "INDEX", "CERTIFICATE", "ISSUED", "EXPIRES", "STATUS");
        for (Records.Entry e : h.entries()) {
          String status = e.status().name().toLowerCase(Locale.ROOT);
          if (e.revocation().isPresent()) {
            // a revocation's reason is whatever its author wrote
            status +=
                " "
                    + e.revocation().get().revokedAt()
                    + ": "
                    + Text.escape(e.revocation().get().reason());
          }
          out.printf(
              row,
              e.index().isPresent() ? Long.toString(e.index().getAsLong()) : "-",
              e.certificate().toString().substring(0, 19),
              seconds(e.issuedAt()),
              seconds(e.expiresAt()),
              status);
        }
      }
      out.flush();
      return h.entries().isEmpty() ? Main.FINDINGS : Main.OK;
    }

    private static String seconds(Instant instant) {
      return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
  }

  @Command(name = "deploy")
  static final class Deploy extends Sub {
    @Option(names = "--rpc", required = true, paramLabel = "URL|env:VAR")
    @SuppressWarnings("NullAway.Init")
    String rpc;

    @Option(names = "--chain-id", required = true, paramLabel = "N")
    long chainId;

    @Mixin Options.AdminKeyOption adminKey = new Options.AdminKeyOption();

    @Option(names = "--confirmations", paramLabel = "N")
    int confirmations = 1;

    @Option(
        names = "--contract-version",
        paramLabel = "1|2",
        description = "the registry contract's version (default 2; 1 only to match older ones)")
    int contractVersion = EthereumRegistries.DEFAULT_CONTRACT_VERSION;

    @Override
    public Integer call() throws Exception {
      EthereumRegistries.Deployment d;
      try {
        d =
            EthereumRegistries.deploy(
                rpc, chainId, adminKey.read(env()), confirmations, contractVersion);
      } catch (WrongChainException e) {
        throw new CairnException(String.valueOf(e.getMessage()), "check --rpc and --chain-id", e);
      }
      out()
          .printf(
              "Deployed CertificateRegistry at %s on chain %d, administered by %s (contract"
                  + " version %d)%n  --ledger %s%n",
              d.registry(), d.chainId(), d.admin(), d.contractVersion(), d.ledger());
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "grant-issuer")
  static final class GrantIssuer extends Sub {
    @Option(names = "--ledger", required = true, paramLabel = "ethereum:URL#ADDRESS")
    @SuppressWarnings("NullAway.Init")
    String ledger;

    @Option(names = "--issuer", paramLabel = "0xADDRESS")
    @Nullable String issuer;

    @Option(names = "--remove")
    boolean remove;

    @Mixin Options.AdminKeyOption adminKey = new Options.AdminKeyOption();

    @Override
    public Integer call() throws Exception {
      String who = issuer;
      if (who == null) {
        PublishedTrust published =
            Certifier.create(home(), Clock.systemUTC())
                .embeddedTrust(CertifyCommand.listener(err()));
        who = EthereumRegistries.addressOfPublicKey(published.ledgerKey());
      }
      if (!who.matches("0x[0-9a-fA-F]{40}")) {
        throw ExitException.usage("not an address: " + who, "write it as 0x and 40 hex digits");
      }
      EthereumRegistries.IssuerChange m =
          EthereumRegistries.grantIssuer(Options.parse(ledger), adminKey.read(env()), who, remove);
      out()
          .printf(
              "%s issuer %s on %s (transaction %s)%n",
              remove ? "Removed" : "Granted", m.issuer(), m.ledger(), m.transaction());
      if (!remove) {
        out()
            .printf(
                "  the issuer pays the gas of each certificate it records: keep %s funded on chain"
                    + " %d%n",
                m.issuer(), m.chainId());
      }
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "witness")
  static final class WitnessLog extends Sub {
    @Option(names = "--key", required = true, paramLabel = "FILE")
    @SuppressWarnings("NullAway.Init")
    Path key;

    @Option(names = "--create-key", paramLabel = "NAME")
    @Nullable String createKey;

    @Option(names = "--state", paramLabel = "DIR")
    @Nullable Path state;

    @Option(names = "--request", paramLabel = "FILE|-")
    @Nullable String request;

    @Option(names = "--log-key", paramLabel = "VERIFIER-KEY")
    List<String> logKeys = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      NoteSigner k = createKey != null ? Witness.createKey(key, createKey) : Witness.readKey(key);
      Path dir = state != null ? state : home().dir("witness");
      String verifierKey = Cosignature.verifierKey(k);
      if (request == null) {
        if (!logKeys.isEmpty()) {
          throw ExitException.usage(
              "--log-key goes with --request",
              "leave it out: the home's own log key is used for its log");
        }
        Witness.Witnessed w;
        try {
          w = Records.create(home(), Clock.systemUTC()).witness(dir, k);
        } catch (CertifyException e) {
          if (e.reason() == CertifyException.Reason.INTEGRITY) {
            throw new ExitException(
                Main.FINDINGS, String.valueOf(e.getMessage()), e.hint().orElse(null));
          }
          throw e;
        }
        out()
            .printf(
                "Cosigned %s at size %d as witness %s (%s)%n  witness verifier key: %s%n",
                w.checkpoint().origin(),
                w.checkpoint().size(),
                k.name(),
                w.before()
                    .map(b -> "consistent with size " + b.size() + " cosigned before")
                    .orElse("first checkpoint seen of this log"),
                verifierKey);
        out().flush();
        return Main.OK;
      }
      if (logKeys.isEmpty()) {
        throw ExitException.usage(
            "--request needs the verifier key of the log (--log-key)",
            "pass --log-key with the key cairn ledger show prints where the log is");
      }
      String body =
          request.equals("-")
              ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
              : Files.readString(Path.of(request));
      try (Witness w = Witness.open(dir, k, Clock.systemUTC())) {
        out().print(w.addCheckpoint(Witness.Request.parse(body), logKeys));
      } catch (WitnessException e) {
        throw new ExitException(
            e.reason() == WitnessException.Reason.BAD_REQUEST ? Main.USAGE : Main.FINDINGS,
            "witness " + k.name() + " refuses (" + e.reason().status() + "): " + e.getMessage(),
            e.hint().orElse(null));
      }
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "prove")
  static final class Prove extends Sub {
    @Parameters(paramLabel = "CERT", descriptionKey = "cert-file")
    @SuppressWarnings("NullAway.Init")
    Path cert;

    @Option(names = "--trust", paramLabel = "FILE")
    @Nullable Path trust;

    @Option(names = "--output-file", paramLabel = "FILE")
    @Nullable Path output;

    @Override
    public Integer call() throws Exception {
      CertificateBundle b = CertificateBundle.parse(Files.readString(cert), cert.toString());
      Records.Proven p = Records.create(home(), Clock.systemUTC()).prove(b, trust);
      Path to = output != null ? output : cert;
      AtomicFiles.write(to, p.bundle().toJson());
      out()
          .printf(
              "Proved %s: %s as of checkpoint size %d of %s%s; wrote %s%n",
              p.revoked() ? "revoked" : "not revoked",
              b.envelope().digest(),
              p.checkpoint().size(),
              p.checkpoint().origin(),
              p.consistencyFrom() >= 0
                  ? " (with a consistency proof from size " + p.consistencyFrom() + ")"
                  : "",
              to);
      out().flush();
      return p.revoked() ? Main.FINDINGS : Main.OK;
    }
  }
}

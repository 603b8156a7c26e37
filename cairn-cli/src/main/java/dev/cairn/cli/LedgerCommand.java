package dev.cairn.cli;

import dev.cairn.attest.PublishedTrust;
import dev.cairn.certify.Certifier;
import dev.cairn.certify.Records;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.ethereum.EthereumRegistries;
import dev.cairn.ethereum.WrongChainException;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.Receipt;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = "Work with the certificate ledger.",
    subcommands = {
      LedgerCommand.Revoke.class,
      LedgerCommand.Show.class,
      LedgerCommand.History.class,
      LedgerCommand.Deploy.class,
      LedgerCommand.GrantIssuer.class,
      LedgerCommand.WitnessLog.class,
      LedgerCommand.Prove.class
    })
final class LedgerCommand implements Runnable {
  @SuppressWarnings("NullAway.Init")
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every subcommand has: its spec, for streams and the root's home and environment. */
  @Command
  abstract static class Sub implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init")
    @Spec
    CommandSpec spec;

    CairnCommand root() {
      return CairnCommand.of(spec);
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a certificate before its expiry.")
  static final class Revoke extends Sub {
    @Parameters(paramLabel = "CERT")
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
          Records.create(root().home(), Clock.systemUTC())
              .revoke(b, reason, ledger.uri(null), () -> adminKey.read(root().env()));
      String how =
          switch (r.receipt()) {
            case Receipt rc -> " (ledger index " + rc.index() + ")";
            case ChainReceipt c ->
                " on "
                    + r.ledger()
                    + " (transaction "
                    + c.transaction()
                    + ", block "
                    + c.blockNumber()
                    + ")";
          };
      out().println("Revoked " + r.certificate() + how);
      return Main.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print the embedded log's checkpoint and verifier key.")
  static final class Show extends Sub {
    @Override
    public Integer call() throws Exception {
      try (Ledger log = Ledgers.open(Ledgers.EMBEDDED, LedgerOptions.reading(root().home()))) {
        out().print(log.signedCheckpoint().orElse(""));
        out().println("verifier key: " + log.checkpointKey().orElse(""));
      }
      return Main.OK;
    }
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = {
        "Every certificate a ledger holds for one cluster, oldest first, with its status (valid,",
        "expired or revoked). Exit 0 when the cluster has certificates, 1 when it has none."
      })
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
          Records.create(root().home(), Clock.systemUTC())
              .history(cluster, Objects.requireNonNull(ledger.uri(Ledgers.EMBEDDED)));
      return render(h, json, out(), spec.commandLine().getErr());
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

  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description = {
        "Deploy a CertificateRegistry contract; the admin key's account pays for it and administers",
        "the issuer roles. Prints the --ledger value for certify and verify."
      })
  static final class Deploy extends Sub {
    @Option(
        names = "--rpc",
        required = true,
        paramLabel = "URL|env:VAR",
        description =
            "JSON-RPC URL, or env:VAR to read it from VAR (keeps an API key in the URL out of"
                + " files and messages).")
    @SuppressWarnings("NullAway.Init")
    String rpc;

    @Option(
        names = "--chain-id",
        required = true,
        paramLabel = "N",
        description = "The chain to deploy on; refused if the endpoint serves another.")
    long chainId;

    @Mixin Options.AdminKeyOption adminKey = new Options.AdminKeyOption();

    @Option(names = "--confirmations", paramLabel = "N", description = "Default: 1.")
    int confirmations = 1;

    @Override
    public Integer call() throws Exception {
      EthereumRegistries.Deployment d;
      try {
        d = EthereumRegistries.deploy(rpc, chainId, adminKey.read(root().env()), confirmations);
      } catch (WrongChainException e) {
        throw new CairnException(String.valueOf(e.getMessage()), "check --rpc and --chain-id", e);
      }
      out()
          .println(
              "Deployed CertificateRegistry at "
                  + d.registry()
                  + " on chain "
                  + d.chainId()
                  + ", administered by "
                  + d.admin());
      out().println("  --ledger " + d.ledger());
      out().flush();
      return Main.OK;
    }
  }

  @Command(
      name = "grant-issuer",
      mixinStandardHelpOptions = true,
      description = {
        "Let an address issue certificates on a registry (or, with --remove, no longer). By default",
        "the address of the ledger key the embedded attestation service releases to this build's",
        "measured scanner (approving the scanner first if needed)."
      })
  static final class GrantIssuer extends Sub {
    @Option(
        names = "--ledger",
        required = true,
        paramLabel = "ethereum:URL#ADDRESS",
        description = "The registry.")
    @SuppressWarnings("NullAway.Init")
    String ledger;

    @Option(names = "--issuer", paramLabel = "0xADDRESS", description = "The address to grant.")
    @Nullable String issuer;

    @Option(names = "--remove", description = "Revoke the role instead.")
    boolean remove;

    @Mixin Options.AdminKeyOption adminKey = new Options.AdminKeyOption();

    @Override
    public Integer call() throws Exception {
      String who = issuer;
      if (who == null) {
        PublishedTrust published =
            Certifier.create(root().home(), Clock.systemUTC())
                .embeddedTrust(CertifyCommand.listener(spec.commandLine().getErr()));
        who = EthereumRegistries.addressOfPublicKey(published.ledgerKey());
      }
      if (!who.matches("0x[0-9a-fA-F]{40}")) {
        throw new ExitException(
            Main.USAGE, "not an address: " + who, "write it as 0x and 40 hex digits");
      }
      EthereumRegistries.IssuerChange m =
          EthereumRegistries.grantIssuer(
              Options.parse(ledger), adminKey.read(root().env()), who, remove);
      out()
          .println(
              (remove ? "Removed issuer " : "Granted issuer ")
                  + m.issuer()
                  + " on "
                  + m.ledger()
                  + " (transaction "
                  + m.transaction()
                  + ")");
      if (!remove) {
        out()
            .println(
                "  the issuer pays the gas of each certificate it records: keep "
                    + m.issuer()
                    + " funded on chain "
                    + m.chainId());
      }
      out().flush();
      return Main.OK;
    }
  }

  @Command(
      name = "witness",
      mixinStandardHelpOptions = true,
      description = {
        "Act as a transparency log witness (C2SP tlog-witness): cosign a log's checkpoint if it",
        "extends the last one this witness cosigned of that log (a consistency proof), and keep",
        "that checkpoint in the witness's state. Refuses a forked or rolled back log (exit 1).",
        "By default it witnesses the embedded log of Cairn's home and adds the cosignature to the",
        "log's checkpoint; with --request it answers a tlog-witness add-checkpoint request body",
        "and prints the cosignature line."
      })
  static final class WitnessLog extends Sub {
    @Option(
        names = "--key",
        required = true,
        paramLabel = "FILE",
        description = "The witness's key file (mode 0600).")
    @SuppressWarnings("NullAway.Init")
    Path key;

    @Option(
        names = "--create-key",
        paramLabel = "NAME",
        description = "Make a new key named NAME (e.g. witness.example.com/w1) in --key first.")
    @Nullable String createKey;

    @Option(
        names = "--state",
        paramLabel = "DIR",
        description =
            "The witness's state: the last checkpoint it cosigned of each log (default:"
                + " witness/ in Cairn's home).")
    @Nullable Path state;

    @Option(
        names = "--request",
        paramLabel = "FILE|-",
        description =
            "An add-checkpoint request body (old size, proof lines, blank line,"
                + " checkpoint); - reads stdin.")
    @Nullable String request;

    @Option(
        names = "--log-key",
        paramLabel = "VERIFIER-KEY",
        description =
            "With --request: the note verifier key of a log this witness witnesses"
                + " (repeatable).")
    java.util.List<String> logKeys = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
      dev.cairn.ledger.NoteSigner k =
          createKey != null
              ? dev.cairn.ledger.Witness.createKey(key, createKey)
              : dev.cairn.ledger.Witness.readKey(key);
      Path dir = state != null ? state : root().home().dir("witness");
      String verifierKey = dev.cairn.ledger.Cosignature.verifierKey(k);
      if (request == null) {
        if (!logKeys.isEmpty()) {
          throw new ExitException(
              Main.USAGE,
              "--log-key goes with --request",
              "leave it out: the home's own log key is used for its log");
        }
        dev.cairn.ledger.Witness.Witnessed w;
        try {
          w = Records.create(root().home(), Clock.systemUTC()).witness(dir, k);
        } catch (dev.cairn.certify.CertifyException e) {
          if (e.reason() == dev.cairn.certify.CertifyException.Reason.INTEGRITY) {
            throw new ExitException(
                Main.FINDINGS, String.valueOf(e.getMessage()), e.hint().orElse(null));
          }
          throw e;
        }
        out()
            .println(
                "Cosigned "
                    + w.checkpoint().origin()
                    + " at size "
                    + w.checkpoint().size()
                    + " as witness "
                    + k.name()
                    + " ("
                    + w.before()
                        .map(b -> "consistent with size " + b.size() + " cosigned before")
                        .orElse("first checkpoint seen of this log")
                    + ")");
        out().println("  witness verifier key: " + verifierKey);
        out().flush();
        return Main.OK;
      }
      if (logKeys.isEmpty()) {
        throw new ExitException(
            Main.USAGE,
            "--request needs the verifier key of the log (--log-key)",
            "pass --log-key with the key cairn ledger show prints where the log is");
      }
      String body =
          request.equals("-")
              ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              : Files.readString(Path.of(request));
      try (dev.cairn.ledger.Witness w = dev.cairn.ledger.Witness.open(dir, k, Clock.systemUTC())) {
        out().print(w.addCheckpoint(dev.cairn.ledger.Witness.Request.parse(body), logKeys));
      } catch (dev.cairn.ledger.WitnessException e) {
        throw new ExitException(
            e.reason() == dev.cairn.ledger.WitnessException.Reason.BAD_REQUEST
                ? Main.USAGE
                : Main.FINDINGS,
            "witness " + k.name() + " refuses (" + e.reason().status() + "): " + e.getMessage(),
            e.hint().orElse(null));
      }
      out().flush();
      return Main.OK;
    }
  }

  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description = {
        "Give a certificate a fresh proof, against the embedded log's current checkpoint, that it",
        "is not revoked (a sparse Merkle proof of the log's revocation map), so that cairn verify",
        "checks its revocation where the log is not. Writes the certificate back (or to -o)."
      })
  static final class Prove extends Sub {
    @Parameters(paramLabel = "CERT")
    @SuppressWarnings("NullAway.Init")
    Path cert;

    @Option(
        names = "--trust",
        paramLabel = "FILE",
        description =
            "The trust root the verifier holds: a proof newer than its pinned checkpoint"
                + " carries a consistency proof from it (default: trust.json in Cairn's home).")
    @Nullable Path trust;

    @Option(
        names = "--output-file",
        paramLabel = "FILE",
        description = "Write the certificate there instead of back to CERT.")
    @Nullable Path output;

    @Override
    public Integer call() throws Exception {
      CertificateBundle b = CertificateBundle.parse(Files.readString(cert), cert.toString());
      Records.Proven p = Records.create(root().home(), Clock.systemUTC()).prove(b, trust);
      Path to = output != null ? output : cert;
      dev.cairn.core.AtomicFiles.write(to, p.bundle().toJson());
      out()
          .println(
              (p.revoked() ? "Proved revoked: " : "Proved not revoked: ")
                  + b.envelope().digest()
                  + " as of checkpoint size "
                  + p.checkpoint().size()
                  + " of "
                  + p.checkpoint().origin()
                  + (p.consistencyFrom() >= 0
                      ? " (with a consistency proof from size " + p.consistencyFrom() + ")"
                      : "")
                  + "; wrote "
                  + to);
      out().flush();
      return p.revoked() ? Main.FINDINGS : Main.OK;
    }
  }
}

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
      LedgerCommand.GrantIssuer.class
    })
final class LedgerCommand extends Sub {
  @Command(name = "revoke")
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

    @Override
    public Integer call() throws Exception {
      EthereumRegistries.Deployment d;
      try {
        d = EthereumRegistries.deploy(rpc, chainId, adminKey.read(env()), confirmations);
      } catch (WrongChainException e) {
        throw new CairnException(String.valueOf(e.getMessage()), "check --rpc and --chain-id", e);
      }
      out()
          .printf(
              "Deployed CertificateRegistry at %s on chain %d, administered by %s%n  --ledger %s%n",
              d.registry(), d.chainId(), d.admin(), d.ledger());
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
}

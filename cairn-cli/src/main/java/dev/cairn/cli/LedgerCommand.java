package dev.cairn.cli;

import dev.cairn.core.Digest;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.Receipt;
import dev.cairn.ledger.TransparencyLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
      LedgerCommand.GrantIssuer.class
    })
final class LedgerCommand implements Runnable {
  @SuppressWarnings("NullAway.Init")
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a certificate before its expiry.")
  static final class Revoke implements Callable<Integer> {
    @Parameters(paramLabel = "CERT")
    @SuppressWarnings("NullAway.Init")
    Path cert;

    @Option(names = "--reason", required = true)
    @SuppressWarnings("NullAway.Init")
    String reason;

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--ledger",
        paramLabel = "LEDGER",
        description =
            "embedded or ethereum:URL#ADDRESS (default: where the certificate was recorded).")
    @org.jspecify.annotations.Nullable
    String ledger;

    @Option(
        names = "--admin-key-file",
        paramLabel = "FILE",
        description = "Ethereum: the registry admin's key (or set CAIRN_ETH_ADMIN_KEY).")
    @org.jspecify.annotations.Nullable
    Path adminKeyFile;

    @Override
    public Integer call() throws Exception {
      CertificateBundle b = CertificateBundle.parse(Files.readString(cert));
      Digest d = b.envelope().digest();
      // an admin-signed transaction goes only to the registry the trust anchors pin (or one named
      // here), on its chain: never to an endpoint a certificate file names
      dev.cairn.ledger.TrustAnchors trust = CertifyCommand.previousTrust();
      String pinned = trust == null ? "" : trust.ledgerRegistry();
      if (b.chain() != null && ledger == null && pinned.isEmpty()) {
        throw new ExitException(
            Main.USAGE,
            "the certificate is recorded on a chain and no registry is pinned in trust.json",
            "pass --ledger ethereum:URL#ADDRESS");
      }
      String where = ledger != null ? ledger : b.chain() != null ? pinned : "embedded";
      if (Eth.isEthereum(where)) {
        Long chainId = null;
        dev.cairn.ledger.ChainReceipt recorded = b.chain();
        if (trust != null && where.equals(pinned) && trust.ledgerChainId() != 0) {
          chainId = trust.ledgerChainId();
        } else if (recorded != null) {
          chainId = recorded.chainId();
        }
        try (dev.cairn.ethereum.EthereumLedger chain =
            Eth.open(where, Eth.adminKey(adminKeyFile), chainId, 1)) {
          dev.cairn.ledger.ChainReceipt r =
              chain.revoke(new LedgerEntry.Revoked(d, reason, Instant.now()));
          spec.commandLine()
              .getOut()
              .println(
                  "Revoked "
                      + d
                      + " on "
                      + chain.describe()
                      + " (transaction "
                      + r.transaction()
                      + ", block "
                      + r.blockNumber()
                      + ")");
        }
        return Main.OK;
      }
      try (TransparencyLog log = Embedded.log()) {
        Receipt r = log.revoke(new LedgerEntry.Revoked(d, reason, Instant.now()));
        spec.commandLine().getOut().println("Revoked " + d + " (ledger index " + r.index() + ")");
      }
      return Main.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print the embedded log's checkpoint and verifier key.")
  static final class Show implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (TransparencyLog log = Embedded.log()) {
        spec.commandLine().getOut().print(log.checkpoint().signedNote());
        spec.commandLine().getOut().println("verifier key: " + log.verifierKey());
      }
      return Main.OK;
    }
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = {
        "Every certificate the embedded ledger holds for one cluster, oldest first, with its status",
        "(valid, expired or revoked). Exit 0 when the cluster has certificates, 1 when it has none."
      })
  static final class History implements Callable<Integer> {
    @Parameters(
        paramLabel = "CLUSTER|CERT",
        description =
            "The cluster: its id (sha256:<hex>, or at least 8 hex digits of it, as in"
                + " cluster-<hex>.cert.json), or one of its certificate files.")
    @SuppressWarnings("NullAway.Init")
    String cluster;

    @Option(
        names = {"-o", "--output"},
        description = "table or json (default: table).")
    String output = "table";

    @Option(
        names = "--ledger",
        paramLabel = "LEDGER",
        description = "embedded (default) or ethereum:URL#ADDRESS.")
    String ledger = "embedded";

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!output.equals("table") && !output.equals("json")) {
        throw new ExitException(Main.USAGE, "unknown output " + output, "use table or json");
      }
      if (Eth.isEthereum(ledger)) {
        try (dev.cairn.ethereum.EthereumLedger chain = Eth.readOnly(ledger)) {
          Digest id = resolveOnChain(cluster);
          java.util.List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
          for (LedgerEntry.Issued is : chain.history(id)) {
            rows.add(row(is, -1, chain.revocation(is.certificate()), Instant.now()));
          }
          return print(id, chain.describe(), -1, rows);
        }
      }
      Instant now = Instant.now();
      try (TransparencyLog log = Embedded.log()) {
        Digest id = resolve(cluster, log);
        java.util.List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
        for (LedgerEntry.Issued is : log.history(id)) {
          rows.add(
              row(
                  is,
                  log.indexOfCertificate(is.certificate()).orElse(-1L),
                  log.revocation(is.certificate()),
                  now));
        }
        return print(id, log.describe(), log.size(), rows);
      }
    }

    private static java.util.Map<String, Object> row(
        LedgerEntry.Issued is,
        long index,
        java.util.Optional<LedgerEntry.Revoked> rev,
        Instant now) {
      java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
      if (index >= 0) {
        row.put("index", index);
      }
      row.put("certificate", is.certificate().toString());
      row.put("issuedAt", is.issuedAt().toString());
      row.put("expiresAt", is.expiresAt().toString());
      row.put("locator", is.locator());
      if (rev.isPresent()) {
        row.put("status", "revoked");
        row.put("revokedAt", rev.get().revokedAt().toString());
        row.put("reason", rev.get().reason());
      } else {
        row.put("status", is.expiresAt().isAfter(now) ? "valid" : "expired");
      }
      return row;
    }

    private int print(
        Digest id,
        String ledgerName,
        long size,
        java.util.List<java.util.Map<String, Object>> rows) {
      java.io.PrintWriter out = spec.commandLine().getOut();
      if (output.equals("json")) {
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("cluster", id.toString());
        doc.put("ledger", ledgerName);
        if (size >= 0) {
          doc.put("size", size);
        }
        doc.put("certificates", rows);
        out.print(dev.cairn.core.Json.pretty(doc));
      } else if (rows.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println("cairn: the ledger holds no certificate for cluster " + id);
      } else {
        out.println("Cluster " + id + " (" + ledgerName + ")");
        out.printf(
            "%-7s %-21s %-21s %-21s %s%n", "INDEX", "CERTIFICATE", "ISSUED", "EXPIRES", "STATUS");
        for (java.util.Map<String, Object> r : rows) {
          String status = String.valueOf(r.get("status"));
          if (status.equals("revoked")) {
            status += " " + r.get("revokedAt") + ": " + r.get("reason");
          }
          out.printf(
              "%-7s %-21s %-21s %-21s %s%n",
              r.getOrDefault("index", "-"),
              String.valueOf(r.get("certificate")).substring(0, 19),
              seconds(String.valueOf(r.get("issuedAt"))),
              seconds(String.valueOf(r.get("expiresAt"))),
              status);
        }
      }
      out.flush();
      return rows.isEmpty() ? Main.FINDINGS : Main.OK;
    }

    /** On a chain a cluster is named in full, or by one of its certificate files. */
    static Digest resolveOnChain(String arg) throws Exception {
      Path f = Path.of(arg);
      if (Files.isRegularFile(f)) {
        CertificateBundle b = CertificateBundle.parse(Files.readString(f));
        return dev.cairn.ledger.Certificate.parse(b.envelope().payload()).clusterId();
      }
      String hex = arg.startsWith("sha256:") ? arg.substring(7) : arg;
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new dev.cairn.core.CairnException(
            "on a chain ledger a cluster is named by its full id or a certificate file, not " + arg,
            "pass sha256:<64 hex digits> or a .cert.json");
      }
      return Digest.parse("sha256:" + hex);
    }

    private static String seconds(String instant) {
      return Instant.parse(instant).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** A full id, a hex prefix (8+ digits, optionally cluster-...), or a certificate file. */
    static Digest resolve(String arg, TransparencyLog log) throws Exception {
      Path f = Path.of(arg);
      if (Files.isRegularFile(f)) {
        CertificateBundle b = CertificateBundle.parse(Files.readString(f));
        return dev.cairn.ledger.Certificate.parse(b.envelope().payload()).clusterId();
      }
      String hex = arg.startsWith("sha256:") ? arg.substring(7) : arg;
      hex = hex.startsWith("cluster-") ? hex.substring(8) : hex;
      if (hex.endsWith(".cert.json")) {
        hex = hex.substring(0, hex.length() - ".cert.json".length());
      }
      if (!hex.matches("[0-9a-f]{8,64}")) {
        throw new dev.cairn.core.CairnException(
            "not a cluster id or certificate file: " + arg,
            "pass sha256:<hex>, 8 or more hex digits of it, or a .cert.json");
      }
      if (hex.length() == 64) {
        return Digest.parse("sha256:" + hex);
      }
      java.util.Set<Digest> matches =
          new java.util.TreeSet<>(java.util.Comparator.comparing(Digest::toString));
      for (long i = 0; i < log.size(); i++) {
        if (log.entry(i) instanceof LedgerEntry.Issued is && is.cluster().hex().startsWith(hex)) {
          matches.add(is.cluster());
        }
      }
      if (matches.size() != 1) {
        throw new dev.cairn.core.CairnException(
            (matches.isEmpty()
                    ? "no cluster on the ledger"
                    : matches.size() + " clusters on the ledger")
                + " with an id starting "
                + hex,
            matches.isEmpty()
                ? "check the id (cairn verify prints it) and CAIRN_HOME"
                : "give more digits");
      }
      return matches.iterator().next();
    }
  }

  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description = {
        "Deploy a CertificateRegistry contract; the admin key's account pays for it and administers",
        "the issuer roles. Prints the --ledger value for certify and verify."
      })
  static final class Deploy implements Callable<Integer> {
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

    @Option(
        names = "--admin-key-file",
        paramLabel = "FILE",
        description = "The admin's secp256k1 key in hex (or set CAIRN_ETH_ADMIN_KEY).")
    @org.jspecify.annotations.Nullable
    Path adminKeyFile;

    @Option(names = "--confirmations", paramLabel = "N", description = "Default: 1.")
    int confirmations = 1;

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      org.web3j.crypto.Credentials admin = Eth.adminKey(adminKeyFile);
      dev.cairn.ethereum.EthereumLedger.Spec where =
          dev.cairn.ethereum.EthereumLedger.Spec.parse(
              dev.cairn.ethereum.EthereumLedger.SCHEME + rpc + "#0x" + "0".repeat(40));
      dev.cairn.ethereum.JsonRpc json = where.rpc();
      long served =
          org.web3j.utils.Numeric.decodeQuantity(json.call("eth_chainId").asText())
              .longValueExact();
      if (served != chainId) {
        throw new dev.cairn.core.CairnException(
            where.display() + " serves chain " + served + ", not chain " + chainId,
            "check --rpc and --chain-id; nothing was deployed");
      }
      dev.cairn.ethereum.Transactor tx =
          new dev.cairn.ethereum.Transactor(
              json,
              admin,
              chainId,
              Eth.options(confirmations),
              dev.cairn.ethereum.CertificateRegistry::decodeRevert);
      String address = dev.cairn.ethereum.CertificateRegistry.deploy(tx, admin.getAddress());
      java.io.PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Deployed CertificateRegistry at "
              + address
              + " on chain "
              + chainId
              + ", administered by "
              + admin.getAddress());
      out.println("  --ledger " + dev.cairn.ethereum.EthereumLedger.SCHEME + rpc + "#" + address);
      out.flush();
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
  static final class GrantIssuer implements Callable<Integer> {
    @Option(
        names = "--ledger",
        required = true,
        paramLabel = "ethereum:URL#ADDRESS",
        description = "The registry.")
    @SuppressWarnings("NullAway.Init")
    String ledger;

    @Option(names = "--issuer", paramLabel = "0xADDRESS", description = "The address to grant.")
    @org.jspecify.annotations.Nullable
    String issuer;

    @Option(names = "--remove", description = "Revoke the role instead.")
    boolean remove;

    @Option(
        names = "--admin-key-file",
        paramLabel = "FILE",
        description = "The registry admin's key (or set CAIRN_ETH_ADMIN_KEY).")
    @org.jspecify.annotations.Nullable
    Path adminKeyFile;

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      String who = issuer;
      if (who == null) {
        java.io.StringWriter notes = new java.io.StringWriter();
        dev.cairn.attest.AttestationService cas =
            Embedded.attestation(
                Embedded.tee().measure(Embedded.launchSpec()), new java.io.PrintWriter(notes));
        spec.commandLine().getErr().print(notes);
        who = Eth.issuerAddress(cas);
      }
      if (!who.matches("0x[0-9a-fA-F]{40}")) {
        throw new ExitException(Main.USAGE, "not an address: " + who, "0x and 40 hex digits");
      }
      try (dev.cairn.ethereum.EthereumLedger chain =
          Eth.open(ledger, Eth.adminKey(adminKeyFile), null, 1)) {
        dev.cairn.ethereum.Transactor.Mined m =
            remove ? chain.registry().revokeIssuer(who) : chain.registry().grantIssuer(who);
        spec.commandLine()
            .getOut()
            .println(
                (remove ? "Removed issuer " : "Granted issuer ")
                    + who
                    + " on "
                    + chain.describe()
                    + " (transaction "
                    + m.hash()
                    + ")");
        if (!remove) {
          spec.commandLine()
              .getOut()
              .println(
                  "  the issuer pays the gas of each certificate it records: keep "
                      + who
                      + " funded on chain "
                      + chain.chainId());
        }
      }
      return Main.OK;
    }
  }
}

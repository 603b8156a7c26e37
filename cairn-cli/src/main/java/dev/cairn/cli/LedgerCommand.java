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
      LedgerCommand.History.class
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

    @Override
    public Integer call() throws Exception {
      Digest d = CertificateBundle.parse(Files.readString(cert)).envelope().digest();
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

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!output.equals("table") && !output.equals("json")) {
        throw new ExitException(Main.USAGE, "unknown output " + output, "use table or json");
      }
      Instant now = Instant.now();
      try (TransparencyLog log = Embedded.log()) {
        Digest id = resolve(cluster, log);
        java.util.List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
        for (LedgerEntry.Issued is : log.history(id)) {
          java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
          row.put("index", log.indexOfCertificate(is.certificate()).orElse(-1L));
          row.put("certificate", is.certificate().toString());
          row.put("issuedAt", is.issuedAt().toString());
          row.put("expiresAt", is.expiresAt().toString());
          row.put("locator", is.locator());
          java.util.Optional<LedgerEntry.Revoked> rev = log.revocation(is.certificate());
          if (rev.isPresent()) {
            row.put("status", "revoked");
            row.put("revokedAt", rev.get().revokedAt().toString());
            row.put("reason", rev.get().reason());
          } else {
            row.put("status", is.expiresAt().isAfter(now) ? "valid" : "expired");
          }
          rows.add(row);
        }
        java.io.PrintWriter out = spec.commandLine().getOut();
        if (output.equals("json")) {
          java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
          doc.put("cluster", id.toString());
          doc.put("ledger", log.describe());
          doc.put("size", log.size());
          doc.put("certificates", rows);
          out.print(dev.cairn.core.Json.pretty(doc));
        } else if (rows.isEmpty()) {
          spec.commandLine()
              .getErr()
              .println("cairn: the ledger holds no certificate for cluster " + id);
        } else {
          out.println("Cluster " + id + " (" + log.describe() + ")");
          out.printf(
              "%-7s %-21s %-21s %-21s %s%n", "INDEX", "CERTIFICATE", "ISSUED", "EXPIRES", "STATUS");
          for (java.util.Map<String, Object> r : rows) {
            String status = String.valueOf(r.get("status"));
            if (status.equals("revoked")) {
              status += " " + r.get("revokedAt") + ": " + r.get("reason");
            }
            out.printf(
                "%-7s %-21s %-21s %-21s %s%n",
                r.get("index"),
                String.valueOf(r.get("certificate")).substring(0, 19),
                seconds(String.valueOf(r.get("issuedAt"))),
                seconds(String.valueOf(r.get("expiresAt"))),
                status);
          }
        }
        out.flush();
        return rows.isEmpty() ? Main.FINDINGS : Main.OK;
      }
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
}

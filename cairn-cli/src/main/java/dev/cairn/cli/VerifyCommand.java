package dev.cairn.cli;

import dev.cairn.attest.Attestations;
import dev.cairn.attest.Evidence;
import dev.cairn.core.CairnException;
import dev.cairn.core.Keys;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.CertificateVerifier;
import dev.cairn.ledger.TransparencyLog;
import dev.cairn.ledger.TrustAnchors;
import dev.cairn.ledger.VerificationException;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Clusters;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a compliance certificate from public data: signature, signing key, statement, attestation,",
      "ledger inclusion (and consistency and revocation with a ledger), expiry, and with --kubeconfig that the",
      "live cluster is the certified one. Exit 0 verified, 1 a link broke (named), 2 usage or input error."
    })
final class VerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "CERT", description = "The .cert.json written by cairn certify.")
  @SuppressWarnings("NullAway.Init")
  Path cert;

  @Option(
      names = "--trust",
      paramLabel = "FILE",
      description = "Trust anchors (default: trust.json in Cairn's home).")
  @Nullable Path trust;

  @Option(
      names = "--ledger",
      paramLabel = "LEDGER",
      description =
          "The ledger to check against: embedded (Cairn's home), ethereum:URL#ADDRESS, or none"
              + " (offline). Default: where the certificate says it was recorded.")
  @Nullable String ledger;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Also check that this live cluster is the certified one.")
  @Nullable Path kubeconfig;

  @Option(
      names = {"-o", "--output"},
      description = "text (default) or json (one stable document on stdout).")
  String output = "text";

  @SuppressWarnings("NullAway.Init")
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!output.equals("text") && !output.equals("json")) {
      throw new ExitException(Main.USAGE, "unknown output " + output, "use text or json");
    }
    boolean json = output.equals("json");
    CertificateBundle bundle = CertificateBundle.parse(read(cert, "certificate"));
    Path trustFile = trust != null ? trust : Embedded.home().resolve("trust.json");
    TrustAnchors anchors = TrustAnchors.parse(read(trustFile, "trust anchors"));
    dev.cairn.core.Digest live =
        kubeconfig == null ? null : Clusters.identity(ClusterOptions.of(kubeconfig)).id();
    TransparencyLog log = null;
    dev.cairn.ethereum.EthereumLedger chain = null;
    try {
      // a chain is read where the verifier says (--ledger) or where the trust anchors pin it,
      // never where the certificate says: its author could name their own node
      String chainLedger =
          Eth.isEthereum(ledger)
              ? ledger
              : ledger == null && bundle.chain() != null && !anchors.ledgerRegistry().isEmpty()
                  ? anchors.ledgerRegistry()
                  : null;
      if (Eth.isEthereum(ledger) && bundle.chain() == null) {
        return notVerified(
            out,
            json,
            bundle,
            new VerificationException(
                "ledger record",
                "the certificate is recorded on the " + bundle.ledger() + " log, not on " + ledger,
                "verify it without --ledger, or with --ledger embedded"));
      }
      if (chainLedger != null) {
        try {
          chain = Eth.readOnly(chainLedger);
        } catch (dev.cairn.ledger.LedgerException e) {
          return notVerified(
              out,
              json,
              bundle,
              new VerificationException(
                  "ledger record", String.valueOf(e.getMessage()), e.hint().orElse(null)));
        }
      } else if (ledger == null && Files.isDirectory(Embedded.home().resolve("ledger"))) {
        log = Embedded.log();
      } else if (ledger != null && !ledger.equals("none")) {
        log = Embedded.log();
      }
      CertificateVerifier.Result r;
      try {
        r =
            CertificateVerifier.verify(
                bundle, anchors, VerifyCommand::checkEvidence, Instant.now(), log, chain, live);
      } catch (VerificationException e) {
        return notVerified(out, json, bundle, e);
      }
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("verified", true);
        doc.put("certificate", r.certificateDigest().toString());
        doc.put("cluster", r.certificate().clusterId().toString());
        doc.put("server", r.certificate().server());
        doc.put("source", r.certificate().source());
        doc.put("frameworks", r.certificate().frameworks());
        doc.put("summary", r.certificate().summary());
        Map<String, Object> scanner = new LinkedHashMap<>();
        scanner.put("measurement", r.certificate().measurement().toString());
        scanner.put("tee", r.certificate().tee());
        scanner.put("hardwareBacked", r.certificate().hardwareBacked());
        doc.put("scanner", scanner);
        doc.put("issuedAt", r.certificate().issuedAt().toString());
        doc.put("expiresAt", r.certificate().expiresAt().toString());
        doc.put("ledger", bundle.ledger());
        doc.put("links", r.links());
        List<String> unchecked = new ArrayList<>();
        if (log == null && chain == null) {
          unchecked.add("revocation");
        }
        if (live == null) {
          unchecked.add("cluster identity");
        }
        doc.put("notChecked", unchecked);
        out.print(dev.cairn.core.Json.pretty(doc));
        out.flush();
        return Main.OK;
      }
      out.println("VERIFIED certificate " + r.certificateDigest());
      out.println(
          "  cluster "
              + r.certificate().clusterId()
              + " ("
              + r.certificate().server()
              + ", "
              + r.certificate().source()
              + ")");
      out.println(
          "  frameworks " + r.certificate().frameworks() + ", " + r.certificate().summary());
      out.println(
          "  scanner "
              + r.certificate().measurement()
              + " in TEE "
              + r.certificate().tee()
              + (r.certificate().hardwareBacked()
                  ? ""
                  : " (" + dev.cairn.attest.Tees.SIMULATION_WARNING + ")"));
      out.println("  expires " + r.certificate().expiresAt());
      out.println("  links checked: " + String.join(", ", r.links()));
      if (log == null && chain == null) {
        out.println("  revocation not checked (no ledger)");
      }
      if (chain != null) {
        out.println("  recorded on " + chain.describe());
      }
      if (live == null) {
        out.println("  live cluster identity not checked (no --kubeconfig)");
      }
      out.flush();
      return Main.OK;
    } finally {
      if (log != null) {
        log.close();
      }
      if (chain != null) {
        chain.close();
      }
    }
  }

  private static int notVerified(
      PrintWriter out, boolean json, CertificateBundle bundle, VerificationException e) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("verified", false);
      doc.put("certificate", bundle.envelope().digest().toString());
      doc.put("ledger", bundle.ledger());
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("link", e.link());
      f.put("message", String.valueOf(e.getMessage()).substring(e.link().length() + 2));
      e.hint().ifPresent(h -> f.put("hint", h));
      doc.put("failure", f);
      out.print(dev.cairn.core.Json.pretty(doc));
    } else {
      out.println("NOT VERIFIED: " + e.getMessage());
      e.hint().ifPresent(h -> out.println("  perhaps you should " + h));
    }
    out.flush();
    return Main.FINDINGS;
  }

  static void checkEvidence(
      String json,
      java.util.List<byte[]> platformKeys,
      java.util.Set<dev.cairn.core.Digest> ms,
      byte[] reportData)
      throws CairnException {
    Evidence e = Evidence.parse(json);
    for (byte[] k : platformKeys) {
      PublicKey pk;
      try {
        pk = Keys.ed25519Public(k);
      } catch (java.security.GeneralSecurityException ex) {
        continue;
      }
      if (Keys.keyId(pk).equals(e.platformKey())) {
        Attestations.verify(e, pk, ms, reportData);
        return;
      }
    }
    throw new CairnException(
        "evidence is signed by platform key "
            + e.platformKey()
            + ", which the trust anchors do not list",
        null);
  }

  private static String read(Path p, String what) throws ExitException {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new ExitException(
          Main.USAGE, "cannot read " + what + " " + p + ": " + e.getMessage(), "check the path");
    }
  }
}

package dev.cairn.cli;

import dev.cairn.attest.Tees;
import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.certify.VerifyResult;
import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.ledger.Certificate;
import dev.cairn.ledger.CertificateBundle;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify")
final class VerifyCommand extends Sub {
  @Parameters(paramLabel = "CERT", description = "The .cert.json written by cairn certify.")
  @SuppressWarnings("NullAway.Init")
  Path cert;

  @Option(names = "--trust", paramLabel = "FILE")
  @Nullable Path trust;

  @Option(names = "--ledger", paramLabel = "LEDGER")
  @Nullable String ledger;

  @Option(names = "--kubeconfig", paramLabel = "FILE")
  @Nullable Path kubeconfig;

  @Option(names = "--allow-snapshot")
  boolean allowSnapshot;

  @Option(names = "--require-live-identity")
  boolean requireLiveIdentity;

  @Mixin Options.JsonOutput output = new Options.JsonOutput();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = out();
    boolean json = output.json();
    CertificateBundle bundle = CertificateBundle.parse(read(cert, "certificate"), cert.toString());
    if (trust != null) {
      read(trust, "trust anchors");
    }
    VerifyRequest.LedgerChoice choice =
        ledger == null
            ? new VerifyRequest.LedgerChoice.Default()
            : ledger.equals("none")
                ? new VerifyRequest.LedgerChoice.Offline()
                : new VerifyRequest.LedgerChoice.Named(Options.parse(ledger));
    VerifyResult r =
        Verifier.create(home(), Clock.systemUTC())
            .verify(
                VerifyRequest.of(bundle)
                    .withTrustRoot(trust)
                    .withLedger(choice)
                    .withKubeconfig(kubeconfig)
                    .withSnapshotAllowed(allowSnapshot)
                    .withLiveIdentityRequired(requireLiveIdentity));
    if (json) {
      out.print(
          Json.pretty(
              r.document(
                  r instanceof VerifyResult.NotVerified n
                      ? Hints.wording(n.fix(), n.hint())
                      : null)));
    } else {
      text(r, out);
    }
    out.flush();
    return r instanceof VerifyResult.Verified ? Main.OK : Main.FINDINGS;
  }

  /** The text a person reads. */
  static void text(VerifyResult result, PrintWriter out) {
    switch (result) {
      case VerifyResult.Verified v -> {
        Certificate c = v.certificate();
        // what the certificate says came from a cluster or a snapshot: escaped, as an API server
        // name or a snapshot's identity could hold terminal control sequences
        out.printf(
            "VERIFIED certificate %s%n  cluster %s (%s, %s)%n",
            v.certificateDigest(), c.clusterId(), Text.escape(c.server()), Text.escape(c.source()));
        if (v.snapshot() != null) {
          out.println(
              "  snapshot: the cluster's identity is only claimed (accepted by "
                  + (v.snapshot() == VerifyResult.SnapshotAcceptance.TRUST_ROOT
                      ? "the trust root"
                      : "--allow-snapshot")
                  + ")");
        }
        out.printf(
            "  frameworks %s%n  scanner %s in TEE %s%s%n  expires %s%n  links checked: %s%n",
            Text.escape(c.frameworks() + ", " + c.summary()),
            c.measurement(),
            c.tee(),
            c.hardwareBacked() ? "" : " (" + Tees.SIMULATION_WARNING + ")",
            c.expiresAt(),
            String.join(", ", v.links()));
        if (v.notChecked().contains("revocation")) {
          out.println("  revocation not checked (no ledger)");
        }
        if (v.recordedOn() != null) {
          out.println("  recorded on " + Text.escape(String.valueOf(v.recordedOn())));
        }
        if (v.notChecked().contains("cluster identity")) {
          out.println("  live cluster identity not checked (no --kubeconfig)");
        }
      }
      case VerifyResult.NotVerified n -> {
        out.println("NOT VERIFIED: " + n.link() + ": " + Text.escape(n.message()));
        String hint = Hints.wording(n.fix(), n.hint());
        if (hint != null) {
          out.println("  perhaps you should " + Text.escape(hint));
        }
      }
    }
  }

  private static String read(Path p, String what) throws ExitException {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw ExitException.usage(
          "cannot read " + what + " " + p + ": " + e.getMessage(), "check the path");
    }
  }
}

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
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a compliance certificate from public data: signature, signing key, statement, attestation,",
      "ledger inclusion (and consistency and revocation with a ledger), expiry, source (a snapshot certificate",
      "only with --allow-snapshot or a trust root that accepts them), and with --kubeconfig that the live",
      "cluster is the certified one. Only reads: any number of verifications run at once.",
      "Exit 0 verified, 1 a link broke (named), 2 usage or input error."
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
      names = "--allow-snapshot",
      description =
          "Accept a certificate made from a snapshot, whose cluster identity is only claimed (by"
              + " whoever took it); default: only if the trust root accepts them (cairn trust"
              + " allow-snapshots).")
  boolean allowSnapshot;

  @Option(
      names = "--require-live-identity",
      description =
          "Fail unless --kubeconfig is given and the live cluster is the certified one (as a"
              + " deploy gate does).")
  boolean requireLiveIdentity;

  @picocli.CommandLine.Mixin Options.JsonOutput output = new Options.JsonOutput();

  @SuppressWarnings("NullAway.Init")
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
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
        Verifier.create(CairnCommand.of(spec).home(), Clock.systemUTC())
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
        out.println("VERIFIED certificate " + v.certificateDigest());
        // what the certificate says came from a cluster or a snapshot: escaped, as an API server
        // name or a snapshot's identity could hold terminal control sequences
        out.println(
            "  cluster "
                + c.clusterId()
                + " ("
                + Text.escape(c.server())
                + ", "
                + Text.escape(c.source())
                + ")");
        if (v.snapshot() != null) {
          out.println(
              "  snapshot: the cluster's identity is only claimed (accepted by "
                  + (v.snapshot() == VerifyResult.SnapshotAcceptance.TRUST_ROOT
                      ? "the trust root"
                      : "--allow-snapshot")
                  + ")");
        }
        out.println("  frameworks " + Text.escape(c.frameworks() + ", " + c.summary()));
        out.println(
            "  scanner "
                + c.measurement()
                + " in TEE "
                + c.tee()
                + (c.hardwareBacked() ? "" : " (" + Tees.SIMULATION_WARNING + ")"));
        out.println("  expires " + c.expiresAt());
        out.println("  links checked: " + String.join(", ", v.links()));
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
      throw new ExitException(
          Main.USAGE, "cannot read " + what + " " + p + ": " + e.getMessage(), "check the path");
    }
  }
}

package dev.cairn.cli;

import dev.cairn.attest.Tees;
import dev.cairn.certify.Certifier;
import dev.cairn.certify.CertifyEvent;
import dev.cairn.certify.CertifyListener;
import dev.cairn.certify.CertifyRequest;
import dev.cairn.certify.CertifyResult;
import dev.cairn.certify.Target;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.Receipt;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "certify",
    mixinStandardHelpOptions = true,
    description = {
      "Scan a cluster with the measured, attested scanner and, if every check passes, issue a compliance",
      "certificate bound to the cluster's identity and record it on the ledger.",
      "Exit codes: 0 certificate issued, 1 checks failed (no certificate), 2 usage or input error."
    })
final class CertifyCommand implements Callable<Integer> {
  static final class TargetOption {
    @Option(
        names = "--kubeconfig",
        paramLabel = "FILE",
        description = "The live cluster to certify.")
    @Nullable Path kubeconfig;

    @Option(
        names = "--snapshot",
        paramLabel = "FILE",
        description = "A saved snapshot (cairn snapshot); marked as such in the certificate.")
    @Nullable Path snapshot;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  @SuppressWarnings("NullAway.Init")
  TargetOption target;

  @Option(
      names = {"-f", "--framework"},
      split = ",",
      paramLabel = "F",
      description = "Frameworks to certify (default: all).")
  List<String> frameworks = new ArrayList<>();

  @Option(
      names = "--pss-version",
      paramLabel = "VERSION",
      description = ScanCommand.PSS_VERSION_HELP)
  String pssVersion = "latest";

  @Option(
      names = "--attest",
      paramLabel = "URL",
      description = "A team's attestation service (cairn attest serve); default: the embedded one.")
  @Nullable URI attest;

  @Mixin Options.LedgerOption ledger = new Options.LedgerOption();

  @Option(
      names = "--confirmations",
      paramLabel = "N",
      description = "Ethereum: blocks to wait for after the issuing transaction (default: 1).")
  int confirmations = 1;

  @Option(
      names = "--valid-days",
      description =
          "Certificate lifetime in days (default: 30; at most the attestation policy's"
              + " maxValidityDays, 90 unless it says otherwise).")
  int validDays = 30;

  @Option(
      names = "--output-file",
      paramLabel = "FILE",
      description = "Where to write the certificate (default: cluster-<id>.cert.json).")
  @Nullable Path outputFile;

  @SuppressWarnings("NullAway.Init")
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CairnCommand root = CairnCommand.of(spec);
    var fws = ScanCommand.parseFrameworks(frameworks);
    var pss = ScanCommand.parsePssVersion(pssVersion);
    if (validDays < 1) {
      throw new ExitException(Main.USAGE, "--valid-days must be at least 1", null);
    }
    if (confirmations < 1) {
      throw new ExitException(Main.USAGE, "--confirmations must be at least 1", null);
    }
    URI where = java.util.Objects.requireNonNull(ledger.uri(Ledgers.EMBEDDED));
    Target t =
        target.snapshot != null
            ? new Target.Snapshot(target.snapshot)
            : new Target.Live(java.util.Objects.requireNonNull(target.kubeconfig));
    CertifyRequest request =
        CertifyRequest.of(t)
            .withFrameworks(fws)
            .withPssVersion(pss)
            .withValidity(Duration.ofDays(validDays))
            .withLedger(where, confirmations)
            .withAttestationService(attest)
            .withCertificateFile(outputFile);
    Trace.mark("certify", "parsed arguments");
    Certifier certifier =
        Certifier.create(root.home(), Clock.systemUTC())
            .withWorkloadEnvironment(Trace.on() ? Map.of(Trace.ENV, Trace.childValue()) : Map.of());
    CertifyResult result = certifier.certify(request, listener(err));
    return render(result, root, out);
  }

  /** How certify shows what happens: notes on stderr, timings with {@code CAIRN_TRACE}. */
  static CertifyListener listener(PrintWriter err) {
    return e -> {
      switch (e) {
        case CertifyEvent.Phase p -> Trace.mark("certify", p.name());
        case CertifyEvent.MeasurementApproved m ->
            err.println(
                "cairn: approved scanner measurement "
                    + m.measurement()
                    + " in the embedded attestation policy (v"
                    + m.policyVersion()
                    + ")");
        case CertifyEvent.Simulation s ->
            err.println(
                "cairn: "
                    + Tees.SIMULATION_WARNING
                    + " (TEE provider "
                    + s.tee()
                    + ", measurement "
                    + s.measurement()
                    + ")");
        case CertifyEvent.TrustRootGrew g -> {}
      }
      err.flush();
    };
  }

  /** A certificate made from a snapshot says so where it is shown. */
  private static void snapshotNote(CertifyResult.Issued i, PrintWriter out) {
    String source;
    try {
      source = dev.cairn.ledger.Certificate.parse(i.bundle().envelope().payload()).source();
    } catch (dev.cairn.core.CairnException e) {
      return;
    }
    if (source.equals("snapshot")) {
      out.println(
          "  snapshot: the cluster's identity is only claimed; cairn verify accepts it only with"
              + " --allow-snapshot or after cairn trust allow-snapshots");
    }
  }

  /** Prints a certification's result; returns the exit code. */
  static int render(CertifyResult result, CairnCommand root, PrintWriter out) {
    switch (result) {
      case CertifyResult.Refused r -> {
        out.println(
            "No certificate: these checks failed in the attested scan (report in "
                + r.reportFile()
                + "):");
        for (CertifyResult.FailedCheck f : r.failed()) {
          out.println("  " + dev.cairn.core.Text.escape(f.toString()));
        }
        out.flush();
        return Main.FINDINGS;
      }
      case CertifyResult.Issued i -> {
        String where =
            switch (i.receipt()) {
              case Receipt r ->
                  "ledger index " + r.index() + " (checkpoint size " + r.checkpoint().size() + ")";
              case ChainReceipt c ->
                  "recorded on "
                      + c.ledger()
                      + " (chain "
                      + c.chainId()
                      + ", transaction "
                      + c.transaction()
                      + ", block "
                      + c.blockNumber()
                      + ")";
            };
        out.println(
            "Certificate "
                + i.bundle().envelope().digest()
                + " issued for cluster "
                + i.clusterId());
        out.println("  written to " + i.certificateFile() + ", " + where);
        out.println("  expires " + i.expiresAt() + "; trust anchors in " + i.trustRoot());
        snapshotNote(i, out);
        out.println("  attested scan took " + i.took().toMillis() + " ms");
        out.flush();
        return Main.OK;
      }
    }
  }
}

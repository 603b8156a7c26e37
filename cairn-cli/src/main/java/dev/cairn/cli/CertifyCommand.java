package dev.cairn.cli;

import dev.cairn.attest.Tees;
import dev.cairn.certify.Certifier;
import dev.cairn.certify.CertifyEvent;
import dev.cairn.certify.CertifyListener;
import dev.cairn.certify.CertifyRequest;
import dev.cairn.certify.CertifyResult;
import dev.cairn.certify.Target;
import dev.cairn.core.CairnException;
import dev.cairn.core.Text;
import dev.cairn.ledger.Certificate;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.Receipt;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "certify")
final class CertifyCommand extends Sub {
  static final class TargetOption {
    @Option(names = "--kubeconfig", paramLabel = "FILE")
    @Nullable Path kubeconfig;

    @Option(names = "--snapshot", paramLabel = "FILE")
    @Nullable Path snapshot;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  @SuppressWarnings("NullAway.Init")
  TargetOption target;

  @Mixin Options.Frameworks frameworks = new Options.Frameworks();

  @Mixin Options.Pss pss = new Options.Pss();

  @Option(names = "--attest", paramLabel = "URL")
  @Nullable URI attest;

  @Mixin Options.LedgerOption ledger = new Options.LedgerOption();

  @Option(names = "--confirmations", paramLabel = "N", converter = Options.Positive.class)
  int confirmations = 1;

  @Option(names = "--valid-days", converter = Options.Positive.class)
  int validDays = 30;

  @Option(names = "--output-file", paramLabel = "FILE")
  @Nullable Path outputFile;

  @Override
  public Integer call() throws Exception {
    URI where = Objects.requireNonNull(ledger.uri(Ledgers.EMBEDDED));
    Target t =
        target.snapshot != null
            ? new Target.Snapshot(target.snapshot)
            : new Target.Live(Objects.requireNonNull(target.kubeconfig));
    CertifyRequest request =
        CertifyRequest.of(t)
            .withFrameworks(frameworks.set())
            .withPssVersion(pss.version)
            .withValidity(Duration.ofDays(validDays))
            .withLedger(where, confirmations)
            .withAttestationService(attest)
            .withCertificateFile(outputFile);
    Trace.mark("certify", "parsed arguments");
    Certifier certifier =
        Certifier.create(home(), Clock.systemUTC())
            .withWorkloadEnvironment(Trace.on() ? Map.of(Trace.ENV, Trace.childValue()) : Map.of());
    return render(certifier.certify(request, listener(err())), out());
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

  /** Prints a certification's result; returns the exit code. */
  static int render(CertifyResult result, PrintWriter out) {
    switch (result) {
      case CertifyResult.Refused r -> {
        out.printf(
            "No certificate: these checks failed in the attested scan (report in %s):%n",
            r.reportFile());
        r.failed().forEach(f -> out.println("  " + Text.escape(f.toString())));
      }
      case CertifyResult.Issued i -> {
        String where =
            switch (i.receipt()) {
              case Receipt r ->
                  "ledger index %d (checkpoint size %d)"
                      .formatted(r.index(), r.checkpoint().size());
              case ChainReceipt c ->
                  "recorded on %s (chain %d, transaction %s, block %d)"
                      .formatted(c.ledger(), c.chainId(), c.transaction(), c.blockNumber());
            };
        out.printf(
            "Certificate %s issued for cluster %s%n  written to %s, %s%n"
                + "  expires %s; trust anchors in %s%n",
            i.bundle().envelope().digest(),
            i.clusterId(),
            i.certificateFile(),
            where,
            i.expiresAt(),
            i.trustRoot());
        if (isSnapshot(i)) {
          out.println(
              "  snapshot: the cluster's identity is only claimed; cairn verify accepts it only"
                  + " with --allow-snapshot or after cairn trust allow-snapshots");
        }
        out.println("  attested scan took " + i.took().toMillis() + " ms");
      }
    }
    out.flush();
    return result instanceof CertifyResult.Issued ? Main.OK : Main.FINDINGS;
  }

  /** A certificate made from a snapshot says so where it is shown. */
  private static boolean isSnapshot(CertifyResult.Issued i) {
    try {
      return Certificate.parse(i.bundle().envelope().payload()).source().equals("snapshot");
    } catch (CairnException e) {
      return false;
    }
  }
}

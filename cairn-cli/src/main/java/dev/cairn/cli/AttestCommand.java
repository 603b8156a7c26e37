package dev.cairn.cli;

import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Policies;
import dev.cairn.attest.Policy;
import dev.cairn.attest.Tees;
import dev.cairn.attest.tee.HardwareEvidence;
import dev.cairn.attest.tee.TcbStatus;
import dev.cairn.attest.tee.TeeVerification;
import dev.cairn.attest.tee.intel.IntelCollateral;
import dev.cairn.attest.tee.intel.IntelPolicy;
import dev.cairn.attest.tee.intel.IntelQuote;
import dev.cairn.attest.tee.intel.IntelQuotes;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "attest",
    subcommands = {
      AttestCommand.Serve.class,
      AttestCommand.Install.class,
      AttestCommand.Inspect.class,
      AttestCommand.Verify.class
    })
final class AttestCommand extends Sub {
  static AttestationService open(@Nullable Path state, CairnHome home) throws Exception {
    Path dir = state != null ? state : home.attestation();
    return AttestationService.open(
        dir, List.of(Tees.simulation(home, Clock.systemUTC()).platformKey()), Clock.systemUTC());
  }

  @Command(name = "serve")
  static final class Serve extends Sub {
    @Option(names = "--host")
    String host = "127.0.0.1";

    @Option(names = "--port")
    int port;

    @Option(names = "--state", paramLabel = "DIR")
    @Nullable Path state;

    @Option(names = "--policy", paramLabel = "FILE")
    @Nullable Path policy;

    @Override
    public Integer call() throws Exception {
      AttestationService s = open(state, home());
      if (policy != null) {
        Policy p = s.install(Policies.load(policy));
        err()
            .println("cairn: installed policy " + p.name() + " v" + p.version() + " " + p.digest());
      }
      CountDownLatch stop = new CountDownLatch(1);
      try (AttestationHttp http = AttestationHttp.serve(s, host, port)) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        out().println("attestation service listening on " + http.uri());
        out().flush();
        stop.await();
      }
      return Main.OK;
    }
  }

  @Command(name = "install")
  static final class Install extends Sub {
    @Parameters(paramLabel = "POLICY", descriptionKey = "policy-file")
    @SuppressWarnings("NullAway.Init")
    Path policy;

    @Option(names = "--state", paramLabel = "DIR")
    @Nullable Path state;

    @Override
    public Integer call() throws Exception {
      Policy p = open(state, home()).install(Policies.load(policy));
      out().println("installed " + p.name() + " v" + p.version() + " " + p.digest());
      return Main.OK;
    }
  }

  /** The evidence in {@code file}, parsed by the verifier its bytes belong to. */
  static HardwareEvidence read(Path file) throws Exception {
    byte[] data = Files.readAllBytes(file);
    if (IntelQuotes.looksLikeQuote(data)) {
      return IntelQuotes.parse(data);
    }
    if (looksLikeSnpReport(data)) {
      try {
        return dev.cairn.attest.tee.snp.SnpReport.parse(data);
      } catch (dev.cairn.attest.tee.MalformedEvidenceException e) {
        throw ExitException.usage(file + ": " + e.getMessage(), e.hint().orElse(null));
      }
    }
    throw ExitException.usage(
        file
            + ": not TEE evidence Cairn knows (an Intel SGX/TDX quote v3-v5 or an AMD SEV-SNP"
            + " report)",
        "pass the raw quote as the TEE produced it (binary, not base64 or hex)");
  }

  /** An SEV-SNP ATTESTATION_REPORT: 1184 bytes, version 2 to 5 (little-endian) first. */
  static boolean looksLikeSnpReport(byte[] data) {
    return data.length == 1184
        && data[0] >= 2
        && data[0] <= 5
        && data[1] == 0
        && data[2] == 0
        && data[3] == 0;
  }

  @Command(name = "inspect")
  static final class Inspect extends Sub {
    @Parameters(paramLabel = "FILE", descriptionKey = "evidence-file")
    @SuppressWarnings("NullAway.Init")
    Path file;

    @Mixin Options.JsonOutput output = new Options.JsonOutput();

    @Override
    public Integer call() throws Exception {
      boolean json = output.json();
      HardwareEvidence e = read(file);
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", e.type().wireName());
        doc.put("measurement", e.measurementHex());
        doc.put("fields", e.fields());
        out().print(Json.pretty(doc));
      } else {
        out().println("type: " + e.type().wireName());
        e.fields().forEach((k, v) -> out().println(k + ": " + v));
      }
      return Main.OK;
    }
  }

  @Command(name = "verify")
  static final class Verify extends Sub {
    @Parameters(paramLabel = "FILE", descriptionKey = "evidence-file")
    @SuppressWarnings("NullAway.Init")
    Path file;

    @Option(names = "--collateral", paramLabel = "DIR", required = true)
    @SuppressWarnings("NullAway.Init")
    Path collateral;

    @Option(names = "--at", paramLabel = "TIME")
    @Nullable String at;

    @Option(names = "--trust-root", paramLabel = "FILE")
    @Nullable Path trustRoot;

    @Option(names = "--accept", paramLabel = "STATUS", split = ",")
    List<String> accept = List.of("UpToDate");

    @Option(names = "--accept-unverifiable", paramLabel = "STEP", split = ",")
    List<String> acceptUnverifiable = List.of();

    @Option(names = "--allow-debug")
    boolean allowDebug;

    @Mixin Options.JsonOutput output = new Options.JsonOutput();

    @Override
    public Integer call() throws Exception {
      boolean json = output.json();
      Instant when = Instant.now();
      if (at != null) {
        try {
          when = Instant.parse(at);
        } catch (DateTimeParseException e) {
          throw ExitException.usage(
              "--at " + at + ": not a time", "write it as 2023-06-20T00:00:00Z (UTC)");
        }
      }
      Set<TcbStatus> statuses = EnumSet.noneOf(TcbStatus.class);
      for (String a : accept) {
        try {
          statuses.add(TcbStatus.parse(a.strip()));
        } catch (IllegalArgumentException e) {
          throw ExitException.usage(
              "--accept " + a + ": not a TCB status",
              "use UpToDate, SWHardeningNeeded, ConfigurationNeeded,"
                  + " ConfigurationAndSWHardeningNeeded, OutOfDate, OutOfDateConfigurationNeeded");
        }
      }
      for (String s : acceptUnverifiable) {
        if (!IntelQuotes.OPTIONAL_STEPS.contains(s)) {
          throw ExitException.usage(
              "--accept-unverifiable " + s + ": not a step that may go unverified",
              "use crl, tcb-info-signature or qe-identity-signature");
        }
      }
      HardwareEvidence e = read(file);
      TeeVerification r;
      if (e instanceof dev.cairn.attest.tee.snp.SnpReport snp) {
        var b = dev.cairn.attest.tee.snp.SnpVerifier.builder();
        if (trustRoot != null) {
          b.trustRoot(root(trustRoot));
        }
        if (allowDebug) {
          b.policy(dev.cairn.attest.tee.snp.SnpPolicyCheck.permitDebug());
        }
        r =
            b.build()
                .verify(
                    snp, dev.cairn.attest.tee.snp.SnpCollateral.fromDirectory(collateral), when);
      } else {
        if (allowDebug) {
          throw ExitException.usage(
              "--allow-debug is for SEV-SNP reports", "leave it out for Intel quotes");
        }
        IntelPolicy policy =
            IntelPolicy.defaults(when)
                .accepting(statuses)
                .acceptingUnverifiable(Set.copyOf(acceptUnverifiable))
                .withTrustRoot(trustRoot == null ? null : root(trustRoot));
        r = IntelQuotes.verify((IntelQuote) e, IntelCollateral.load(collateral), policy);
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("type", e.type().wireName());
      doc.put("measurement", e.measurementHex());
      doc.put("at", when.toString());
      switch (r) {
        case TeeVerification.Verified v -> {
          doc.put("verified", true);
          doc.put("tcbStatus", v.tcbStatus().wireName());
          doc.put("advisories", v.advisories());
          doc.put("passed", v.passed());
        }
        case TeeVerification.Failed f -> {
          doc.put("verified", false);
          doc.put("step", f.step());
          doc.put("message", f.message());
          doc.put("passed", f.passed());
        }
      }
      if (json) {
        out().print(Json.pretty(doc));
      } else {
        for (String p : r.passed()) {
          out().println("ok    " + p);
        }
        if (r instanceof TeeVerification.Verified v) {
          out()
              .println(
                  "verified: "
                      + e.type().wireName()
                      + " "
                      + e.measurementHex()
                      + ", TCB status "
                      + v.tcbStatus().wireName()
                      + (v.advisories().isEmpty() ? "" : ", advisories " + v.advisories()));
        } else if (r instanceof TeeVerification.Failed f) {
          out().println("FAIL  " + f.step() + ": " + f.message());
        }
      }
      if (r instanceof TeeVerification.Failed f && !json) {
        err().println("cairn: verification failed at " + f.step() + ": " + f.message());
      }
      return r instanceof TeeVerification.Verified ? Main.OK : Main.FINDINGS;
    }

    private static X509Certificate root(Path file) throws Exception {
      byte[] pem;
      try {
        pem = Files.readAllBytes(file);
      } catch (IOException e) {
        throw ExitException.usage(
            "--trust-root " + file + ": cannot read: " + e.getMessage(),
            "pass a PEM file with the root CA certificate");
      }
      try {
        return (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));
      } catch (CertificateException | ClassCastException e) {
        throw ExitException.usage(
            "--trust-root " + file + ": not a certificate",
            "pass a PEM file with the root CA certificate");
      }
    }
  }
}

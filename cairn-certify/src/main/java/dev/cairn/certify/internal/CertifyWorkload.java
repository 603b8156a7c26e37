package dev.cairn.certify.internal;

import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Attestations;
import dev.cairn.attest.EnclaveKey;
import dev.cairn.attest.Evidence;
import dev.cairn.attest.MeasuredJvm;
import dev.cairn.attest.SealedSecret;
import dev.cairn.attest.SecretInjection;
import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Keys;
import dev.cairn.core.Secret;
import dev.cairn.ledger.Certificate;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.LedgerReceipt;
import dev.cairn.ledger.Ledgers;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.ClusterIdentity;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Clusters;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.PssVersion;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.Reports;
import dev.cairn.scanner.ScanException;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanner;
import dev.cairn.scanner.Scanners;
import dev.cairn.scanner.Snapshots;
import dev.cairn.scanner.Version;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The measured certify workload, run by {@link dev.cairn.certify.Certifier} as its own process. It
 * scans while it is measured and attested: it learns what to scan from its one argument (a {@link
 * Protocol.Task}), where to attest from one line on stdin ({@link Protocol.Instructions}, sent once
 * the service listens), gets the certificate key (and a chain's ledger key) sealed to its ephemeral
 * key, signs an in-toto Statement whose evidence binds the report, the cluster and the key, records
 * it on a ledger it records on itself, and prints one {@link Protocol.Outcome} line. Secrets never
 * leave it.
 */
public final class CertifyWorkload {
  private CertifyWorkload() {}

  public static void main(String[] args) {
    Trace.mark("workload", "started");
    Protocol.Outcome out;
    try {
      if (args.length != 1) {
        throw new IllegalArgumentException("expected one argument, the task");
      }
      Protocol.Task task = Protocol.decodeTask(args[0]);
      CairnHome home = CairnHome.of(Path.of(task.home()));
      TeeProvider tee = Tees.simulation(home, Clock.systemUTC());
      // the measurement comes from the platform that launched it, as a TEE's report carries what
      // the hardware measured at load; run by hand (no platform), it measures itself
      String launched = System.getenv("CAIRN_TEE_MEASUREMENT");
      CompletableFuture<Digest> measurement =
          launched != null
              ? CompletableFuture.completedFuture(Digest.parse(launched))
              : CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return tee.measure(
                          MeasuredJvm.spec(
                              MeasuredJvm.currentClassPath(),
                              Checks.builtinPackDigest(),
                              EmbeddedAttestation.WORKLOAD_COMMAND));
                    } catch (CairnException e) {
                      throw new CompletionException(e);
                    }
                  });
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      out =
          run(
              task,
              home,
              tee,
              measurement,
              () -> {
                String line = in.readLine();
                if (line == null) {
                  throw new IllegalStateException(
                      "the certify process did not say where to attest");
                }
                return Protocol.decodeInstructions(line);
              });
    } catch (Exception e) {
      Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      out = new Protocol.Error(String.valueOf(c.getMessage()));
    }
    System.out.println(Protocol.encode(out));
    System.out.flush();
    System.exit(0);
  }

  /** Reads the instructions: where and as what to attest. */
  interface InstructionSource {
    Protocol.Instructions read() throws Exception;
  }

  private record Input(ClusterIdentity identity, ObjectSource source, String kind) {}

  static Protocol.Outcome run(
      Protocol.Task task,
      CairnHome home,
      TeeProvider tee,
      CompletableFuture<Digest> measured,
      InstructionSource instructions)
      throws Exception {
    Clock clock = Clock.systemUTC();
    Set<Framework> fws = EnumSet.noneOf(Framework.class);
    for (String f : task.frameworks()) {
      fws.add(
          Framework.parse(f)
              .orElseThrow(() -> new IllegalArgumentException("unknown framework " + f)));
    }
    CheckSet checks =
        Checks.builtin()
            .select(fws)
            .forPssVersion(
                PssVersion.parse(task.pssVersion())
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "unknown PSS version " + task.pssVersion())));
    // compile the checks and read the cluster while the code is being measured and attested: the
    // scan needs no secret; only the certificate does
    CompletableFuture<Scanner> scanner =
        CompletableFuture.supplyAsync(
                () ->
                    Scanners.create(ScanOptions.defaults().withChecks(checks).withFrameworks(fws)))
            .whenComplete((x, e) -> Trace.mark("workload", "compiled the checks"));
    CompletableFuture<Input> input =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                if (task.targetKind().equals("snapshot")) {
                  Snapshots.Snapshot snap = Snapshots.read(Path.of(task.targetPath()));
                  return new Input(snap.identity(), snap.source(), "snapshot");
                }
                ClusterOptions opts = ClusterOptions.of(Path.of(task.targetPath()));
                return new Input(
                    Clusters.identity(opts), ObjectSources.cluster(opts, checks), "live");
              } catch (Exception e) {
                throw new CompletionException(e);
              } finally {
                Trace.mark("workload", "read the cluster identity");
              }
            });
    CompletableFuture<ScanReport> scan =
        scanner
            .thenCombine(
                input,
                (sc, i) -> {
                  try {
                    return sc.scan(List.of(i.source()));
                  } catch (ScanException e) {
                    throw new CompletionException(e);
                  }
                })
            .whenComplete((x, e) -> Trace.mark("workload", "scanned"));
    EnclaveKey enclave = EnclaveKey.generate();
    Protocol.Instructions att = instructions.read();
    Trace.mark("workload", "read where to attest");
    Digest measurement = measured.join();
    AttestationHttp.Client cas = new AttestationHttp.Client(URI.create(att.attest()));
    byte[] nonce = cas.challenge(att.session(), att.service());
    Evidence releaseEvidence =
        tee.evidence(measurement, Attestations.reportData(nonce, enclave.publicKey()));
    AttestationService.Release release =
        cas.release(att.session(), att.service(), nonce, releaseEvidence, enclave.publicKey());
    Trace.mark("workload", "attested; secrets released");
    if (task.validSeconds() > release.maxValidity().toSeconds()) {
      // the certify process checked this already; the measured scanner does not take its word
      // (the secrets stay sealed: they are never opened)
      return new Protocol.Error(
          "asked for a lifetime of "
              + Duration.ofSeconds(task.validSeconds()).toDays()
              + " days, beyond the "
              + release.maxValidity().toDays()
              + " days the attestation policy allows; nothing was signed");
    }
    Map<String, Secret> opened = new LinkedHashMap<>();
    for (SealedSecret s : release.secrets()) {
      opened.put(s.name(), enclave.open(s));
    }
    // the policy's command for this service, with the released secrets injected by name
    SecretInjection.Injected launch =
        SecretInjection.inject(release.command(), release.env(), opened);
    opened.values().forEach(Secret::destroy);
    PrivateKey signingKey;
    try {
      Secret keyArg =
          launch
              .option("--signing-key")
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the policy's command for "
                              + att.service()
                              + " does not inject the certificate key (--signing-key"
                              + " $$CAIRN::certificate-key$$)"));
      Secret pkcs8 = Secret.of(base64(keyArg));
      signingKey = Keys.ed25519Private(pkcs8);
      pkcs8.destroy();
      ScanReport report = scan.join();
      Input target = input.join();
      return certify(
          task, home, tee, clock, att, measurement, report, target, checks, signingKey, launch);
    } finally {
      launch.destroy();
    }
  }

  private static Protocol.Outcome certify(
      Protocol.Task task,
      CairnHome home,
      TeeProvider tee,
      Clock clock,
      Protocol.Instructions att,
      Digest measurement,
      ScanReport report,
      Input target,
      CheckSet checks,
      PrivateKey signingKey,
      SecretInjection.Injected launch)
      throws Exception {
    ClusterIdentity identity = target.identity();
    StringWriter json = new StringWriter();
    Reports.write(report, ReportFormat.JSON, json, false);
    String reportJson = json.toString();
    Digest reportDigest = Digest.sha256(reportJson);
    Files.writeString(Path.of(task.reportFile()), reportJson);
    Trace.mark("workload", "wrote the report");
    List<Protocol.FailedCheck> failing = new ArrayList<>();
    for (CheckResult cr : report.results()) {
      if (cr.failed() > 0 || cr.errors() > 0) {
        failing.add(
            new Protocol.FailedCheck(
                cr.check().id(), cr.check().message(), cr.failed() + cr.errors()));
      }
    }
    if (!failing.isEmpty() || report.hasInputErrors()) {
      return new Protocol.Failed(identity.id(), measurement, reportDigest, failing);
    }
    if (report.results().stream()
        .allMatch(
            r ->
                r.status() == CheckResult.Status.NOT_APPLICABLE
                    || r.status() == CheckResult.Status.MANUAL)) {
      // no object of a kind the checks judge: a certificate would say nothing about the cluster
      return new Protocol.NothingJudged(identity.id(), report.objects(), report.results().size());
    }
    // the service publishes the key's public half; the certify process checks the signature with
    // it before anything is recorded
    PublicKey signingPublic = Keys.ed25519Public(Base64.getDecoder().decode(att.signingKey()));
    String keyId = Keys.keyId(signingPublic);
    Evidence bound =
        tee.evidence(
            measurement, Certificate.bindingReportData(reportDigest, identity.id(), keyId));
    ScanReport.Summary s = report.summary();
    Map<String, Long> summary = new LinkedHashMap<>();
    summary.put("objects", report.objects());
    summary.put("checks", (long) s.checks());
    summary.put("passed", (long) s.passed());
    summary.put("notApplicable", (long) s.notApplicable());
    summary.put("waived", s.waived());
    if (s.manual() > 0) {
      // controls the API cannot decide: counted here, named with their reasons in the report the
      // certificate binds by digest
      summary.put("manual", (long) s.manual());
    }
    Instant now = clock.instant();
    List<String> frameworks = task.frameworks().isEmpty() ? List.of("all") : task.frameworks();
    Certificate cert =
        new Certificate(
            identity.id(),
            identity.kubeSystemUid(),
            identity.caFingerprint(),
            identity.server(),
            target.kind(),
            frameworks.stream().sorted().toList(),
            checks.digest(),
            Version.TOOL,
            tee.name(),
            tee.hardwareBacked(),
            measurement,
            bound.toJson(),
            reportDigest,
            summary,
            att.policy(),
            keyId,
            now,
            now.plus(Duration.ofSeconds(task.validSeconds())));
    Dsse.Envelope env = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, cert.statement(), signingKey, keyId);
    Trace.mark("workload", "signed the certificate");
    ChainReceipt chain = null;
    URI ledgerUri = Ledgers.parse(task.ledger());
    // a ledger whose writes need a signer takes them from the measured scanner, with the key the
    // attestation service released only to it; the embedded log is written by the certify process
    if (Ledgers.needsSigner(ledgerUri)) {
      // the measured scanner records its certificate itself, with the key released only to it
      if (!Dsse.verify(env, signingPublic)) {
        throw new IllegalStateException(
            "the released certificate key does not match the attestation service's published key");
      }
      Secret ledgerKey =
          launch
              .option("--ledger-key")
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the policy's command for "
                              + att.service()
                              + " does not inject the ledger key (--ledger-key"
                              + " $$CAIRN::ledger-key$$)"));
      Secret raw = Secret.of(base64(ledgerKey));
      try (Ledger ledger =
          Ledgers.open(
              ledgerUri,
              LedgerOptions.writing(home)
                  .withSigner(raw)
                  .withConfirmations(task.confirmations()))) {
        LedgerReceipt r =
            ledger.issue(
                new LedgerEntry.Issued(
                    identity.id(),
                    env.digest(),
                    now,
                    cert.expiresAt(),
                    task.locator(),
                    new byte[0]));
        if (r instanceof ChainReceipt c) {
          chain = c;
        }
      } finally {
        raw.destroy();
      }
      Trace.mark("workload", "recorded the certificate on the ledger");
    }
    return new Protocol.Issued(
        identity.id(), measurement, reportDigest, env.toJson(), now, cert.expiresAt(), chain);
  }

  /** The bytes a base64 secret argument stands for (the secret itself). */
  private static byte[] base64(Secret s) {
    byte[] text = s.bytes();
    try {
      return Base64.getDecoder().decode(text);
    } finally {
      java.util.Arrays.fill(text, (byte) 0);
    }
  }
}

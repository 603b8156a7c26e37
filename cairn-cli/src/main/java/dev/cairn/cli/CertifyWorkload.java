package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Attestations;
import dev.cairn.attest.EnclaveKey;
import dev.cairn.attest.Evidence;
import dev.cairn.attest.SealedSecret;
import dev.cairn.attest.SecretInjection;
import dev.cairn.attest.TeeProvider;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Json;
import dev.cairn.core.Keys;
import dev.cairn.core.Secret;
import dev.cairn.ledger.Certificate;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.ClusterIdentity;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Clusters;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.Reports;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The measured certify workload: run by {@code cairn certify} as a separate process. It measures
 * itself and, at the same time, scans the cluster; it attests to the attestation service (fresh
 * nonce, ephemeral key in the evidence), gets the certificate key sealed to that key, and, when
 * every check passes, signs an in-toto Statement whose evidence binds the report, the cluster and
 * the key. Learns what to scan from its arguments ({@code key=value}) and where to attest from one
 * JSON line on stdin (sent once the service listens); writes the report to the file it was given
 * and one JSON result line on stdout; secrets never leave it.
 */
public final class CertifyWorkload {
  private CertifyWorkload() {}

  private static java.util.concurrent.CompletableFuture<Digest> MEASUREMENT =
      java.util.concurrent.CompletableFuture.failedFuture(
          new IllegalStateException("not measured"));

  public static void main(String[] args) throws Exception {
    Trace.mark("workload", "started");
    // the measurement comes from the platform that launched it, as a TEE's report carries what the
    // hardware measured at load; run by hand (no platform), it measures itself
    String launched = System.getenv("CAIRN_TEE_MEASUREMENT");
    MEASUREMENT =
        launched != null
            ? java.util.concurrent.CompletableFuture.completedFuture(Digest.parse(launched))
            : java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try {
                    Digest d = Embedded.tee().measure(Embedded.launchSpec());
                    Trace.mark("workload", "measured itself");
                    return d;
                  } catch (dev.cairn.core.CairnException e) {
                    throw new java.util.concurrent.CompletionException(e);
                  }
                });
    java.io.BufferedReader in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
    Map<String, Object> out;
    try {
      Map<String, String> target = new LinkedHashMap<>();
      for (String a : args) {
        int eq = a.indexOf('=');
        if (eq > 0) {
          target.put(a.substring(0, eq), a.substring(eq + 1));
        }
      }
      out =
          run(
              target,
              () -> {
                String line = in.readLine();
                if (line == null) {
                  throw new IllegalStateException("cairn certify did not say where to attest");
                }
                return Json.mapper().readTree(line);
              });
    } catch (Exception e) {
      Throwable c =
          e instanceof java.util.concurrent.CompletionException && e.getCause() != null
              ? e.getCause()
              : e;
      out = Map.of("status", "error", "error", String.valueOf(c.getMessage()));
    }
    System.out.println(Json.canonical(out));
    System.out.flush();
    System.exit(0);
  }

  /** Reads the request line: where and as what to attest. */
  interface AttestRequest {
    JsonNode read() throws Exception;
  }

  private record Input(ClusterIdentity identity, ObjectSource source, String kind) {}

  static Map<String, Object> run(Map<String, String> req, AttestRequest attestRequest)
      throws Exception {
    Clock clock = Clock.systemUTC();
    TeeProvider tee = Embedded.tee();
    // compile the checks and read the cluster while the code is being measured and attested: the
    // scan needs no secret; only the certificate does
    List<String> fwNames =
        java.util.Arrays.stream(req.getOrDefault("frameworks", "").split(","))
            .filter(f -> !f.isBlank())
            .toList();
    Set<Framework> fws = ScanCommand.parseFrameworks(fwNames);
    CheckSet checks = Checks.builtin().select(fws);
    java.util.concurrent.CompletableFuture<dev.cairn.scanner.Scanner> scanner =
        java.util.concurrent.CompletableFuture.supplyAsync(
                () ->
                    Scanners.create(ScanOptions.defaults().withChecks(checks).withFrameworks(fws)))
            .whenComplete((x, e) -> Trace.mark("workload", "compiled the checks"));
    java.util.concurrent.CompletableFuture<Input> input =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                String snapshot = req.get("snapshot");
                if (snapshot != null) {
                  Snapshots.Snapshot snap = Snapshots.read(Path.of(snapshot));
                  return new Input(snap.identity(), snap.source(), "snapshot");
                }
                ClusterOptions opts =
                    ClusterOptions.of(Path.of(String.valueOf(req.get("kubeconfig"))));
                return new Input(
                    Clusters.identity(opts), ObjectSources.cluster(opts, checks), "live");
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              } finally {
                Trace.mark("workload", "read the cluster identity");
              }
            });
    java.util.concurrent.CompletableFuture<ScanReport> scan =
        scanner
            .thenCombine(
                input,
                (sc, i) -> {
                  try {
                    return sc.scan(List.of(i.source()));
                  } catch (dev.cairn.scanner.ScanException e) {
                    throw new java.util.concurrent.CompletionException(e);
                  }
                })
            .whenComplete((x, e) -> Trace.mark("workload", "scanned"));
    EnclaveKey enclave = EnclaveKey.generate();
    Trace.mark("workload", "generated the enclave key");
    JsonNode att = attestRequest.read();
    Trace.mark("workload", "read where to attest");
    Digest measurement = MEASUREMENT.join();
    String session = att.get("session").asText();
    String service = att.get("service").asText();
    AttestationHttp.Client cas = new AttestationHttp.Client(URI.create(att.get("attest").asText()));
    byte[] nonce = cas.challenge(session, service);
    Trace.mark("workload", "got a nonce");
    Evidence releaseEvidence =
        tee.evidence(measurement, Attestations.reportData(nonce, enclave.publicKey()));
    AttestationService.Release release =
        cas.release(session, service, nonce, releaseEvidence, enclave.publicKey());
    Trace.mark("workload", "attested; secrets released");
    Map<String, Secret> opened = new LinkedHashMap<>();
    for (SealedSecret s : release.secrets()) {
      opened.put(s.name(), enclave.open(s));
    }
    // the policy's command for this service, with the released secrets injected by name
    SecretInjection.Injected launch =
        SecretInjection.inject(release.command(), release.env(), opened);
    opened.values().forEach(Secret::destroy);
    String keyArg =
        launch
            .option("--signing-key")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the policy's command for "
                            + service
                            + " does not inject the certificate key (--signing-key $$CAIRN::certificate-key$$)"));
    Secret pkcs8 = Secret.of(Base64.getDecoder().decode(keyArg));
    PrivateKey signingKey = Keys.ed25519Private(pkcs8);
    pkcs8.destroy();
    // the service publishes the key's public half (cairn certify checks the signature with it
    // before anything is recorded)
    PublicKey signingPublic =
        Keys.ed25519Public(Base64.getDecoder().decode(att.get("signingKey").asText()));

    ScanReport report = scan.join();
    Input in = input.join();
    ClusterIdentity identity = in.identity();
    String kind = in.kind();
    StringWriter json = new StringWriter();
    Reports.write(report, ReportFormat.JSON, json, false);
    String reportJson = json.toString();
    Digest reportDigest = Digest.sha256(reportJson);
    java.nio.file.Files.writeString(Path.of(String.valueOf(req.get("reportFile"))), reportJson);
    Trace.mark("workload", "wrote the report");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("reportDigest", reportDigest.toString());
    result.put("measurement", measurement.toString());
    result.put("clusterId", identity.id().toString());
    List<String> failing = new ArrayList<>();
    for (CheckResult cr : report.results()) {
      if (cr.failed() > 0 || cr.errors() > 0) {
        failing.add(
            cr.check().id()
                + " "
                + cr.check().message()
                + " ("
                + (cr.failed() + cr.errors())
                + " objects)");
      }
    }
    if (!failing.isEmpty() || report.hasInputErrors()) {
      result.put("status", "failed");
      result.put("failing", failing);
      return result;
    }
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
    Instant now = clock.instant();
    Certificate cert =
        new Certificate(
            identity.id(),
            identity.kubeSystemUid(),
            identity.caFingerprint(),
            identity.server(),
            kind,
            fws.isEmpty() ? List.of("all") : fws.stream().map(Framework::id).sorted().toList(),
            checks.digest(),
            dev.cairn.scanner.Version.TOOL,
            tee.name(),
            tee.hardwareBacked(),
            measurement,
            bound.toJson(),
            reportDigest,
            summary,
            Digest.parse(att.get("policy").asText()),
            keyId,
            now,
            now.plus(Duration.ofDays(Long.parseLong(String.valueOf(req.get("validDays"))))));
    Dsse.Envelope env = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, cert.statement(), signingKey, keyId);
    Trace.mark("workload", "signed the certificate");
    result.put("status", "issued");
    result.put("envelope", env.toJson());
    result.put("signingKey", Base64.getEncoder().encodeToString(Keys.raw(signingPublic)));
    result.put("clusterId", identity.id().toString());
    result.put("expiresAt", cert.expiresAt().toString());
    result.put("issuedAt", now.toString());
    String ledger = req.get("ledger");
    if (Eth.isEthereum(ledger)) {
      // the measured scanner records its certificate itself, with the key released only to it
      if (!Dsse.verify(env, signingPublic)) {
        throw new IllegalStateException(
            "the released certificate key does not match the attestation service's published key");
      }
      String ledgerKey =
          launch
              .option("--ledger-key")
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the policy's command for "
                              + service
                              + " does not inject the ledger key (--ledger-key $$CAIRN::ledger-key$$)"));
      String locator =
          req.getOrDefault(
              "locator", "cluster-" + identity.id().hex().substring(0, 12) + ".cert.json");
      try (dev.cairn.ethereum.EthereumLedger chain =
          Eth.open(
              String.valueOf(ledger),
              Eth.fromRaw(Base64.getDecoder().decode(ledgerKey)),
              null,
              Integer.parseInt(req.getOrDefault("confirmations", "1")))) {
        // one issuing transaction at a time per key on this machine: concurrent runs would read
        // the same pending nonce and replace each other's transaction
        java.nio.file.Path lockFile =
            Embedded.home().resolve("ethereum").resolve(chain.registry().address() + ".lock");
        java.nio.file.Files.createDirectories(lockFile.getParent());
        dev.cairn.ledger.ChainReceipt r;
        try (java.nio.channels.FileChannel ch =
                java.nio.channels.FileChannel.open(
                    lockFile,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock held = ch.lock()) {
          r =
              chain.issue(
                  new dev.cairn.ledger.LedgerEntry.Issued(
                      identity.id(), env.digest(), now, cert.expiresAt(), locator, new byte[0]));
        }
        Map<String, Object> c = new LinkedHashMap<>(r.toMap());
        c.put("ledger", r.ledger());
        result.put("chain", c);
      }
      Trace.mark("workload", "recorded the certificate on chain");
    }
    return result;
  }
}

package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Attestations;
import dev.cairn.attest.EnclaveKey;
import dev.cairn.attest.Evidence;
import dev.cairn.attest.ReleasedKeys;
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
 * itself, attests to the attestation service (fresh nonce, ephemeral key in the evidence), gets the
 * certificate key sealed to that key, scans the cluster, and, when every check passes, signs an
 * in-toto Statement whose evidence binds the report, the cluster and the key. Reads one JSON
 * request on stdin, writes one JSON result on stdout; secrets never leave it.
 */
public final class CertifyWorkload {
  private CertifyWorkload() {}

  private static java.util.concurrent.CompletableFuture<Digest> MEASUREMENT =
      java.util.concurrent.CompletableFuture.failedFuture(
          new IllegalStateException("not measured"));

  public static void main(String[] args) throws Exception {
    // measure while the parent prepares the request: the measurement needs nothing from it
    MEASUREMENT =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return Embedded.tee().measure(Embedded.launchSpec());
              } catch (dev.cairn.core.CairnException e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    JsonNode req = Json.mapper().readTree(System.in);
    Map<String, Object> out;
    try {
      out = run(req);
    } catch (Exception e) {
      out = Map.of("status", "error", "error", String.valueOf(e.getMessage()));
    }
    System.out.println(Json.canonical(out));
    System.out.flush();
    System.exit(0);
  }

  static Map<String, Object> run(JsonNode req) throws Exception {
    Clock clock = Clock.systemUTC();
    TeeProvider tee = Embedded.tee();
    // compile the checks while the code is being measured: both are start-up work of their own
    List<String> fwNames = new ArrayList<>();
    req.get("frameworks").forEach(f -> fwNames.add(f.asText()));
    Set<Framework> fws = ScanCommand.parseFrameworks(fwNames);
    java.util.concurrent.CompletableFuture<dev.cairn.scanner.Scanner> scanner =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                Scanners.create(
                    ScanOptions.defaults()
                        .withChecks(Checks.builtin().select(fws))
                        .withFrameworks(fws)));
    Digest measurement = MEASUREMENT.join();
    String launched = System.getenv("CAIRN_TEE_MEASUREMENT");
    if (launched != null && !launched.equals(measurement.toString())) {
      throw new IllegalStateException(
          "measured "
              + measurement
              + " but was launched as "
              + launched
              + " (code changed under the workload)");
    }
    String session = req.get("session").asText();
    String service = req.get("service").asText();
    AttestationHttp.Client cas = new AttestationHttp.Client(URI.create(req.get("attest").asText()));
    EnclaveKey enclave = EnclaveKey.generate();
    byte[] nonce = cas.challenge(session, service);
    Evidence releaseEvidence =
        tee.evidence(measurement, Attestations.reportData(nonce, enclave.publicKey()));
    AttestationService.Release release =
        cas.release(session, service, nonce, releaseEvidence, enclave.publicKey());
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
    PublicKey signingPublic = ReleasedKeys.ed25519PublicOf(pkcs8);
    pkcs8.destroy();

    CheckSet checks = Checks.builtin().select(fws);
    ClusterIdentity identity;
    ObjectSource source;
    String kind;
    if (req.hasNonNull("snapshot")) {
      Snapshots.Snapshot snap = Snapshots.read(Path.of(req.get("snapshot").asText()));
      identity = snap.identity();
      source = snap.source();
      kind = "snapshot";
    } else {
      ClusterOptions opts = ClusterOptions.of(Path.of(req.get("kubeconfig").asText()));
      identity = Clusters.identity(opts);
      source = ObjectSources.cluster(opts, checks);
      kind = "live";
    }
    ScanReport report = scanner.join().scan(List.of(source));
    StringWriter json = new StringWriter();
    Reports.write(report, ReportFormat.JSON, json, false);
    Digest reportDigest = Digest.sha256(json.toString());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("report", json.toString());
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
            Digest.parse(req.get("policy").asText()),
            keyId,
            now,
            now.plus(Duration.ofDays(req.get("validDays").asLong())));
    Dsse.Envelope env = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, cert.statement(), signingKey, keyId);
    result.put("status", "issued");
    result.put("envelope", env.toJson());
    result.put("signingKey", Base64.getEncoder().encodeToString(Keys.raw(signingPublic)));
    result.put("clusterId", identity.id().toString());
    result.put("expiresAt", cert.expiresAt().toString());
    result.put("issuedAt", now.toString());
    return result;
  }
}

package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.TeeProvider;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Json;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.Receipt;
import dev.cairn.ledger.TransparencyLog;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
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
  static final class Target {
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
  Target target;

  @Option(
      names = {"-f", "--framework"},
      split = ",",
      paramLabel = "F",
      description = "Frameworks to certify (default: all).")
  List<String> frameworks = new ArrayList<>();

  @Option(
      names = "--attest",
      paramLabel = "URL",
      description = "A team's attestation service (cairn attest serve); default: the embedded one.")
  java.net.@Nullable URI attest;

  @Option(names = "--valid-days", description = "Certificate lifetime in days (default: 30).")
  int validDays = 30;

  @Option(
      names = "--output-file",
      paramLabel = "FILE",
      description = "Where to write the certificate (default: cluster-<id>.cert.json).")
  @Nullable Path outputFile;

  @SuppressWarnings("NullAway.Init")
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ScanCommand.parseFrameworks(frameworks);
    if (validDays < 1) {
      throw new ExitException(Main.USAGE, "--valid-days must be at least 1", null);
    }
    long t0 = System.nanoTime();
    // start the measured workload first: its JVM starts while we approve it and open the service
    TeeProvider.Launched workload = launchWorkload();
    Digest measurement = workload.measurement();
    Map<String, Object> result;
    AttestationService cas;
    Map<?, ?> remoteTrust;
    try {
      cas = attest == null ? Embedded.attestation(measurement, err) : null;
      remoteTrust =
          attest == null
              ? Map.of()
              : new AttestationHttp.Client(attest)
                  .trust(Embedded.SESSION, Embedded.SERVICE, Embedded.SIGNING_SECRET);
    } catch (Exception e) {
      workload.process().destroyForcibly(); // never leave it waiting for a request
      throw e;
    }
    try (AttestationHttp http = cas == null ? null : AttestationHttp.serve(cas, "127.0.0.1", 0)) {
      Map<String, Object> req = new LinkedHashMap<>();
      req.put("attest", http == null ? String.valueOf(attest) : http.uri().toString());
      req.put("session", Embedded.SESSION);
      req.put("service", Embedded.SERVICE);
      req.put(
          "policy",
          cas == null
              ? String.valueOf(remoteTrust.get("policy"))
              : cas.policy(Embedded.SESSION).orElseThrow().digest().toString());
      req.put("frameworks", frameworks);
      req.put("validDays", validDays);
      if (target.snapshot != null) {
        req.put("snapshot", target.snapshot.toAbsolutePath().toString());
      } else {
        req.put(
            "kubeconfig",
            java.util.Objects.requireNonNull(target.kubeconfig).toAbsolutePath().toString());
      }
      result = finishWorkload(workload.process(), req);
    } finally {
      workload.process().destroyForcibly();
    }
    String status = String.valueOf(result.get("status"));
    if (status.equals("error")) {
      throw new CairnException(
          "the measured scanner failed: " + result.get("error"),
          "run `cairn scan` on the same target to see why");
    }
    err.println(
        "cairn: "
            + dev.cairn.attest.Tees.SIMULATION_WARNING
            + " (TEE provider simulation, measurement "
            + result.get("measurement")
            + ")");
    Digest clusterId = Digest.parse(String.valueOf(result.get("clusterId")));
    Path file =
        outputFile != null
            ? outputFile
            : Path.of("cluster-" + clusterId.hex().substring(0, 12) + ".cert.json");
    Path reportFile = reportFileFor(file);
    writeAtomically(reportFile, String.valueOf(result.get("report")));
    if (status.equals("failed")) {
      out.println(
          "No certificate: these checks failed in the attested scan (report in "
              + reportFile
              + "):");
      for (Object f : (List<?>) java.util.Objects.requireNonNull(result.get("failing"))) {
        out.println("  " + f);
      }
      return Main.FINDINGS;
    }
    Dsse.Envelope env = Dsse.parse(String.valueOf(result.get("envelope")));
    Instant issuedAt = Instant.parse(String.valueOf(result.get("issuedAt")));
    Instant expiresAt = Instant.parse(String.valueOf(result.get("expiresAt")));
    Receipt receipt;
    try (TransparencyLog log = Embedded.log()) {
      receipt =
          log.issue(
              new LedgerEntry.Issued(
                  clusterId,
                  env.digest(),
                  issuedAt,
                  expiresAt,
                  file.getFileName().toString(),
                  env.toJson().getBytes(StandardCharsets.UTF_8)));
      Files.writeString(
          Embedded.home().resolve("trust.json"),
          (cas == null ? remoteTrust(remoteTrust, log) : Embedded.trust(cas, log)).toJson());
    }
    CertificateBundle bundle =
        new CertificateBundle(
            env,
            Base64.getDecoder().decode(String.valueOf(result.get("signingKey"))),
            "embedded",
            receipt.index(),
            receipt.inclusionProof(),
            receipt.checkpoint().signedNote(),
            file.getFileName().toString(),
            issuedAt);
    writeAtomically(file, bundle.toJson());
    out.println("Certificate " + env.digest() + " issued for cluster " + clusterId);
    out.println(
        "  written to "
            + file
            + ", ledger index "
            + receipt.index()
            + " (checkpoint size "
            + receipt.checkpoint().size()
            + ")");
    out.println(
        "  expires " + expiresAt + "; trust anchors in " + Embedded.home().resolve("trust.json"));
    out.println("  attested scan took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    out.flush();
    return Main.OK;
  }

  static Path reportFileFor(Path cert) {
    String n = cert.getFileName().toString();
    String base = n.endsWith(".cert.json") ? n.substring(0, n.length() - ".cert.json".length()) : n;
    return cert.resolveSibling(base + ".report.json");
  }

  static void writeAtomically(Path file, String text) throws java.io.IOException {
    Path abs = file.toAbsolutePath();
    Path dir = java.util.Objects.requireNonNull(abs.getParent());
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".cairn", ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Trust anchors from a team attestation service's published data and the log's key. */
  static dev.cairn.ledger.TrustAnchors remoteTrust(Map<?, ?> t, TransparencyLog log) {
    java.util.Set<Digest> ms = new java.util.LinkedHashSet<>();
    for (Object m : (List<?>) java.util.Objects.requireNonNull(t.get("measurements"))) {
      ms.add(Digest.parse(String.valueOf(m)));
    }
    List<byte[]> pks = new ArrayList<>();
    for (Object k : (List<?>) java.util.Objects.requireNonNull(t.get("platformKeys"))) {
      pks.add(Base64.getDecoder().decode(String.valueOf(k)));
    }
    return new dev.cairn.ledger.TrustAnchors(
        log.verifierKey(),
        pks,
        Digest.parse(String.valueOf(t.get("policy"))),
        ms,
        Base64.getDecoder().decode(String.valueOf(t.get("signingKey"))));
  }

  /** Starts the measured workload as its own process with this build's class path. */
  static TeeProvider.Launched launchWorkload() throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd =
        new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Dcairn.home=" + Embedded.home()));
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    // start the workload from the launcher's class-data archive too (same jars), when there is one
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-XX:SharedArchiveFile=")) {
        cmd.addAll(List.of(a, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
      }
    }
    cmd.addAll(
        List.of("-cp", System.getProperty("java.class.path"), CertifyWorkload.class.getName()));
    return Embedded.tee()
        .launch(
            Embedded.launchSpec(),
            new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT));
  }

  /** Hands the workload its request and reads its one-line JSON result. */
  static Map<String, Object> finishWorkload(Process p, Map<String, Object> req) throws Exception {
    p.getOutputStream().write(Json.canonical(req).getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    JsonNode n = Json.mapper().readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
    @SuppressWarnings("unchecked")
    Map<String, Object> m = Json.mapper().convertValue(n, Map.class);
    return m;
  }
}

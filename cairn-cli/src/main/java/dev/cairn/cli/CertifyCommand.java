package dev.cairn.cli;

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
import java.util.Set;
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

  @Option(
      names = "--ledger",
      paramLabel = "LEDGER",
      description =
          "Where to record the certificate: embedded (default, the transparency log in Cairn's"
              + " home) or ethereum:URL#ADDRESS (a CertificateRegistry; cairn ledger deploy).")
  String ledger = "embedded";

  @Option(
      names = "--confirmations",
      paramLabel = "N",
      description = "Ethereum: blocks to wait for after the issuing transaction (default: 1).")
  int confirmations = 1;

  @Option(names = "--valid-days", description = "Certificate lifetime in days (default: 30).")
  int validDays = 30;

  @Option(
      names = "--output-file",
      paramLabel = "FILE",
      description = "Where to write the certificate (default: cluster-<id>.cert.json).")
  @Nullable Path outputFile;

  private @Nullable AttestationService cas;
  private Map<?, ?> remoteTrust = Map.of();
  private String publishedKey = "";
  private String issuer = "";

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
    if (!ledger.equals("embedded") && !Eth.isEthereum(ledger)) {
      throw new ExitException(
          Main.USAGE, "unknown ledger " + ledger, "use embedded or ethereum:URL#ADDRESS");
    }
    if (confirmations < 1) {
      throw new ExitException(Main.USAGE, "--confirmations must be at least 1", null);
    }
    long t0 = System.nanoTime();
    Trace.mark("certify", "parsed arguments");
    // the workload writes the report here; it is renamed once the cluster's id is known
    Path outDir =
        java.util.Objects.requireNonNull(
            (outputFile != null ? outputFile : Path.of("x")).toAbsolutePath().getParent());
    Files.createDirectories(outDir);
    Path reportTmp = Files.createTempFile(outDir, ".cairn-report", ".tmp");
    Map<String, Object> result;
    try {
      result = attestedScan(reportTmp, err);
      String status = String.valueOf(result.get("status"));
      if (status.equals("error")) {
        throw new CairnException(
            "the measured scanner failed: " + result.get("error"),
            "run `cairn scan` on the same target to see why");
      }
    } catch (Exception e) {
      Files.deleteIfExists(reportTmp);
      throw e;
    }
    String status = String.valueOf(result.get("status"));
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
    Files.move(
        reportTmp,
        reportFile.toAbsolutePath(),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
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
    // never record a certificate that does not verify with the service's published key
    if (!Dsse.verify(
        env, dev.cairn.core.Keys.ed25519Public(Base64.getDecoder().decode(publishedKey)))) {
      Files.deleteIfExists(reportFile);
      throw new CairnException(
          "the measured scanner's certificate does not verify with the attestation service's"
              + " published certificate key; nothing was recorded",
          "the service released a key that is not the one it publishes: check its policy secrets");
    }
    Instant issuedAt = Instant.parse(String.valueOf(result.get("issuedAt")));
    Instant expiresAt = Instant.parse(String.valueOf(result.get("expiresAt")));
    String locator = file.getFileName().toString();
    String where;
    CertificateBundle bundle;
    try (TransparencyLog log = Embedded.log()) {
      dev.cairn.ledger.TrustAnchors trust =
          cas == null ? remoteTrust(remoteTrust, log) : Embedded.trust(cas, log);
      if (result.get("chain") instanceof Map<?, ?> c) {
        dev.cairn.ledger.ChainReceipt chain =
            dev.cairn.ledger.ChainReceipt.of(String.valueOf(c.get("ledger")), c);
        bundle =
            CertificateBundle.onChain(
                env, Base64.getDecoder().decode(publishedKey), chain, locator, issuedAt);
        trust = trust.withLedger(issuer, chain.ledger(), chain.chainId());
        where =
            "recorded on "
                + chain.ledger()
                + " (chain "
                + chain.chainId()
                + ", transaction "
                + chain.transaction()
                + ", block "
                + chain.blockNumber()
                + ")";
      } else {
        Receipt receipt =
            log.issue(
                new LedgerEntry.Issued(
                    clusterId,
                    env.digest(),
                    issuedAt,
                    expiresAt,
                    locator,
                    env.toJson().getBytes(StandardCharsets.UTF_8)));
        bundle =
            new CertificateBundle(
                env,
                Base64.getDecoder().decode(publishedKey),
                "embedded",
                receipt.index(),
                receipt.inclusionProof(),
                receipt.checkpoint().signedNote(),
                locator,
                issuedAt);
        dev.cairn.ledger.TrustAnchors before = previousTrust();
        if (before != null) {
          trust = trust.withLedgerOf(before);
        }
        where =
            "ledger index "
                + receipt.index()
                + " (checkpoint size "
                + receipt.checkpoint().size()
                + ")";
      }
      dev.cairn.core.AtomicFiles.write(Embedded.home().resolve("trust.json"), trust.toJson());
    }
    dev.cairn.core.AtomicFiles.write(file, bundle.toJson());
    Trace.mark("certify", "recorded on the ledger and wrote the certificate");
    out.println("Certificate " + env.digest() + " issued for cluster " + clusterId);
    out.println("  written to " + file + ", " + where);
    out.println(
        "  expires " + expiresAt + "; trust anchors in " + Embedded.home().resolve("trust.json"));
    out.println("  attested scan took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    out.flush();
    return Main.OK;
  }

  /** The trust anchors written before, whose Ethereum ledger an embedded certify keeps. */
  static dev.cairn.ledger.@Nullable TrustAnchors previousTrust() {
    try {
      return dev.cairn.ledger.TrustAnchors.parse(
          Files.readString(Embedded.home().resolve("trust.json")));
    } catch (java.io.IOException | CairnException e) {
      return null;
    }
  }

  /**
   * Before the workload is told where to attest: the registry is reachable and holds the issuer
   * role for the key the attestation service will release to it. Returns that key's address.
   */
  private String checkIssuer(@Nullable AttestationService cas) throws Exception {
    String address =
        cas != null
            ? Eth.issuerAddress(cas)
            : String.valueOf(
                remoteTrust.get("ledgerIssuer") == null ? "" : remoteTrust.get("ledgerIssuer"));
    try (dev.cairn.ethereum.EthereumLedger chain = Eth.readOnly(ledger)) {
      if (!address.isEmpty()
          && org.web3j.utils.Numeric.decodeQuantity(
                      chain.rpc().call("eth_getBalance", address, "latest").asText())
                  .signum()
              == 0) {
        throw new CairnException(
            "the scanner's ledger key "
                + address
                + " has no ether on chain "
                + chain.chainId()
                + " to pay for recording the certificate",
            "send it some: each certificate costs about 200,000 gas");
      }
      if (!address.isEmpty() && !chain.isIssuer(address)) {
        throw new CairnException(
            "the scanner's ledger key "
                + address
                + " is not an issuer on the registry "
                + chain.describe(),
            "let the registry's admin run: cairn ledger grant-issuer --ledger "
                + ledger
                + " --issuer "
                + address);
      }
    }
    return address;
  }

  /**
   * Runs the measured workload: it learns what to scan at once and starts; meanwhile this process
   * approves its measurement and opens the attestation service, then tells it where to attest.
   */
  private Map<String, Object> attestedScan(Path reportTmp, PrintWriter err) throws Exception {
    // what to scan goes on the command line, so that the workload starts on it at once
    List<String> args = new ArrayList<>();
    args.add("frameworks=" + String.join(",", frameworks));
    args.add("validDays=" + validDays);
    if (target.snapshot != null) {
      args.add("snapshot=" + target.snapshot.toAbsolutePath());
    } else {
      args.add(
          "kubeconfig=" + java.util.Objects.requireNonNull(target.kubeconfig).toAbsolutePath());
    }
    args.add("reportFile=" + reportTmp);
    args.add("ledger=" + ledger);
    args.add("confirmations=" + confirmations);
    if (outputFile != null) {
      args.add("locator=" + java.util.Objects.requireNonNull(outputFile.getFileName()));
    }
    // an RPC endpoint given as ethereum:env:NAME#… is read by the workload from NAME
    Set<String> passEnv =
        Eth.isEthereum(ledger)
                && ledger.startsWith(dev.cairn.ethereum.EthereumLedger.SCHEME + "env:")
            ? Set.of(
                ledger.substring(
                    (dev.cairn.ethereum.EthereumLedger.SCHEME + "env:").length(),
                    ledger.lastIndexOf('#')))
            : Set.of();
    TeeProvider.Launched workload = launchWorkload(args, passEnv);
    Digest measurement = workload.measurement();
    Trace.mark("certify", "measured and launched the workload");
    boolean done = false;
    try {
      java.io.OutputStream toWorkload = workload.process().getOutputStream();
      AttestationService cas = attest == null ? Embedded.attestation(measurement, err) : null;
      Map<?, ?> remoteTrust =
          attest == null
              ? Map.of()
              : new AttestationHttp.Client(attest)
                  .trust(Embedded.SESSION, Embedded.SERVICE, Embedded.SIGNING_SECRET);
      Trace.mark("certify", "opened the attestation service");
      if (Eth.isEthereum(ledger)) {
        issuer = checkIssuer(cas);
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
        publishedKey =
            cas == null
                ? String.valueOf(remoteTrust.get("signingKey"))
                : Base64.getEncoder()
                    .encodeToString(
                        dev.cairn.core.Keys.raw(
                            cas.publicKey(Embedded.SESSION, Embedded.SIGNING_SECRET)));
        req.put("signingKey", publishedKey);
        try {
          sendLine(toWorkload, req);
          toWorkload.close();
        } catch (java.io.IOException e) {
          // it is gone: say how it ended rather than that a pipe closed
          Process p = workload.process();
          p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
          throw new CairnException(
              "the measured workload ended before it attested"
                  + (p.isAlive() ? "" : " (exit " + p.exitValue() + ")")
                  + "; its own error is above",
              "run with CAIRN_TRACE=1 to see how far it got",
              e);
        }
        Trace.mark("certify", "serving; told the workload where to attest");
        Map<String, Object> result = readResult(workload.process());
        Trace.mark("certify", "workload done");
        this.cas = cas;
        this.remoteTrust = remoteTrust;
        done = true;
        keepWorkloadArchive(workload.process(), !"error".equals(result.get("status")));
        return result;
      }
    } finally {
      if (!done) {
        workload.process().destroyForcibly(); // never leave it waiting for a request
        keepWorkloadArchive(workload.process(), false);
      }
    }
  }

  private static void sendLine(java.io.OutputStream out, Map<String, Object> m)
      throws java.io.IOException {
    out.write((Json.canonical(m) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The workload's one-line JSON result (it exits by itself right after). */
  static Map<String, Object> readResult(Process p) throws Exception {
    java.io.BufferedReader r =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      if (line.startsWith("{")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.mapper().readValue(line, Map.class);
        return m;
      }
    }
    p.waitFor();
    return Map.of(
        "status",
        "error",
        "error",
        "the workload ended without a result (exit " + p.exitValue() + ")");
  }

  static Path reportFileFor(Path cert) {
    String n = cert.getFileName().toString();
    String base = n.endsWith(".cert.json") ? n.substring(0, n.length() - ".cert.json".length()) : n;
    return cert.resolveSibling(base + ".report.json");
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
  static TeeProvider.Launched launchWorkload(List<String> args, Set<String> passEnv)
      throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb = new ProcessBuilder();
    // only what the workload needs from the environment: JAVA_TOOL_OPTIONS and the like would load
    // unmeasured code (an agent) into it
    Map<String, String> env = pb.environment();
    Set<String> keep =
        new java.util.HashSet<>(
            Set.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "CAIRN_HOME"));
    keep.addAll(passEnv);
    env.keySet().retainAll(keep);
    if (Trace.on()) {
      env.put(Trace.ENV, Trace.childValue());
    }
    List<String> cmd =
        new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Dcairn.home=" + Embedded.home()));
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    // a class-data archive for the workload, kept as platform state beside the simulated platform
    // key and named by the measurement it was recorded under (ADR 0004): whoever can alter it can
    // sign evidence anyway, and new code gets a new archive. Recorded by the first run that works.
    dev.cairn.attest.LaunchSpec spec = Embedded.launchSpec();
    Digest measurement = Embedded.tee().measure(spec);
    Path cds = Embedded.home().resolve("simulation").resolve("cds");
    Path jsa = cds.resolve(measurement.hex() + ".jsa");
    workloadArchive = null;
    if (Files.isRegularFile(jsa)) {
      cmd.add("-XX:SharedArchiveFile=" + jsa);
    } else if (privateDirectory(cds)) {
      workloadArchive = jsa;
      cmd.add("-XX:ArchiveClassesAtExit=" + recording(jsa));
    }
    cmd.addAll(List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
    cmd.addAll(
        List.of("-cp", System.getProperty("java.class.path"), CertifyWorkload.class.getName()));
    cmd.addAll(args);
    return Embedded.tee()
        .launch(spec, pb.command(cmd).redirectError(ProcessBuilder.Redirect.INHERIT));
  }

  /** Creates {@code dir} readable by its owner only; false where that can't be had. */
  private static boolean privateDirectory(Path dir) {
    try {
      Files.createDirectories(
          dir,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
      return Files.getPosixFilePermissions(dir)
          .equals(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** The archive the workload records on this run, if it records one. */
  private static @Nullable Path workloadArchive;

  private static Path recording(Path jsa) {
    return jsa.resolveSibling(jsa.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
  }

  /** Keeps the archive the workload recorded (it writes it as it exits), or drops it. */
  private static void keepWorkloadArchive(Process p, boolean keep) {
    Path jsa = workloadArchive;
    if (jsa == null) {
      return;
    }
    Path tmp = recording(jsa);
    try {
      if (keep
          && p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)
          && Files.isRegularFile(tmp)) {
        Files.move(tmp, jsa, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        Files.deleteIfExists(tmp);
      }
    } catch (java.io.IOException e) {
      // only costs start-up time next run
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

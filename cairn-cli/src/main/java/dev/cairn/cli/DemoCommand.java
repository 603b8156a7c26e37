package dev.cairn.cli;

import dev.cairn.certify.Certifier;
import dev.cairn.certify.CertifyRequest;
import dev.cairn.certify.CertifyResult;
import dev.cairn.certify.Records;
import dev.cairn.certify.Target;
import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.deploy.Deployer;
import dev.cairn.deploy.Deployers;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.ethereum.EthereumRegistries;
import dev.cairn.ethereum.LocalNode;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.steps.SampleDelivery;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.ClusterIdentity;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Clusters;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.Reports;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import dev.cairn.scanner.Snapshots;
import dev.cairn.scanner.Waivers;
import dev.cairn.server.ServerConfig;
import dev.cairn.server.ServerStores;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.ImageVerifyRequest;
import dev.cairn.supplychain.ImageVerifyResult;
import dev.cairn.supplychain.Registries;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo")
final class DemoCommand extends Sub {
  static final List<String> SAMPLES =
      List.of("hardened-api.yaml", "risky-workloads.yaml", "rbac.yaml", "exceptions.yaml");

  enum ClusterKind {
    EMBEDDED,
    REAL
  }

  enum LedgerKind {
    EMBEDDED,
    ETHEREUM
  }

  @Option(names = "--dir")
  @Nullable Path dir;

  @Option(names = "--cluster")
  ClusterKind cluster = ClusterKind.EMBEDDED;

  @Option(names = "--ledger")
  LedgerKind ledger = LedgerKind.EMBEDDED;

  @Option(names = "--serve")
  boolean serve;

  @Option(names = "--serve-port")
  int servePort = 8080;

  /** A chain the demo set up: its ledger and the admin key file (in the demo's home). */
  private record Chain(LocalNode node, URI ledger, Path adminKey) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = out();
    Path work = dir != null ? dir : Files.createTempDirectory("cairn-demo-");
    Path manifests = Files.createDirectories(work.resolve("manifests"));
    for (String s : SAMPLES) {
      try (InputStream in = DemoCommand.class.getResourceAsStream("demo/" + s)) {
        Path target = s.equals("exceptions.yaml") ? work.resolve(s) : manifests.resolve(s);
        Files.copy(
            Objects.requireNonNull(in, "demo sample " + s),
            target,
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (cluster == ClusterKind.REAL) {
      return realCluster(out, work, manifests);
    }
    out.printf(
        "== 1. Scan: bundled manifests in %s with every built-in check (%d checks: PSS"
            + " baseline+restricted, NSA-CISA, MITRE ATT&CK, CIS, best practice)%n%n",
        manifests, Checks.builtin().size());
    ScanReport report = scan(work, ObjectSources.manifests(List.of(manifests), System.in));
    Reports.write(report, ReportFormat.TABLE, out, Terminal.colors());
    Map<ReportFormat, String> files =
        Map.of(
            ReportFormat.JSON, "report.json",
            ReportFormat.SARIF, "report.sarif",
            ReportFormat.JUNIT, "report.junit.xml",
            ReportFormat.HTML, "report.html");
    for (Map.Entry<ReportFormat, String> f : files.entrySet()) {
      Reports.write(report, f.getKey(), work.resolve(f.getValue()));
    }
    out.printf(
        "%nReports written to %s: report.json, report.sarif, report.junit.xml, report.html%n"
            + "The hardened Deployment passes every check; the risky workloads fail as they"
            + " should.%n",
        work);
    certifyAndVerify(out, work, manifests);
    deliver(out, work);
    out.flush();
    return serve ? serveAll(out, work) : Main.OK;
  }

  /**
   * Serves everything the demo did — its run, its certificates, its audit log and trust root — with
   * {@code cairn serve} over the demo's home, until stopped; prints a token (Dev, Sec, Ops) once.
   */
  private Integer serveAll(PrintWriter out, Path work) throws Exception {
    if (servePort < 0 || servePort > 65535) {
      throw ExitException.usage("--serve-port " + servePort + " is not a port", "pass 0 to 65535");
    }
    CairnHome home = CairnHome.of(work.resolve("home"));
    Path shelf = Files.createDirectories(home.dir("certificates"));
    try (java.util.stream.Stream<Path> certs = Files.list(work)) {
      for (Path c : certs.filter(p -> p.getFileName().toString().endsWith(".cert.json")).toList()) {
        Files.copy(c, shelf.resolve(c.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    byte[] hook = new byte[32];
    new java.security.SecureRandom().nextBytes(hook);
    ServerStores stores = ServerStores.files(home);
    var token =
        stores
            .tokens()
            .create(
                "demo",
                java.util.EnumSet.of(Duty.DEV, Duty.SEC, Duty.OPS),
                java.time.Instant.now());
    out.printf(
        "%n== 10. Serve: the run, the certificates (one revoked, one tampered), the trust root and"
            + " the audit log, with cairn serve%n"
            + "token demo (Dev, Sec, Ops), shown this once: %s%n"
            + "open the URL below and paste the token; Ctrl-C stops%n",
        new String(token.secret().bytes(), java.nio.charset.StandardCharsets.UTF_8));
    ServerConfig config =
        ServerConfig.builder(home)
            .port(servePort)
            .webhookSecret(dev.cairn.core.Secret.of(hook))
            .hostEnv(env())
            .build();
    return ServeCommand.runUntilStopped(config, stores, out, err(), null);
  }

  /**
   * The delivery half: a sample service on a local forge, its signed push webhook, the pipeline
   * into a local registry with the attested builder, the image verified, a forged webhook refused.
   */
  private void deliver(PrintWriter out, Path work) throws Exception {
    out.printf(
        "%n== 7. Deliver: a small HTTP service (busybox httpd, a Dockerfile without RUN) on a local"
            + " git forge;%n   its signed push webhook runs checkout -> build -> push -> sign (attested"
            + " builder) into a local registry%n");
    out.flush();
    CairnHome home = CairnHome.of(work.resolve("home"));
    try (SampleDelivery d =
        SampleDelivery.start(
            work.resolve("delivery"),
            home,
            SecretSource.of(Map.of()),
            PipelineCommand.progress(err()))) {
      out.printf(
          "forge %s, registry %s, webhooks at %s%n", d.repository(), d.registry(), d.listener());
      out.flush();
      SampleDelivery.Result r = d.deliver("1.0.0", java.time.Duration.ofMinutes(5));
      out.println("signed push webhook: HTTP " + r.accepted());
      if (PipelineCommand.render(r.run(), out) != Main.OK || r.image().isEmpty()) {
        throw ExitException.usage("the demo's pipeline run failed", "run with --stacktrace");
      }
      out.printf(
          "%n== 8. Verify the image from the registry: signature, provenance, builder measurement,"
              + " source and commit%n");
      ImageRef image = ImageRef.parse(r.image());
      ImageVerifyResult v =
          ImageVerifier.create(Clock.systemUTC())
              .verify(
                  ImageVerifyRequest.of(
                          image,
                          TrustRoot.parse(Files.readString(home.trustRoot())),
                          new ImageVerifyRequest.Source.Registry(
                              Registries.builder().allowPlainHttp(d.registry()).build()))
                      .withSourceRepository(d.repository())
                      .withCommit(r.run().commit()));
      VerifyCommand.text(v, out);
      out.printf(
          "  (the same as: cairn verify %s --plain-http --source-repo %s --commit %s)%n",
          image, d.repository(), r.run().commit());
      out.printf("%n== 9. A push webhook signed with another secret%n");
      out.printf(
          "HTTP %d: refused%s; the home holds %d run%n",
          r.forged(), r.forged() == 401 ? ", no run started" : " (expected 401)", r.runs());
      if (!(v instanceof ImageVerifyResult.Verified) || r.forged() != 401) {
        throw ExitException.usage(
            "the demo's delivery did not verify as it should", "run with --stacktrace");
      }
    }
  }

  private static ScanReport scan(Path work, ObjectSource source) throws Exception {
    return Scanners.create(
            ScanOptions.defaults().withWaivers(Waivers.load(work.resolve("exceptions.yaml"))))
        .scan(List.of(source));
  }

  /**
   * Certifies snapshots of the samples with the measured scanner (simulation TEE, embedded
   * attestation service and log in {@code work/home}), verifies, tampers, verifies again, revokes.
   */
  private void certifyAndVerify(PrintWriter out, Path work, Path manifests) throws Exception {
    PrintWriter err = err();
    CairnHome home = CairnHome.of(work.resolve("home"));
    Clock clock = Clock.systemUTC();
    Chain chain = ledger == LedgerKind.ETHEREUM ? startChain(out, err, home) : null;
    try (LocalNode node = chain == null ? null : chain.node()) {
      ClusterIdentity demo =
          ClusterIdentity.of(
              "demo-kube-system-uid",
              Digest.sha256("demo cluster CA"),
              "https://demo.cluster.local:6443");
      for (String s : List.of("risky", "hardened")) {
        String sample = s.equals("risky") ? "risky-workloads.yaml" : "hardened-api.yaml";
        Snapshots.write(
            work.resolve(s + ".snapshot.json"),
            demo,
            ObjectSources.readAll(
                ObjectSources.manifests(List.of(manifests.resolve(sample)), System.in)),
            clock.instant());
      }
      out.printf(
          "%n== 2. Certify: attested scan (measured workload process, simulation TEE, attestation"
              + " service, %s)%n",
          chain != null ? "Ethereum registry" : "embedded log");
      URI where = chain != null ? chain.ledger() : Ledgers.EMBEDDED;
      Certifier certifier = Certifier.create(home, clock);
      Path cert = work.resolve("hardened.cert.json");
      for (String s : List.of("risky", "hardened")) {
        out.println("-- the " + s + " workloads against PSS restricted:");
        out.flush();
        CertifyResult r =
            certifier.certify(
                CertifyRequest.of(new Target.Snapshot(work.resolve(s + ".snapshot.json")))
                    .withFrameworks(Set.of(Framework.PSS_RESTRICTED))
                    .withLedger(where, 1)
                    .withCertificateFile(work.resolve(s + ".cert.json")),
                CertifyCommand.listener(err));
        if (CertifyCommand.render(r, out) != Main.OK && s.equals("hardened")) {
          throw ExitException.usage("the demo certificate was not issued", "run with --stacktrace");
        }
      }
      Verifier verifier = Verifier.create(home, clock);
      CertificateBundle bundle = CertificateBundle.parse(Files.readString(cert));
      out.printf(
          "%n== 3. Verify the certificate from public data (with --allow-snapshot: the demo's"
              + " cluster is a snapshot, whose identity is only claimed)%n");
      VerifyCommand.text(verifier.verify(VerifyRequest.of(bundle).withSnapshotAllowed(true)), out);
      out.printf("%n== 4. Tamper with it (the report's object count) and verify again%n");
      String payload = new String(bundle.envelope().payload(), StandardCharsets.UTF_8);
      String forged = payload.replace("\"objects\":2", "\"objects\":1");
      if (forged.equals(payload)) {
        throw new IllegalStateException("the demo's tampering matched nothing");
      }
      Base64.Encoder b64 = Base64.getEncoder();
      String tampered =
          Files.readString(cert)
              .replace(
                  b64.encodeToString(bundle.envelope().payload()),
                  b64.encodeToString(forged.getBytes(StandardCharsets.UTF_8)));
      Files.writeString(work.resolve("tampered.cert.json"), tampered);
      VerifyCommand.text(
          verifier.verify(
              VerifyRequest.of(CertificateBundle.parse(tampered)).withSnapshotAllowed(true)),
          out);
      out.printf("%n== 5. Revoke the certificate and verify again%n");
      Records records = Records.create(home, clock);
      Records.Revoked rev =
          records.revoke(
              bundle,
              "demo: cluster decommissioned",
              null,
              () -> EthereumRegistries.adminKey(Objects.requireNonNull(chain).adminKey()));
      out.println("Revoked " + rev.certificate() + " on " + rev.ledger());
      VerifyCommand.text(verifier.verify(VerifyRequest.of(bundle).withSnapshotAllowed(true)), out);
      out.printf("%n== 6. The cluster's history on the ledger%n");
      LedgerCommand.History.render(records.history(cert.toString(), where), false, out, err);
    }
  }

  /**
   * Starts anvil, deploys a registry with a fresh admin key (kept in the demo's home, mode 0600),
   * and grants and funds the ledger key the attestation service will release to the scanner.
   */
  private static Chain startChain(PrintWriter out, PrintWriter err, CairnHome home)
      throws Exception {
    out.printf(
        "%n== 2a. Ethereum: start a local anvil node, deploy the CertificateRegistry, let the"
            + " scanner's released key issue%n");
    out.flush();
    LocalNode node = LocalNode.start(LocalNode.Kind.ANVIL);
    try {
      Files.createDirectories(home.root());
      byte[] ledgerKey =
          Certifier.create(home, Clock.systemUTC())
              .embeddedTrust(CertifyCommand.listener(err))
              .ledgerKey();
      LocalNode.DevRegistry r =
          node.deployRegistryFor(ledgerKey, home.root().resolve("demo-admin.key"));
      EthereumRegistries.Deployment d = r.deployment();
      out.printf(
          "Deployed CertificateRegistry at %s on chain %d, administered by %s%n  --ledger %s%n"
              + "Granted issuer %s on %s%n"
              + "  funded the issuer %s with 100 ether on the local chain%n",
          d.registry(),
          d.chainId(),
          d.admin(),
          d.ledger(),
          r.issuer().issuer(),
          r.issuer().ledger(),
          r.issuer().issuer());
      out.flush();
      return new Chain(node, d.ledger(), r.adminKey());
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  /** Starts a real control plane, deploys the samples, scans the live cluster, stops it. */
  private static int realCluster(PrintWriter out, Path work, Path manifests) throws Exception {
    Path script = findScript();
    Path dir = work.resolve("cluster");
    out.println(
        "== 0. Start a real Kubernetes control plane (etcd, kube-apiserver, controllers, kwok"
            + " node) in "
            + dir);
    out.flush();
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "up", dir.toString());
    pb.environment().put("CAIRN_CLUSTER_OWNER_PID", Long.toString(ProcessHandle.current().pid()));
    Process up = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String kubeconfig = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (up.waitFor() != 0) {
      throw ExitException.usage(
          "the test cluster did not start (see its log above)",
          "run scripts/test-cluster up by hand to see why");
    }
    try {
      ClusterOptions opts = ClusterOptions.of(Path.of(kubeconfig.strip()));
      List<KubeObject> objects =
          ObjectSources.readAll(ObjectSources.manifests(List.of(manifests), System.in));
      out.println(
          "== 1. Deploy the bundled samples (" + objects.size() + " objects, server-side apply)");
      try (Deployer d = Deployers.forKubeconfig(opts)) {
        d.apply(objects, "default");
      }
      Thread.sleep(3000); // let the controllers make ReplicaSets and Pods, and kwok run them
      ClusterIdentity id = Clusters.identity(opts);
      out.printf(
          "== 2. Scan the live cluster %s%n   identity %s (kube-system %s, CA %s)%n%n",
          id.server(), id.id(), id.kubeSystemUid(), id.caFingerprint());
      ScanReport report = scan(work, ObjectSources.cluster(opts, Checks.builtin()));
      Reports.write(report, ReportFormat.TABLE, out, Terminal.colors());
      Reports.write(report, ReportFormat.JSON, work.resolve("report.json"));
      out.printf("%nReport written to %s; stopping the cluster.%n", work.resolve("report.json"));
      out.flush();
      return Main.OK;
    } finally {
      new ProcessBuilder(script.toString(), "stop", dir.toString())
          .redirectErrorStream(true)
          .start()
          .waitFor();
    }
  }

  static Path findScript() throws ExitException {
    List<Path> starts = new ArrayList<>(List.of(Path.of("").toAbsolutePath()));
    try {
      starts.add(
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // fall back to the working directory
    }
    for (Path start : starts) {
      for (@Nullable Path p = start; p != null; p = p.getParent()) {
        Path s = p.resolve("scripts/test-cluster");
        if (Files.isExecutable(s)) {
          return s;
        }
      }
    }
    throw ExitException.usage(
        "scripts/test-cluster not found",
        "run the demo from a Cairn checkout (./cairn demo --cluster real)");
  }
}

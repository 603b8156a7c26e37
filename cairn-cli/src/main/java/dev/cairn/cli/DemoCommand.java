package dev.cairn.cli;

import dev.cairn.core.Secret;
import dev.cairn.deploy.Deployer;
import dev.cairn.deploy.Deployers;
import dev.cairn.ethereum.EthereumRegistries;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.ClusterIdentity;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Clusters;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.Reports;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import dev.cairn.scanner.Snapshots;
import dev.cairn.scanner.Waivers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run Cairn end to end on bundled samples with embedded defaults.")
final class DemoCommand implements Callable<Integer> {
  static final List<String> SAMPLES =
      List.of("hardened-api.yaml", "risky-workloads.yaml", "rbac.yaml", "exceptions.yaml");

  @Option(
      names = "--dir",
      description = "Where to write the samples and reports (default: a new temp dir).")
  Path dir = Path.of("");

  @Option(
      names = "--cluster",
      description =
          "embedded (default: bundled manifests, starts in seconds) or real (a local control plane from scripts/test-cluster).")
  String cluster = "embedded";

  @Option(
      names = "--ledger",
      description =
          "embedded (default: the transparency log in the demo's home) or ethereum (starts a local"
              + " anvil node, deploys the CertificateRegistry and records the certificates on it).")
  String ledger = "embedded";

  private @org.jspecify.annotations.Nullable String chainLedger;
  private @org.jspecify.annotations.Nullable Path chainAdminKey;

  /** The demo's command lines, pointed at the chain when the demo runs on one. */
  private String[] on(String... base) {
    List<String> l = new java.util.ArrayList<>(List.of(base));
    if (chainLedger != null && chainAdminKey != null) {
      if (base[0].equals("certify") || (base[0].equals("ledger") && base[1].equals("history"))) {
        l.addAll(List.of("--ledger", chainLedger));
      } else if (base[0].equals("ledger") && base[1].equals("revoke")) {
        l.addAll(List.of("--admin-key-file", chainAdminKey.toString()));
      }
    }
    return l.toArray(String[]::new);
  }

  @SuppressWarnings("NullAway.Init")
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path work = dir.toString().isEmpty() ? Files.createTempDirectory("cairn-demo-") : dir;
    Path manifests = work.resolve("manifests");
    Files.createDirectories(manifests);
    for (String s : SAMPLES) {
      Path target = s.equals("exceptions.yaml") ? work.resolve(s) : manifests.resolve(s);
      try (InputStream in = DemoCommand.class.getResourceAsStream("demo/" + s)) {
        if (in == null) {
          throw new IOException("missing demo sample " + s);
        }
        Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (cluster.equals("real")) {
      return realCluster(out, work, manifests);
    }
    if (!cluster.equals("embedded")) {
      throw new ExitException(
          Main.USAGE,
          "unknown --cluster '" + cluster + "'",
          "use --cluster embedded or --cluster real");
    }
    out.println(
        "== 1. Scan: bundled manifests in "
            + manifests
            + " with every built-in check ("
            + Checks.builtin().size()
            + " checks: PSS baseline+restricted, NSA-CISA, MITRE ATT&CK, CIS, best practice)");
    out.println();
    ScanReport report =
        Scanners.create(
                ScanOptions.defaults().withWaivers(Waivers.load(work.resolve("exceptions.yaml"))))
            .scan(List.of(ObjectSources.manifests(List.of(manifests), System.in)));
    Reports.write(report, ReportFormat.TABLE, out, Terminal.colors());
    for (ReportFormat f :
        List.of(ReportFormat.JSON, ReportFormat.SARIF, ReportFormat.JUNIT, ReportFormat.HTML)) {
      String name =
          "report."
              + switch (f) {
                case JSON -> "json";
                case SARIF -> "sarif";
                case JUNIT -> "junit.xml";
                default -> "html";
              };
      Reports.write(report, f, work.resolve(name));
    }
    out.println();
    out.println(
        "Reports written to "
            + work
            + ": report.json, report.sarif, report.junit.xml, report.html");
    out.println(
        "The hardened Deployment passes every check; the risky workloads fail as they should.");
    certifyAndVerify(out, work, manifests);
    out.flush();
    return Main.OK;
  }

  /**
   * Certifies snapshots of the samples with the measured scanner (simulation TEE, embedded
   * attestation service and log in {@code work/home}), verifies, tampers, verifies again.
   */
  private void certifyAndVerify(PrintWriter out, Path work, Path manifests) throws Exception {
    dev.cairn.core.CairnHome home = dev.cairn.core.CairnHome.of(work.resolve("home"));
    java.time.Clock clock = java.time.Clock.systemUTC();
    dev.cairn.ethereum.LocalNode node = null;
    try {
      PrintWriter err = spec.commandLine().getErr();
      if (ledger.equals("ethereum")) {
        node = startChain(out, err, work, home);
      } else if (!ledger.equals("embedded")) {
        throw new ExitException(Main.USAGE, "unknown ledger " + ledger, "use embedded or ethereum");
      }
      java.net.URI where =
          chainLedger != null ? Options.parse(chainLedger) : dev.cairn.ledger.Ledgers.EMBEDDED;
      ClusterIdentity demo =
          ClusterIdentity.of(
              "demo-kube-system-uid",
              dev.cairn.core.Digest.sha256("demo cluster CA"),
              "https://demo.cluster.local:6443");
      java.time.Instant now = clock.instant();
      Snapshots.write(
          work.resolve("risky.snapshot.json"),
          demo,
          read(manifests.resolve("risky-workloads.yaml")),
          now);
      Snapshots.write(
          work.resolve("hardened.snapshot.json"),
          demo,
          read(manifests.resolve("hardened-api.yaml")),
          now);
      out.println();
      out.println(
          "== 2. Certify: attested scan (measured workload process, simulation TEE, attestation service, "
              + (chainLedger != null ? "Ethereum registry" : "embedded log")
              + ")");
      out.println("-- the risky workloads against PSS restricted:");
      out.flush();
      dev.cairn.certify.Certifier certifier = dev.cairn.certify.Certifier.create(home, clock);
      CairnCommand root = new CairnCommand(java.util.Map.of(), home);
      java.util.Set<dev.cairn.scanner.Framework> restricted =
          ScanCommand.parseFrameworks(List.of("pss-restricted"));
      dev.cairn.certify.CertifyResult risky =
          certifier.certify(
              dev.cairn.certify.CertifyRequest.of(
                      new dev.cairn.certify.Target.Snapshot(work.resolve("risky.snapshot.json")))
                  .withFrameworks(restricted)
                  .withLedger(where, 1)
                  .withCertificateFile(work.resolve("risky.cert.json")),
              CertifyCommand.listener(err));
      CertifyCommand.render(risky, root, out);
      out.println("-- the hardened workload against PSS restricted:");
      out.flush();
      Path cert = work.resolve("hardened.cert.json");
      dev.cairn.certify.CertifyResult hardened =
          certifier.certify(
              dev.cairn.certify.CertifyRequest.of(
                      new dev.cairn.certify.Target.Snapshot(work.resolve("hardened.snapshot.json")))
                  .withFrameworks(restricted)
                  .withLedger(where, 1)
                  .withCertificateFile(cert),
              CertifyCommand.listener(err));
      if (CertifyCommand.render(hardened, root, out) != Main.OK) {
        throw new ExitException(
            Main.USAGE, "the demo certificate was not issued", "run with --stacktrace");
      }
      dev.cairn.certify.Verifier verifier = dev.cairn.certify.Verifier.create(home, clock);
      dev.cairn.ledger.CertificateBundle bundle =
          dev.cairn.ledger.CertificateBundle.parse(Files.readString(cert));
      out.println();
      out.println("== 3. Verify the certificate from public data");
      VerifyCommand.text(verifier.verify(dev.cairn.certify.VerifyRequest.of(bundle)), out);
      out.println();
      out.println("== 4. Tamper with it (the report's object count) and verify again");
      String payload =
          new String(bundle.envelope().payload(), java.nio.charset.StandardCharsets.UTF_8);
      String forged = payload.replace("\"objects\":2", "\"objects\":1");
      if (forged.equals(payload)) {
        throw new IllegalStateException("the demo's tampering matched nothing");
      }
      java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
      String json = Files.readString(cert);
      Path tampered = work.resolve("tampered.cert.json");
      Files.writeString(
          tampered,
          json.replace(
              b64.encodeToString(bundle.envelope().payload()),
              b64.encodeToString(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      VerifyCommand.text(
          verifier.verify(
              dev.cairn.certify.VerifyRequest.of(
                  dev.cairn.ledger.CertificateBundle.parse(Files.readString(tampered)))),
          out);
      out.println();
      out.println("== 5. Revoke the certificate and verify again");
      dev.cairn.certify.Records records = dev.cairn.certify.Records.create(home, clock);
      Options.AdminKeyOption admin = new Options.AdminKeyOption();
      admin.file = chainAdminKey;
      dev.cairn.certify.Records.Revoked rev =
          records.revoke(
              bundle, "demo: cluster decommissioned", null, () -> admin.read(java.util.Map.of()));
      out.println("Revoked " + rev.certificate() + " on " + rev.ledger());
      VerifyCommand.text(verifier.verify(dev.cairn.certify.VerifyRequest.of(bundle)), out);
      out.println();
      out.println("== 6. The cluster's history on the ledger");
      out.flush();
      Main.run(
          on("ledger", "history", cert.toString()),
          out,
          err,
          java.util.Map.of(dev.cairn.core.CairnHome.ENV, home.root().toString()));
    } finally {
      chainLedger = null;
      chainAdminKey = null;
      if (node != null) {
        node.close();
      }
    }
  }

  /**
   * Starts anvil, deploys a registry with a fresh admin key (kept in the demo's home, mode 0600),
   * and grants and funds the ledger key the attestation service will release to the scanner.
   */
  private dev.cairn.ethereum.LocalNode startChain(
      PrintWriter out, PrintWriter err, Path work, dev.cairn.core.CairnHome home) throws Exception {
    out.println();
    out.println(
        "== 2a. Ethereum: start a local anvil node, deploy the CertificateRegistry, let the"
            + " scanner's released key issue");
    out.flush();
    dev.cairn.ethereum.LocalNode node =
        dev.cairn.ethereum.LocalNode.start(dev.cairn.ethereum.LocalNode.Kind.ANVIL);
    try {
      return setUpChain(out, err, work, node, home);
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  private dev.cairn.ethereum.LocalNode setUpChain(
      PrintWriter out,
      PrintWriter err,
      Path work,
      dev.cairn.ethereum.LocalNode node,
      dev.cairn.core.CairnHome home)
      throws Exception {
    Secret admin = EthereumRegistries.generateKey();
    Path key = home.root().resolve("demo-admin.key");
    EthereumRegistries.writeKey(key, admin);
    java.math.BigInteger ether = java.math.BigInteger.TEN.pow(20);
    node.fund(EthereumRegistries.addressOf(admin), ether);
    EthereumRegistries.Deployment d =
        EthereumRegistries.deploy(node.uri().toString(), node.chainId(), admin, 1);
    out.println(
        "Deployed CertificateRegistry at "
            + d.registry()
            + " on chain "
            + d.chainId()
            + ", administered by "
            + d.admin());
    out.println("  --ledger " + d.ledger());
    String issuer =
        EthereumRegistries.addressOfPublicKey(
            dev.cairn.certify.Certifier.create(home, java.time.Clock.systemUTC())
                .embeddedTrust(CertifyCommand.listener(err))
                .ledgerKey());
    EthereumRegistries.IssuerChange g =
        EthereumRegistries.grantIssuer(d.ledger(), admin, issuer, false);
    admin.destroy();
    out.println("Granted issuer " + g.issuer() + " on " + g.ledger());
    node.fund(g.issuer(), ether);
    out.println("  funded the issuer " + g.issuer() + " with 100 ether on the local chain");
    out.flush();
    chainLedger = d.ledger().toString();
    chainAdminKey = key;
    return node;
  }

  private static List<KubeObject> read(Path file) throws Exception {
    return ObjectSources.readAll(ObjectSources.manifests(List.of(file), System.in));
  }

  /** Starts a real control plane, deploys the samples, scans the live cluster, stops it. */
  private int realCluster(PrintWriter out, Path work, Path manifests) throws Exception {
    Path script = findScript();
    Path dir = work.resolve("cluster");
    out.println(
        "== 0. Start a real Kubernetes control plane (etcd, kube-apiserver, controllers, kwok node) in "
            + dir);
    out.flush();
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "up", dir.toString());
    pb.environment().put("CAIRN_CLUSTER_OWNER_PID", Long.toString(ProcessHandle.current().pid()));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process up = pb.start();
    String kubeconfig =
        new String(up.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .strip();
    if (up.waitFor() != 0) {
      throw new ExitException(
          Main.USAGE,
          "the test cluster did not start (see its log above)",
          "run scripts/test-cluster up by hand to see why");
    }
    try {
      ClusterOptions opts = ClusterOptions.of(Path.of(kubeconfig));
      List<KubeObject> objects = read(manifests);
      out.println(
          "== 1. Deploy the bundled samples (" + objects.size() + " objects, server-side apply)");
      try (Deployer d = Deployers.forKubeconfig(opts)) {
        d.apply(objects, "default");
      }
      Thread.sleep(3000); // let the controllers make ReplicaSets and Pods, and kwok run them
      ClusterIdentity id = Clusters.identity(opts);
      out.println("== 2. Scan the live cluster " + id.server());
      out.println(
          "   identity "
              + id.id()
              + " (kube-system "
              + id.kubeSystemUid()
              + ", CA "
              + id.caFingerprint()
              + ")");
      out.println();
      ScanReport report =
          Scanners.create(
                  ScanOptions.defaults().withWaivers(Waivers.load(work.resolve("exceptions.yaml"))))
              .scan(List.of(ObjectSources.cluster(opts, Checks.builtin())));
      Reports.write(report, ReportFormat.TABLE, out, Terminal.colors());
      Reports.write(report, ReportFormat.JSON, work.resolve("report.json"));
      out.println();
      out.println("Report written to " + work.resolve("report.json") + "; stopping the cluster.");
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
    List<Path> starts = new java.util.ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    try {
      starts.add(
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // fall back to the working directory
    }
    for (Path start : starts) {
      for (Path p = start; p != null; p = p.getParent()) {
        Path s = p.resolve("scripts/test-cluster");
        if (Files.isExecutable(s)) {
          return s;
        }
      }
    }
    throw new ExitException(
        Main.USAGE,
        "scripts/test-cluster not found",
        "run the demo from a Cairn checkout (./cairn demo --cluster real)");
  }
}

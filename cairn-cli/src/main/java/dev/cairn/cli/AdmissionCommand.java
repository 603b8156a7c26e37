package dev.cairn.cli;

import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Text;
import dev.cairn.deploy.VulnPolicy;
import dev.cairn.deploy.admission.Admission;
import dev.cairn.deploy.admission.AdmissionServer;
import dev.cairn.deploy.admission.WebhookConfiguration;
import dev.cairn.deploy.admission.WebhookTls;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.vuln.Severity;
import dev.cairn.supplychain.vuln.VulnGate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn admission serve|render}: the validating admission webhook (docs/admission.md). */
@Command(
    name = "admission",
    subcommands = {AdmissionCommand.Serve.class, AdmissionCommand.Render.class})
final class AdmissionCommand extends Sub {
  static Path tlsDir(@Nullable Path given, Sub sub) {
    return given != null ? given : sub.home().dir("admission").resolve("tls");
  }

  @Command(name = "serve")
  static final class Serve extends Sub {
    @Option(names = "--host")
    String host = "127.0.0.1";

    @Option(names = "--port")
    int port = 8443;

    @Option(names = "--tls-dir", paramLabel = "DIR")
    @Nullable Path tlsDir;

    @Option(names = "--tls-host", paramLabel = "NAME")
    List<String> tlsHosts = new ArrayList<>();

    @Option(names = "--trust", paramLabel = "FILE")
    @Nullable Path trust;

    @Option(names = "--plain-http", paramLabel = "HOST:PORT")
    List<String> plainHttp = new ArrayList<>();

    @Option(names = "--certificate", paramLabel = "FILE")
    @Nullable Path certificate;

    @Option(names = "--kubeconfig", paramLabel = "FILE")
    @Nullable Path kubeconfig;

    @Option(names = "--allow-snapshot")
    boolean allowSnapshot;

    @Option(names = "--cache-ttl", paramLabel = "SECONDS")
    int cacheTtl = 60;

    @Option(
        names = "--max-severity",
        paramLabel = "SEVERITY",
        converter = VulnCommand.SeverityValue.class)
    @Nullable Severity maxSeverity;

    @Option(names = "--max-db-age", paramLabel = "AGE", converter = VulnCommand.AgeValue.class)
    @Nullable Duration maxDbAge;

    @Override
    public Integer call() throws Exception {
      if (cacheTtl < 0) {
        throw ExitException.usage(
            "--cache-ttl " + cacheTtl + " is negative", "pass a number of seconds, 0 for no cache");
      }
      if (kubeconfig != null && certificate == null) {
        throw ExitException.usage(
            "--kubeconfig is for checking the cluster certificate, and there is no --certificate",
            "pass --certificate FILE (the cluster's .cert.json), or leave --kubeconfig out");
      }
      Path trustFile = trust != null ? trust : home().trustRoot();
      if (!Files.exists(trustFile)) {
        throw ExitException.usage(
            "there is no trust root " + trustFile,
            "add the builder's key with cairn trust add-builder-key PUBKEY.pem, or pass --trust"
                + " FILE");
      }
      TrustRoot root = TrustRoot.parse(read(trustFile, "trust root"));
      Registries.Builder rb = Registries.builder();
      plainHttp.forEach(rb::allowPlainHttp);
      Admission.Builder ab =
          Admission.builder(root, rb.build()).cacheTtl(Duration.ofSeconds(cacheTtl));
      if (maxSeverity == null && maxDbAge != null) {
        throw ExitException.usage(
            "--max-db-age needs --max-severity",
            "give --max-severity SEVERITY (critical, high, …) to demand the vulnerability-gate"
                + " attestation");
      }
      if (maxSeverity != null) {
        ab.vulnerabilities(
            new VulnPolicy(
                maxSeverity, maxDbAge != null ? maxDbAge : VulnGate.DEFAULT_MAX_DB_AGE, true));
      }
      if (certificate != null) {
        CertificateBundle bundle =
            CertificateBundle.parse(read(certificate, "certificate"), certificate.toString());
        VerifyRequest req =
            VerifyRequest.of(bundle)
                .withTrustRoot(trust)
                .withKubeconfig(kubeconfig)
                .withLiveIdentityRequired(kubeconfig != null)
                .withSnapshotAllowed(allowSnapshot);
        ab.clusterCertificate(Verifier.create(home(), Clock.systemUTC()), req);
      }
      List<String> hosts = new ArrayList<>(tlsHosts);
      if (hosts.isEmpty()) {
        hosts.add(host.equals("0.0.0.0") ? "127.0.0.1" : host);
      }
      WebhookTls tls = WebhookTls.loadOrCreate(tlsDir(tlsDir, this), hosts, Clock.systemUTC());
      CountDownLatch stop = new CountDownLatch(1);
      try (Admission admission = ab.build();
          AdmissionServer server = AdmissionServer.serve(admission, tls, host, port)) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        out().println("admission webhook listening on " + server.uri());
        out().flush();
        err()
            .println(
                "cairn: "
                    + (certificate != null
                        ? "checking images and the cluster certificate " + certificate
                        : "checking images (no --certificate: the cluster certificate is not"
                            + " checked)")
                    + "; results cached "
                    + cacheTtl
                    + " s");
        err().flush();
        stop.await();
      }
      return Main.OK;
    }
  }

  @Command(name = "render")
  static final class Render extends Sub {
    @Option(names = "--url", paramLabel = "URL")
    @Nullable String url;

    @Option(names = "--port")
    int port = 8443;

    @Option(names = "--tls-dir", paramLabel = "DIR")
    @Nullable Path tlsDir;

    @Option(names = "--tls-host", paramLabel = "NAME")
    List<String> tlsHosts = new ArrayList<>();

    @Option(names = "--name")
    String name = "cairn-admission";

    @Option(names = "--timeout", paramLabel = "SECONDS")
    int timeout = 10;

    @Option(names = "--fail-open")
    boolean failOpen;

    @Option(names = "--namespace-label", paramLabel = "KEY=VALUE")
    List<String> labels = new ArrayList<>();

    @Option(names = "--output", paramLabel = "FILE")
    @Nullable Path output;

    @Override
    public Integer call() throws Exception {
      URI u;
      try {
        u = URI.create(url != null ? url : "https://127.0.0.1:" + port + "/validate");
      } catch (IllegalArgumentException e) {
        throw ExitException.usage(
            "--url " + Text.escape(String.valueOf(url)) + " is not a URL",
            "give the webhook's address as https://HOST:PORT/validate");
      }
      Map<String, String> selector = new LinkedHashMap<>();
      for (String l : labels) {
        int eq = l.indexOf('=');
        if (eq <= 0) {
          throw ExitException.usage(
              "--namespace-label " + Text.escape(l) + " is not KEY=VALUE",
              "pass a label as KEY=VALUE, e.g. cairn.dev/enforce=true");
        }
        selector.put(l.substring(0, eq), l.substring(eq + 1));
      }
      if (selector.isEmpty()) {
        selector.put(WebhookConfiguration.ENFORCE_LABEL, "true");
      }
      List<String> hosts = new ArrayList<>(tlsHosts);
      if (hosts.isEmpty()) {
        hosts.add(u.getHost() == null ? "127.0.0.1" : u.getHost());
      }
      WebhookTls tls = WebhookTls.loadOrCreate(tlsDir(tlsDir, this), hosts, Clock.systemUTC());
      WebhookConfiguration config;
      try {
        config =
            WebhookConfiguration.of(u, tls.caPem())
                .withName(name)
                .withTimeoutSeconds(timeout)
                .withFailClosed(!failOpen)
                .withNamespaceLabels(selector);
      } catch (IllegalArgumentException e) {
        throw ExitException.usage(
            String.valueOf(e.getMessage()),
            "correct the option; cairn admission render --help lists them");
      }
      if (output == null) {
        out().print(config.yaml());
        out().flush();
      } else {
        try {
          AtomicFiles.write(output, config.yaml());
        } catch (IOException e) {
          throw ExitException.usage(
              "cannot write " + output + ": " + Text.describe(e),
              "check that the directory exists and is writable");
        }
        err().println("cairn: wrote " + output + " (kubectl apply -f " + output + ")");
      }
      return Main.OK;
    }
  }

  static String read(Path file, String what) throws ExitException {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw ExitException.usage(
          "cannot read the " + what + " " + file + ": " + Text.describe(e),
          "check that the file exists and is readable");
    }
  }
}

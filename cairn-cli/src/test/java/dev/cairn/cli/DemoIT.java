package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn demo}: scan, certify, verify, tamper, revoke, on embedded defaults. */
class DemoIT {
  @Test
  void demo_runsTheWholeStory(@TempDir Path tmp) {
    CliTest.Run r = CliTest.run("demo", "--dir", tmp.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("CRN-102  FAILED")
        .contains("WAIVED")
        .contains("No certificate: these checks failed in the attested scan")
        .contains("issued for cluster sha256:")
        .contains("VERIFIED certificate")
        .contains("NOT VERIFIED: signature:")
        .contains("NOT VERIFIED: revocation:")
        .containsPattern("== 6\\. The cluster's history on the ledger\\s+Cluster sha256:")
        .containsPattern("\\n0 +sha256:[0-9a-f]{12} .* revoked ")
        // the delivery half: webhook, pipeline, attested sign, image verified, forgery refused
        .contains("signed push webhook: HTTP 202")
        .containsPattern(
            "Run \\S+ succeeded \\(http://127\\.0\\.0\\.1:\\d+/web\\.git at [0-9a-f]{40}\\)")
        .containsPattern("VERIFIED image 127\\.0\\.0\\.1:\\d+/demo/web@sha256:[0-9a-f]{64}")
        .containsPattern(
            "builder https://cairn\\.dev/builder/attested/v1, measurement sha256:[0-9a-f]{64} in TEE"
                + " simulation \\(simulation: no hardware protection\\)")
        .contains("links checked: registry, signature, provenance, builder, source")
        .contains("HTTP 401: refused, no run started; the home holds 1 run");
    assertThat(r.err()).contains("simulation: no hardware protection");
    assertThat(tmp.resolve("report.sarif")).exists();
    assertThat(tmp.resolve("hardened.cert.json")).exists();
  }

  @Test
  void demo_onEthereum_recordsVerifiesAndRevokesOnALocalChain(@TempDir Path tmp) {
    CliTest.Run r = CliTest.run("demo", "--ledger", "ethereum", "--dir", tmp.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Deployed CertificateRegistry at 0x")
        .contains("Granted issuer 0x")
        .containsPattern(
            "recorded on ethereum:http://127\\.0\\.0\\.1:\\d+#0x[0-9a-f]{40} \\(chain 31337")
        .contains(
            "links checked: signature, signing key, statement, attestation, ledger record,"
                + " ledger issuer, expiry, revocation, source")
        .contains("NOT VERIFIED: signature:")
        .contains("NOT VERIFIED: revocation: revoked on chain at");
  }

  @Test
  void demo_serve_servesWhatTheDemoDid_untilStopped(@TempDir Path tmp) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("CAIRN_HOME");
    AtomicInteger code = new AtomicInteger(-1);
    Thread t =
        Thread.ofPlatform()
            .start(
                () ->
                    code.set(
                        Main.run(
                            new String[] {
                              "demo", "--dir", tmp.toString(), "--serve", "--serve-port", "0"
                            },
                            new PrintWriter(out, true),
                            new PrintWriter(err, true),
                            env)));
    Pattern url = Pattern.compile("(?m)^(http://127\\.0\\.0\\.1:\\d+)$");
    await()
        .atMost(Duration.ofMinutes(10))
        .until(() -> url.matcher(out.toString()).find() || !t.isAlive());
    Matcher m = url.matcher(out.toString());
    assertThat(m.find()).as(err.toString()).isTrue();
    Matcher tok =
        Pattern.compile("token demo \\(Dev, Sec, Ops\\), shown this once: (cairn_\\S+)")
            .matcher(out.toString());
    assertThat(tok.find()).as(out.toString()).isTrue();
    HttpClient http = HttpClient.newHttpClient();
    String base = m.group(1);
    String runs = get(http, base + "/api/v1/runs", tok.group(1));
    assertThat(runs).contains("\"state\":\"succeeded\"").contains("\"total\":1");
    String clusters = get(http, base + "/api/v1/clusters", tok.group(1));
    assertThat(clusters).contains("\"clusters\":[{");
    assertThat(get(http, base + "/", null)).contains("<title>Cairn</title>");
    assertThat(err.toString()).doesNotContain(tok.group(1));
    t.interrupt();
    t.join(Duration.ofMinutes(1));
    assertThat(code.get()).isZero();
  }

  private static String get(HttpClient http, String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + " " + r.body()).isEqualTo(200);
    return r.body();
  }
}

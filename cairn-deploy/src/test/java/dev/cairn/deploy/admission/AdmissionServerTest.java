package dev.cairn.deploy.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import dev.cairn.core.Yaml;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.Registries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook over HTTPS on 127.0.0.1, trusted through its own CA only (as the API server trusts it
 * through caBundle); its TLS files kept across restarts; the rendered configuration.
 */
class AdmissionServerTest {
  @TempDir Path dir;

  static HttpClient trusting(WebhookTls tls) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", tls.caCertificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).build();
  }

  @Test
  void serve_answersReviewsOverTls_andRefusesWhatIsNoReview() throws Exception {
    WebhookTls tls = WebhookTls.loadOrCreate(dir, List.of("127.0.0.1"), Clock.systemUTC());
    try (Admission a = Admission.builder(TrustRoot.empty(), Registries.builder().build()).build();
        AdmissionServer s = AdmissionServer.serve(a, tls, "127.0.0.1", 0)) {
      HttpClient http = trusting(tls);
      assertThat(s.uri().toString()).isEqualTo("https://127.0.0.1:" + s.port() + "/validate");
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(s.uri())
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Reviews.pod(
                              "uid-9", "shop", "CREATE", Reviews.containers("app", "nginx:1.27"))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      Map<?, ?> resp = (Map<?, ?>) Json.parseObject(r.body()).get("response");
      assertThat(resp.get("uid")).isEqualTo("uid-9");
      assertThat(resp.get("allowed")).isEqualTo(false);
      assertThat(String.valueOf(((Map<?, ?>) resp.get("status")).get("message")))
          .contains("image nginx:1.27 is by tag");

      HttpResponse<String> bad =
          http.send(
              HttpRequest.newBuilder(s.uri())
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      HttpResponse<String> get =
          http.send(
              HttpRequest.newBuilder(s.uri()).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.port() + "/healthz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.body()).isEqualTo("ok");
    }
  }

  @Test
  void tls_keepsItsCa_andMakesANewServingCertificateForANewHost() throws Exception {
    WebhookTls first = WebhookTls.loadOrCreate(dir, List.of("127.0.0.1"), Clock.systemUTC());
    WebhookTls again = WebhookTls.loadOrCreate(dir, List.of("127.0.0.1"), Clock.systemUTC());
    assertThat(again.caPem()).isEqualTo(first.caPem());
    assertThat(again.servingCertificate()).isEqualTo(first.servingCertificate());
    WebhookTls wider =
        WebhookTls.loadOrCreate(dir, List.of("127.0.0.1", "webhook.example"), Clock.systemUTC());
    assertThat(wider.caPem()).isEqualTo(first.caPem());
    assertThat(wider.servingCertificate()).isNotEqualTo(first.servingCertificate());
    wider.servingCertificate().verify(first.caCertificate().getPublicKey());
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca.key")).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
  }

  @Test
  void configuration_isValidYaml_withEveryFieldTheApiServerNeeds() throws Exception {
    WebhookTls tls = WebhookTls.loadOrCreate(dir, List.of("127.0.0.1"), Clock.systemUTC());
    String yaml =
        WebhookConfiguration.of(URI.create("https://127.0.0.1:8443/validate"), tls.caPem()).yaml();
    var doc = Yaml.parseDocument("webhook.yaml", yaml, 1);
    assertThat(doc).isNotNull();
    assertThat(yaml)
        .contains("failurePolicy: Fail")
        .contains("sideEffects: None")
        .contains("namespaceSelector:\n    matchLabels:\n      cairn.dev/enforce: \"true\"\n");
  }
}

package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.deploy.duties.Duty;
import dev.cairn.testing.TestPki;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tls-cert/--tls-key}: the API over HTTPS with a PEM certificate and key. */
class TlsIT {
  @TempDir Path dir;

  @Test
  void theApi_isServedOverHttps_withHsts_andAClientThatDoesNotTrustTheCertIsRefused()
      throws Exception {
    TestPki.Issued cert = TestPki.selfSigned("127.0.0.1");
    Path certPem = TestPki.writePem(dir.resolve("tls.crt"), cert.certificate());
    Path keyPem = TestPki.writePem(dir.resolve("tls.key"), cert.keys().getPrivate());
    try (ServerFixture f = new ServerFixture(dir.resolve("s"), b -> b.tls(certPem, keyPem))) {
      assertThat(f.server.uri().getScheme()).isEqualTo("https");
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("server", cert.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      HttpClient https =
          HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(30)).build();
      HttpResponse<String> r =
          https.send(
              HttpRequest.newBuilder(f.uri("/api/v1/me"))
                  .header(
                      "Authorization",
                      "Bearer "
                          + new String(
                              f.tokens.get(Duty.OPS).bytes(),
                              java.nio.charset.StandardCharsets.UTF_8))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"name\":\"ops\"");
      assertThat(r.headers().firstValue("Strict-Transport-Security")).isPresent();
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(f.uri("/healthz")).build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }
  }
}

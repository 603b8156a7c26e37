package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn admission serve} wired end to end: the trust root from Cairn's home, a plain-HTTP
 * registry, the TLS files {@code render} made; a verified image admitted and an unsigned one denied
 * over HTTPS, trusted through the CA the rendered caBundle carries.
 */
class AdmissionServeCommandIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @TempDir Path dir;

  static String review(String image) {
    return """
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"u1",
         "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
         "name":"web","namespace":"shop","operation":"CREATE","userInfo":{"username":"it"},
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},
          "spec":{"containers":[{"name":"app","image":"%s"}]}},"oldObject":null,"dryRun":false}}"""
        .formatted(image);
  }

  @Test
  void serve_admitsAVerifiedImage_andDeniesAnUnsignedOne() throws Exception {
    KeyPair key = CosignKeys.generate();
    var oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    ImageRef good =
        ImageVerifyCommandTest.signed(
            oci, ImageRef.parse(REGISTRY.address() + "/team/app:v1"), key);
    ImageRef other =
        ImageVerifyCommandTest.signed(
            oci, ImageRef.parse(REGISTRY.address() + "/team/other:v1"), CosignKeys.generate());
    Path home = dir.resolve("home");
    Path pub =
        Files.writeString(dir.resolve("cosign.pub"), CosignKeys.publicKeyPem(key.getPublic()));
    assertThat(
            CliTest.run(
                    home,
                    "trust",
                    "add-builder-key",
                    pub.toString(),
                    "--since",
                    "2026-01-01T00:00:00Z")
                .code())
        .isZero();
    assertThat(CliTest.run(home, "trust", "allow-unattested-builders").code()).isZero();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(CliTest.run(home, "admission", "render", "--port", "" + port).code()).isZero();
    Thread serve =
        new Thread(
            () ->
                CliTest.run(
                    home,
                    "admission",
                    "serve",
                    "--port",
                    "" + port,
                    "--plain-http",
                    REGISTRY.address()));
    // the command serves until the JVM stops; the test JVM's end stops it
    serve.setDaemon(true);
    serve.start();

    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry(
        "ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(
                    Files.readAllBytes(home.resolve("admission/tls/ca.crt")))));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(ctx).build();
    URI base = URI.create("https://127.0.0.1:" + port);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                        HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body()
                    .equals("ok"));

    String allowed = post(http, base, review(good.toString()));
    assertThat(allowed).contains("\"allowed\":true").contains("1 image verified");
    String denied = post(http, base, review(other.toString()));
    assertThat(denied)
        .contains("\"allowed\":false")
        .contains(
            "cairn admission denied Pod shop/web: container \\\"app\\\": image "
                + other
                + " not verified: signature: ");
  }

  static String post(HttpClient http, URI base, String body) throws Exception {
    return http.send(
            HttpRequest.newBuilder(base.resolve("/validate"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}

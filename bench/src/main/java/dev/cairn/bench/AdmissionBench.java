package dev.cairn.bench;

import dev.cairn.core.Json;
import dev.cairn.deploy.admission.Admission;
import dev.cairn.deploy.admission.AdmissionServer;
import dev.cairn.deploy.admission.WebhookTls;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.LocalRegistry;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Latency of an admission decision on a Pod with one signed, attested image in a local
 * docker-registry on 127.0.0.1: uncached (a full verification: manifest, signature and attestation
 * read from the registry, then judged), cached (the per-digest result reused), and a cached
 * decision over HTTPS as the API server makes it (a new TLS connection each time, as
 * kube-apiserver's webhook client may). Prints p50/p99/max. Run: bench/run admission [decisions].
 */
public final class AdmissionBench {
  private AdmissionBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path dir = Files.createTempDirectory("cairn-admission-bench");
    try (LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"))) {
      String address = registry.address();
      OciClient oci = Registries.builder().allowPlainHttp(address).build();
      KeyPair key = CosignKeys.generate();
      ImageRef image = signed(oci, ImageRef.parse(address + "/bench/app:v1"), key);
      TrustRoot trust =
          TrustRoot.empty()
              .withTrusted(
                  new TrustRoot.BuilderKey(key.getPublic().getEncoded()),
                  Instant.now().minusSeconds(3600))
              .withUnattestedBuildersAccepted(true);
      String review = review(image.toString());
      Map<?, ?> request =
          java.util.Objects.requireNonNull((Map<?, ?>) Json.parseObject(review).get("request"));

      try (Admission uncached = Admission.builder(trust, oci).cacheTtl(Duration.ZERO).build()) {
        for (int i = 0; i < 20; i++) {
          check(uncached.decide(request).allowed());
        }
        report(
            "uncached decision (full verification)",
            time(n, () -> check(uncached.decide(request).allowed())));
      }
      try (Admission cached = Admission.builder(trust, oci).build()) {
        check(cached.decide(request).allowed());
        for (int i = 0; i < 1000; i++) {
          check(cached.decide(request).allowed());
        }
        report("cached decision", time(n * 10, () -> check(cached.decide(request).allowed())));
        report(
            "cached decision, whole review JSON in/out, with deadline",
            time(
                n * 10,
                () -> check(cached.review(review).orElseThrow().contains("\"allowed\":true"))));
        WebhookTls tls =
            WebhookTls.loadOrCreate(dir.resolve("tls"), List.of("127.0.0.1"), Clock.systemUTC());
        try (AdmissionServer server = AdmissionServer.serve(cached, tls, "127.0.0.1", 0)) {
          HttpClient keepAlive = client(tls);
          HttpRequest post =
              HttpRequest.newBuilder(server.uri())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(review))
                  .build();
          for (int i = 0; i < 50; i++) {
            keepAlive.send(post, HttpResponse.BodyHandlers.ofString());
          }
          report(
              "cached decision over HTTPS, kept-alive connection",
              time(
                  n,
                  () ->
                      check(
                          keepAlive.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()
                              == 200)));
          report(
              "cached decision over HTTPS, new TLS connection each",
              time(
                  n,
                  () -> {
                    HttpClient fresh = client(tls);
                    check(
                        fresh.send(post, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
                    fresh.close();
                  }));
        }
      }
    }
  }

  interface Step {
    void run() throws Exception;
  }

  static void check(boolean ok) {
    if (!ok) {
      throw new IllegalStateException("the bench's decision was not an admission");
    }
  }

  static List<Long> time(int n, Step s) throws Exception {
    List<Long> ns = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      s.run();
      ns.add(System.nanoTime() - t0);
    }
    return ns;
  }

  static void report(String what, List<Long> ns) {
    List<Long> s = new ArrayList<>(ns);
    Collections.sort(s);
    System.out.printf(
        "%-58s n=%5d  p50 %9.3f ms  p99 %9.3f ms  max %9.3f ms%n",
        what,
        s.size(),
        s.get(s.size() / 2) / 1e6,
        s.get((int) Math.min(s.size() - 1, Math.ceil(s.size() * 0.99) - 1)) / 1e6,
        s.getLast() / 1e6);
  }

  static HttpClient client(WebhookTls tls) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", tls.caCertificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
  }

  static String review(String image) {
    return """
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"b",
         "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
         "name":"web","namespace":"shop","operation":"CREATE","userInfo":{"username":"bench"},
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},
          "spec":{"containers":[{"name":"app","image":"%s"}]}},"oldObject":null,"dryRun":false}}"""
        .formatted(image);
  }

  static ImageRef signed(OciClient oci, ImageRef repo, KeyPair key) throws Exception {
    Descriptor config =
        oci.pushBlob(
            repo,
            MediaTypes.OCI_CONFIG,
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8));
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.OCI_CONFIG
            + "\",\"digest\":\""
            + config.digest()
            + "\",\"size\":"
            + config.size()
            + "},\"layers\":[]}";
    Manifest m = Manifest.of(MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    oci.putManifest(repo, m);
    ImageRef tagged = repo.withDigest(m.digest());
    Cosign cosign = Cosign.using(oci);
    cosign.sign(tagged, key.getPrivate(), Cosign.Storage.BOTH);
    String repoUrl = "https://git.example/bench/app";
    Map<String, Object> predicate =
        Map.of(
            "buildDefinition",
            Map.of(
                "buildType", "https://cairn.dev/pipeline/run/v1",
                "externalParameters", Map.of("repository", repoUrl, "ref", "refs/heads/main"),
                "resolvedDependencies",
                    List.of(
                        Map.of(
                            "uri",
                            repoUrl,
                            "digest",
                            Map.of("gitCommit", "0123456789abcdef0123456789abcdef01234567")))),
            "runDetails",
            Map.of(
                "builder", Map.of("id", "https://cairn.dev/builder/local/v1"),
                "metadata", Map.of("finishedOn", Instant.now().minusSeconds(5).toString())));
    cosign.attest(
        tagged,
        Cosign.statement(tagged, ImageVerifier.SLSA_PROVENANCE_V1, predicate),
        key.getPrivate(),
        Cosign.Storage.BOTH);
    return repo.atDigest(m.digest());
  }
}

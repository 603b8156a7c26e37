package dev.cairn.deploy.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's judgement on real AdmissionReview v1 documents, with images signed and attested
 * into a real docker-registry on 127.0.0.1: allowed by digest and verified, denied by tag, unsigned
 * or signed by an untrusted key, in every container list and pod template; the response document;
 * fail closed on what it cannot judge; the cache.
 */
class AdmissionTest {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  static KeyPair builder;
  static OciClient oci;
  static ImageRef good;
  static ImageRef good2;
  static ImageRef unsigned;
  static ImageRef stranger;
  static Admission admission;

  @TempDir Path dir;

  @BeforeAll
  static void images() throws Exception {
    builder = CosignKeys.generate();
    oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    ImageRef repo = ImageRef.parse(REGISTRY.address() + "/team/app:v1");
    good = SignedImages.signed(oci, repo, builder, "good");
    good2 = SignedImages.signed(oci, repo, builder, "good2");
    unsigned = SignedImages.unsigned(oci, repo, "unsigned");
    stranger = SignedImages.signed(oci, repo, CosignKeys.generate(), "stranger");
    admission = Admission.builder(SignedImages.trusting(builder), oci).build();
  }

  @AfterAll
  static void close() {
    admission.close();
  }

  static Map<?, ?> response(String json) throws Exception {
    Map<String, Object> doc = Json.parseObject(json);
    assertThat(doc).containsEntry("apiVersion", "admission.k8s.io/v1");
    assertThat(doc).containsEntry("kind", "AdmissionReview");
    return (Map<?, ?>) doc.get("response");
  }

  static String message(Map<?, ?> response) {
    return String.valueOf(((Map<?, ?>) response.get("status")).get("message"));
  }

  @Test
  void review_podWithVerifiedImage_isAllowed_andAnswersItsUid() throws Exception {
    Map<?, ?> r =
        response(
            admission
                .review(
                    Reviews.pod(
                        "uid-1", "shop", "CREATE", Reviews.containers("app", good.toString())))
                .orElseThrow());
    assertThat(r.get("uid")).isEqualTo("uid-1");
    assertThat(r.get("allowed")).isEqualTo(true);
    assertThat(message(r)).isEqualTo("cairn admission: 1 image verified");
  }

  @Test
  void review_podByTag_isDenied_byTag() throws Exception {
    String tag = REGISTRY.address() + "/team/app:v1";
    Map<?, ?> r =
        response(
            admission
                .review(Reviews.pod("uid-2", "shop", "CREATE", Reviews.containers("app", tag)))
                .orElseThrow());
    assertThat(r.get("allowed")).isEqualTo(false);
    assertThat(((Map<?, ?>) r.get("status")).get("code")).isEqualTo(403L);
    assertThat(message(r))
        .isEqualTo(
            "cairn admission denied Pod shop/web: container \"app\": image "
                + tag
                + " is by tag; an enforced namespace admits images by digest only"
                + " (repository@sha256:...)");
  }

  @Test
  void review_podWithUnsignedImage_isDenied_signatureLink() throws Exception {
    Map<?, ?> r =
        response(
            admission
                .review(
                    Reviews.pod(
                        "uid-3",
                        "shop",
                        "CREATE",
                        Reviews.containers("app", good.toString(), "side", unsigned.toString())))
                .orElseThrow());
    assertThat(r.get("allowed")).isEqualTo(false);
    assertThat(message(r))
        .startsWith(
            "cairn admission denied Pod shop/web: container \"side\": image "
                + unsigned
                + " not verified: signature: ")
        .doesNotContain("container \"app\"");
  }

  @Test
  void review_imageSignedByAnUntrustedKey_isDenied() throws Exception {
    Decision d =
        admission.decide(
            request(
                Reviews.pod(
                    "u", "shop", "CREATE", Reviews.containers("app", stranger.toString()))));
    assertThat(d.allowed()).isFalse();
    assertThat(d.reasons())
        .singleElement()
        .asString()
        .startsWith("container \"app\": image " + stranger + " not verified: signature: ");
  }

  @Test
  void review_initAndEphemeralContainers_areJudgedToo() throws Exception {
    String spec =
        Reviews.containers("app", good.toString())
            + ",\"initContainers\":[{\"name\":\"setup\",\"image\":\""
            + unsigned
            + "\"}],\"ephemeralContainers\":[{\"name\":\"debug\",\"image\":\"busybox:1.36\"}]";
    Decision d = admission.decide(request(Reviews.pod("u", "shop", "CREATE", spec)));
    assertThat(d.allowed()).isFalse();
    assertThat(d.reasons()).hasSize(2);
    assertThat(d.reasons().get(0)).startsWith("init container \"setup\": image " + unsigned);
    assertThat(d.reasons().get(1))
        .isEqualTo(
            "ephemeral container \"debug\": image busybox:1.36 is by tag; an enforced namespace"
                + " admits images by digest only (repository@sha256:...)");
  }

  @Test
  void review_deploymentAndCronJobTemplates_areJudged() throws Exception {
    Decision bad =
        admission.decide(
            request(
                Reviews.deployment("u", "shop", Reviews.containers("api", unsigned.toString()))));
    assertThat(bad.allowed()).isFalse();
    assertThat(bad.message())
        .startsWith(
            "cairn admission denied Deployment shop/api: container \"api\": image " + unsigned);
    Decision ok =
        admission.decide(
            request(
                Reviews.deployment(
                    "u",
                    "shop",
                    Reviews.containers("api", good.toString(), "b", good2.toString()))));
    assertThat(ok.allowed()).as(ok.message()).isTrue();
    assertThat(ok.message()).isEqualTo("cairn admission: 2 images verified");
    Decision cron =
        admission.decide(
            request(Reviews.cronJob("u", "shop", Reviews.containers("job", "team/job:latest"))));
    assertThat(cron.allowed()).isFalse();
    assertThat(cron.message())
        .startsWith(
            "cairn admission denied CronJob shop/nightly: container \"job\": image team/job:latest is by tag");
  }

  @Test
  void review_updateWithoutANewImage_isAllowed_butANewUnsignedImageIsNot() throws Exception {
    String old =
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},\"spec\":{"
            + Reviews.containers("app", "legacy:1")
            + "}}";
    String same =
        Reviews.review(
            "u",
            "shop",
            "",
            "v1",
            "Pod",
            "pods",
            "web",
            "UPDATE",
            old.replace("\"web\"}", "\"web\",\"labels\":{\"a\":\"b\"}}"),
            old);
    assertThat(admission.decide(request(same)).allowed()).isTrue();
    String changed =
        Reviews.review(
            "u",
            "shop",
            "",
            "v1",
            "Pod",
            "pods",
            "web",
            "UPDATE",
            old.replace("legacy:1", unsigned.toString()),
            old);
    assertThat(admission.decide(request(changed)).allowed()).isFalse();
  }

  @Test
  void review_failsClosed_onWhatItCannotJudge() throws Exception {
    String secret =
        Reviews.review(
            "u", "shop", "", "v1", "Secret", "secrets", "s", "CREATE", "{\"data\":{}}", null);
    Map<?, ?> r = response(admission.review(secret).orElseThrow());
    assertThat(r.get("allowed")).isEqualTo(false);
    assertThat(message(r))
        .isEqualTo(
            "cairn admission denied Secret shop/s: kind Secret is not one the webhook judges (fail"
                + " closed); render the webhook's configuration again");
    String v1beta1 =
        Reviews.pod("u", "shop", "CREATE", Reviews.containers("app", good.toString()))
            .replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1");
    assertThat(response(admission.review(v1beta1).orElseThrow()).get("allowed")).isEqualTo(false);
    assertThat(admission.review("{\"kind\":\"AdmissionReview\"}")).isEmpty();
    assertThat(admission.review("not json")).isEmpty();
    Decision noImage =
        admission.decide(
            request(Reviews.pod("u", "shop", "CREATE", Reviews.containers("app", ""))));
    assertThat(noImage.reasons())
        .containsExactly("container \"app\": image \"\" is not an image reference");
  }

  @Test
  void review_aDecisionPastItsDeadline_isADenial() throws Exception {
    // a registry that accepts the connection and never answers
    try (java.net.ServerSocket silent =
            new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Admission slow =
            Admission.builder(
                    TrustRoot.empty(),
                    Registries.builder()
                        .allowPlainHttp("127.0.0.1:" + silent.getLocalPort())
                        .build())
                .deadline(Duration.ofMillis(300))
                .build()) {
      ImageRef img =
          ImageRef.parse(
              "127.0.0.1:" + silent.getLocalPort() + "/team/app@" + good.requireDigest());
      Decision d =
          slow.decideWithin(
              request(
                  Reviews.pod("u", "shop", "CREATE", Reviews.containers("app", img.toString()))));
      assertThat(d.allowed()).isFalse();
      assertThat(d.reasons())
          .containsExactly(
              "the decision did not finish within 300 ms (fail closed); the registry or the ledger"
                  + " may be slow, try again");
    }
  }

  @Test
  void cache_keepsAVerdictForItsTtl_thenAsksTheRegistryAgain() throws Exception {
    Path layoutDir = dir.resolve("layout");
    OciClient layout = Registries.layout(layoutDir);
    ImageRef img =
        SignedImages.signed(layout, ImageRef.parse("registry.test/team/app:v1"), builder, "c");
    AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    try (Admission a =
        Admission.builder(SignedImages.trusting(builder), layout)
            .cacheTtl(Duration.ofSeconds(30))
            .clock(clock)
            .build()) {
      Map<?, ?> req =
          request(Reviews.pod("u", "shop", "CREATE", Reviews.containers("app", img.toString())));
      assertThat(a.decide(req).allowed()).isTrue();
      assertThat(a.cachedKeys()).containsExactly(img.toString());
      // the evidence is gone from the registry: the cached verdict still holds within its TTL
      try (Stream<Path> s = Files.walk(layoutDir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      now.set(now.get().plusSeconds(29));
      assertThat(a.decide(req).allowed()).isTrue();
      now.set(now.get().plusSeconds(2));
      Decision after = a.decide(req);
      assertThat(after.allowed()).isFalse();
      assertThat(after.reasons()).singleElement().asString().contains(" not verified: registry: ");
      // a registry failure is not cached
      assertThat(a.cachedKeys()).containsExactly(img.toString());
    }
  }

  static Map<?, ?> request(String review) throws Exception {
    return (Map<?, ?>) Json.parseObject(review).get("request");
  }
}

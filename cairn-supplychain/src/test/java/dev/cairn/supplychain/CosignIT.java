package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.supplychain.Cosign.Storage;
import dev.cairn.supplychain.internal.OciJson;
import dev.cairn.testing.CosignTool;
import dev.cairn.testing.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cairn's signatures and attestations verified by cosign v2.6.5 itself (built from the Go module
 * proxy) against a real docker-registry 2.8, which has no referrers API; and Cairn's own
 * verification of the same, with tampered fixtures beside the good ones.
 */
class CosignIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();
  static final String SLSA_V1 = "https://slsa.dev/provenance/v1";

  @TempDir static Path dir;
  static KeyPair key;
  static Path pub;
  static OciClient oci;
  static Cosign cosign;

  @BeforeAll
  static void setUp() throws Exception {
    CosignTool.binary(); // build once before any assertion (cold: minutes)
    key = CosignKeys.generate();
    pub = dir.resolve("cosign.pub");
    Files.writeString(pub, CosignKeys.publicKeyPem(key.getPublic()));
    oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    cosign = Cosign.using(oci);
  }

  static ImageRef push(String name) throws Exception {
    return TinyImage.push(oci, ImageRef.parse(REGISTRY.address() + "/cairn/" + name + ":v1"), name);
  }

  static byte[] provenance(ImageRef image) {
    return Cosign.statement(
        image,
        SLSA_V1,
        Map.of(
            "buildDefinition",
            Map.of(
                "buildType", "https://cairn.dev/pipeline/build/v1",
                "externalParameters",
                    Map.of("repository", "https://git.example/app.git", "ref", "refs/heads/main"),
                "resolvedDependencies",
                    List.of(
                        Map.of(
                            "uri",
                            "git+https://git.example/app.git",
                            "digest",
                            Map.of("gitCommit", "a".repeat(40))))),
            "runDetails",
            Map.of(
                "builder", Map.of("id", "https://cairn.dev/builder/v1"),
                "metadata",
                    Map.of(
                        "invocationId", "run-1",
                        "startedOn", "2026-12-01T10:00:00Z",
                        "finishedOn", "2026-12-01T10:00:05Z"))));
  }

  static CosignTool.Result verify(ImageRef image, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "verify",
                "--key",
                pub.toString(),
                "--insecure-ignore-tlog=true",
                "--allow-http-registry=true",
                "--output",
                "json"));
    args.addAll(List.of(extra));
    args.add(image.toString());
    return CosignTool.cosign(dir, args.toArray(String[]::new));
  }

  static CosignTool.Result verifyAttestation(ImageRef image, Path key) throws Exception {
    return CosignTool.cosign(
        dir,
        "verify-attestation",
        "--key",
        key.toString(),
        "--type",
        "slsaprovenance1",
        "--insecure-ignore-tlog=true",
        "--allow-http-registry=true",
        image.toString());
  }

  @Test
  void signatureAndProvenance_verifyWithCosign_andWithCairn_fromTagsAndReferrers()
      throws Exception {
    ImageRef image = push("signed");
    assertThat(cosign.sign(image, key.getPrivate(), Storage.BOTH)).hasSize(2);
    assertThat(cosign.attest(image, provenance(image), key.getPrivate(), Storage.BOTH)).hasSize(2);

    CosignTool.Result v = verify(image);
    assertThat(v.exitCode()).as(v.output()).isZero();
    assertThat(v.output()).contains("\"docker-manifest-digest\":\"" + image.digest() + "\"");
    CosignTool.Result a = verifyAttestation(image, pub);
    assertThat(a.exitCode()).as(a.output()).isZero();
    assertThat(a.output()).contains("\"payloadType\":\"application/vnd.in-toto+json\"");

    for (Storage from : List.of(Storage.TAG, Storage.REFERRER)) {
      Cosign.VerifiedSignature s = cosign.verifySignature(image, key.getPublic(), from);
      assertThat(s.image()).isEqualTo(image.digest());
      assertThat(s.dockerReference()).isEqualTo(image.name());
      assertThat(s.foundIn()).isEqualTo(from);
      Cosign.VerifiedAttestation att =
          cosign.verifyAttestation(image, key.getPublic(), SLSA_V1, from);
      assertThat(att.foundIn()).isEqualTo(from);
      assertThat(new String(att.statement(), StandardCharsets.UTF_8))
          .contains("\"builder\":{\"id\":\"https://cairn.dev/builder/v1\"}");
    }
    // docker-registry 2.8 has no referrers API: the referrers live in the tag schema's index
    OciClient.Referrers refs = oci.referrers(image, null);
    assertThat(refs.fromTagSchema()).isTrue();
    assertThat(refs.descriptors())
        .extracting(Descriptor::artifactType)
        .containsExactlyInAnyOrder(MediaTypes.COSIGN_SIGNATURE_ARTIFACT, MediaTypes.IN_TOTO);
  }

  @Test
  void referrerOnlySignature_cosignFindsIt_onlyWithOci11() throws Exception {
    ImageRef image = push("referrer-only");
    cosign.sign(image, key.getPrivate(), Storage.REFERRER);
    CosignTool.Result legacy = verify(image);
    assertThat(legacy.exitCode()).as(legacy.output()).isNotZero();
    CosignTool.Result oci11 = verify(image, "--experimental-oci11=true");
    assertThat(oci11.exitCode()).as(oci11.output()).isZero();
    assertThat(cosign.verifySignature(image, key.getPublic(), Storage.REFERRER).foundIn())
        .isEqualTo(Storage.REFERRER);
    assertThatThrownBy(() -> cosign.verifySignature(image, key.getPublic(), Storage.TAG))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageStartingWith("signature.missing: no signature of " + image.name());
  }

  @Test
  void tamperedSignature_failsInCosign_andInCairn() throws Exception {
    ImageRef image = push("tampered");
    cosign.sign(image, key.getPrivate(), Storage.TAG);
    assertThat(verify(image).exitCode()).isZero();

    // replace the signature annotation by a valid signature of other bytes
    ImageRef sigTag = image.withTag(OciJson.signatureTag(image.requireDigest()));
    OciJson.ImageManifest m = OciJson.imageManifest(oci.getManifest(sigTag).bytes());
    java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
    s.initSign(key.getPrivate());
    s.update("something else".getBytes(StandardCharsets.UTF_8));
    String forged = java.util.Base64.getEncoder().encodeToString(s.sign());
    Descriptor layer =
        m.layers().get(0).withAnnotations(Map.of(Cosign.SIGNATURE_ANNOTATION, forged));
    OciJson.ImageManifest bad =
        new OciJson.ImageManifest(m.mediaType(), null, m.config(), List.of(layer), null, Map.of());
    oci.putManifest(sigTag, Manifest.of(MediaTypes.OCI_MANIFEST, bad.toJson()));

    CosignTool.Result v = verify(image);
    assertThat(v.exitCode()).as(v.output()).isNotZero();
    assertThatThrownBy(() -> cosign.verifySignature(image, key.getPublic(), Storage.TAG))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessage(
            "signature.invalid: 1 signature of "
                + image.name()
                + "@"
                + image.digest()
                + " found, none verifies under key "
                + CosignKeys.keyId(key.getPublic()))
        .extracting(e -> ((SignatureVerificationException) e).link())
        .isEqualTo("signature.invalid");
  }

  @Test
  void signatureOfAnotherImage_failsInCosign_andInCairn() throws Exception {
    ImageRef a = push("image-a");
    ImageRef b = push("image-b");
    cosign.sign(a, key.getPrivate(), Storage.TAG);
    // copy a's signature manifest to b's signature tag: it verifies, but signs a's digest
    Manifest sigOfA = oci.getManifest(a.withTag(OciJson.signatureTag(a.requireDigest())));
    ImageRef bRepoFromA = ImageRef.parse(REGISTRY.address() + "/cairn/image-b");
    for (Descriptor l : OciJson.imageManifest(sigOfA.bytes()).layers()) {
      oci.pushBlob(bRepoFromA, l.mediaType(), oci.getBlob(a, l.digest()));
    }
    Descriptor cfg = OciJson.imageManifest(sigOfA.bytes()).config();
    oci.pushBlob(bRepoFromA, cfg.mediaType(), oci.getBlob(a, cfg.digest()));
    oci.putManifest(b.withTag(OciJson.signatureTag(b.requireDigest())), sigOfA);

    assertThat(verify(b).exitCode()).isNotZero();
    assertThatThrownBy(() -> cosign.verifySignature(b, key.getPublic(), Storage.TAG))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageStartingWith("signature.digest: a signature of " + b.name())
        .hasMessageContaining("but signs " + a.digest() + ", not " + b.digest());
  }

  @Test
  void attestationUnderAnotherKey_failsInCosign_andInCairn() throws Exception {
    ImageRef image = push("other-key");
    cosign.attest(image, provenance(image), CosignKeys.generate().getPrivate(), Storage.TAG);
    CosignTool.Result a = verifyAttestation(image, pub);
    assertThat(a.exitCode()).as(a.output()).isNotZero();
    assertThatThrownBy(() -> cosign.verifyAttestation(image, key.getPublic(), SLSA_V1, Storage.TAG))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageStartingWith("attestation.invalid: 1 attestation of " + image.name());
    assertThatThrownBy(
            () ->
                cosign.verifyAttestation(
                    image, key.getPublic(), "https://spdx.dev/Document", Storage.REFERRER))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageStartingWith("attestation.missing: no attestation of " + image.name());
  }
}

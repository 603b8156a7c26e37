package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Keys;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.ledger.TrustRoot.BuilderKey;
import dev.cairn.ledger.TrustRoot.BuilderMeasurement;
import dev.cairn.ledger.TrustRoot.PlatformKey;
import dev.cairn.supplychain.Cosign.Storage;
import dev.cairn.supplychain.ImageVerifyRequest.Source;
import dev.cairn.supplychain.ImageVerifyResult.NotVerified;
import dev.cairn.supplychain.ImageVerifyResult.Verified;
import dev.cairn.testing.CosignTool;
import dev.cairn.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image verification against a real docker-registry 2.8 (no referrers API: referrers come from the
 * tag schema) and go-containerregistry's registry (with the OCI 1.1 referrers API), then from the
 * bundle it saved with no registry at all; and an image signed and attested by cosign v2.6.5
 * itself, verified by Cairn.
 */
class ImageVerifierIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();
  @RegisterExtension static final LocalRegistry API = LocalRegistry.referrersApi();
  static final Digest MEASUREMENT = Digest.sha256("attested builder build 7");
  static final String REPO = "https://git.example/team/app";
  static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

  @TempDir static Path dir;
  static KeyPair key;
  static OciClient oci;
  static Cosign cosign;
  static TrustRoot trust;

  /** The simulation TEE the attested builder runs in; its platform key is in the trust roots. */
  static TeeProvider tee;

  @BeforeAll
  static void setUp() throws Exception {
    key = CosignKeys.generate();
    tee = Tees.simulation(CairnHome.of(dir.resolve("tee-home")), Clock.systemUTC());
    oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    cosign = Cosign.using(oci);
    Instant since = Instant.now().minusSeconds(3600);
    trust =
        TrustRoot.empty()
            .withTrusted(new BuilderKey(key.getPublic().getEncoded()), since)
            .withTrusted(new BuilderMeasurement(MEASUREMENT), since)
            .withTrusted(new PlatformKey(Keys.raw(tee.platformKey())), since);
  }

  static ImageRef push(String name) throws Exception {
    return TinyImage.push(oci, ImageRef.parse(REGISTRY.address() + "/cairn/" + name + ":v1"), name);
  }

  /**
   * The attested builder's provenance of {@code image}, signed by the key whose
   * SubjectPublicKeyInfo is {@code spki}, with its evidence from the simulation TEE.
   */
  static Map<String, Object> predicate(ImageRef image, byte[] spki) throws Exception {
    Map<String, Object> builder = new LinkedHashMap<>();
    builder.put("id", "https://cairn.dev/builder/attested/v1");
    builder.put(
        "version",
        Map.of(
            BuilderEvidence.MEASUREMENT_KEY,
            MEASUREMENT.toString(),
            BuilderEvidence.TEE_KEY,
            tee.name()));
    byte[] evidence =
        tee.evidence(
                MEASUREMENT,
                BuilderEvidence.reportData(image.requireDigest(), Digest.sha256(spki), "run-7"))
            .toJson()
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // the same measured builder built the image, in the same run, from the same commit
    byte[] built =
        tee.evidence(
                MEASUREMENT,
                BuilderEvidence.buildReportData(image.requireDigest(), "run-7", COMMIT))
            .toJson()
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return Map.of(
        "buildDefinition",
        Map.of(
            "buildType", "https://cairn.dev/pipeline/run/v1",
            "externalParameters", Map.of("repository", REPO, "ref", "refs/heads/main"),
            "resolvedDependencies",
                List.of(Map.of("uri", "git+" + REPO, "digest", Map.of("gitCommit", COMMIT)))),
        "runDetails",
        Map.of(
            "builder",
            builder,
            "metadata",
            Map.of(
                "invocationId", "run-7", "finishedOn", Instant.now().minusSeconds(10).toString()),
            "byproducts",
            List.of(
                BuilderEvidence.byproduct(evidence),
                BuilderEvidence.byproduct(BuilderEvidence.BUILD_EVIDENCE_NAME, built))));
  }

  static void signAndAttest(ImageRef image, Storage storage) throws Exception {
    cosign.sign(image, key.getPrivate(), storage);
    cosign.attest(
        image,
        Cosign.statement(
            image,
            ImageVerifier.SLSA_PROVENANCE_V1,
            predicate(image, key.getPublic().getEncoded())),
        key.getPrivate(),
        storage);
  }

  static ImageVerifyResult verify(ImageVerifyRequest r) throws Exception {
    return ImageVerifier.create(Clock.systemUTC()).verify(r);
  }

  @Test
  void fromTheRegistry_thenFromTheSavedBundle_withNoRegistry() throws Exception {
    ImageRef image = push("both");
    signAndAttest(image, Storage.BOTH);
    Path bundle = dir.resolve("bundle-both");
    ImageVerifyResult r =
        verify(
            ImageVerifyRequest.of(image, trust, new Source.Registry(oci))
                .withSourceRepository(REPO)
                .withCommit(COMMIT)
                .withSaveBundle(bundle));
    assertThat(r).as(String.valueOf(r)).isInstanceOf(Verified.class);
    Verified v = (Verified) r;
    assertThat(v.links())
        .containsExactly("registry", "signature", "provenance", "builder", "source");
    assertThat(v.signatureFoundIn()).containsExactly("tag", "referrer");
    assertThat(v.build().measurement()).isEqualTo(MEASUREMENT);
    assertThat(v.savedBundle()).isEqualTo(bundle);
    assertThat(bundle.resolve("index.json")).exists();

    // the bundle alone: a client for a registry that is not there is never asked
    ImageVerifyResult offline =
        verify(
            ImageVerifyRequest.of(image, trust, new Source.Bundle(bundle))
                .withSourceRepository(REPO)
                .withCommit(COMMIT));
    assertThat(offline).as(String.valueOf(offline)).isInstanceOf(Verified.class);
    assertThat(((Verified) offline).from()).isEqualTo("bundle " + bundle);
    assertThat(Json.pretty(offline.document(null)))
        .isEqualTo(
            Json.pretty(r.document(null))
                .replace(
                    "\"from\" : \"registry " + REGISTRY.address() + "\"",
                    "\"from\" : \"bundle " + bundle + "\"")
                .replace("\"registry\", \"signature\"", "\"bundle\", \"signature\"")
                .replace(",\n  \"savedBundle\" : \"" + bundle + "\"", ""));
  }

  @Test
  void referrersOnly_andTagsOnly_eachVerify() throws Exception {
    ImageRef refs = push("referrers-only");
    signAndAttest(refs, Storage.REFERRER);
    Verified a = (Verified) verify(ImageVerifyRequest.of(refs, trust, new Source.Registry(oci)));
    assertThat(a.signatureFoundIn()).containsExactly("referrer");
    assertThat(a.provenanceFoundIn()).containsExactly("referrer");
    ImageRef tags = push("tags-only");
    signAndAttest(tags, Storage.TAG);
    Verified b = (Verified) verify(ImageVerifyRequest.of(tags, trust, new Source.Registry(oci)));
    assertThat(b.signatureFoundIn()).containsExactly("tag");
  }

  @Test
  void referrersOnly_onARegistryWithTheReferrersApi_verify_andSaveABundle() throws Exception {
    OciClient api = Registries.builder().allowPlainHttp(API.address()).build();
    Cosign c = Cosign.using(api);
    ImageRef image =
        TinyImage.push(api, ImageRef.parse(API.address() + "/cairn/api:v1"), "referrers api");
    c.sign(image, key.getPrivate(), Storage.REFERRER);
    c.attest(
        image,
        Cosign.statement(
            image,
            ImageVerifier.SLSA_PROVENANCE_V1,
            predicate(image, key.getPublic().getEncoded())),
        key.getPrivate(),
        Storage.REFERRER);
    assertThat(api.referrers(image, null).fromTagSchema()).isFalse();
    Path bundle = dir.resolve("bundle-api");
    ImageVerifyResult r =
        verify(
            ImageVerifyRequest.of(image, trust, new Source.Registry(api))
                .withCommit(COMMIT)
                .withSaveBundle(bundle));
    assertThat(r).as(String.valueOf(r)).isInstanceOf(Verified.class);
    assertThat(((Verified) r).signatureFoundIn()).containsExactly("referrer");
    assertThat(((Verified) r).provenanceFoundIn()).containsExactly("referrer");
    assertThat(
            verify(
                ImageVerifyRequest.of(image, trust, new Source.Bundle(bundle)).withCommit(COMMIT)))
        .isInstanceOf(Verified.class);
  }

  @Test
  void anotherKeysImage_andAnUnreachableRegistry_areNamed() throws Exception {
    ImageRef image = push("other-key");
    KeyPair other = CosignKeys.generate();
    cosign.sign(image, other.getPrivate(), Storage.BOTH);
    ImageVerifyResult r = verify(ImageVerifyRequest.of(image, trust, new Source.Registry(oci)));
    assertThat(((NotVerified) r).link()).isEqualTo("signature");

    OciClient nowhere =
        Registries.builder()
            .allowPlainHttp("127.0.0.1:1")
            .connectTimeout(java.time.Duration.ofSeconds(2))
            .build();
    ImageRef gone = ImageRef.parse("127.0.0.1:1/cairn/app@" + image.digest());
    NotVerified n =
        (NotVerified) verify(ImageVerifyRequest.of(gone, trust, new Source.Registry(nowhere)));
    assertThat(n.link()).isEqualTo("registry");
    assertThat(n.message()).contains("127.0.0.1:1");

    ImageRef absent = image.atDigest(Digest.sha256("never pushed"));
    NotVerified missing =
        (NotVerified) verify(ImageVerifyRequest.of(absent, trust, new Source.Registry(oci)));
    assertThat(missing.link()).isEqualTo("registry");
    assertThat(missing.message())
        .isEqualTo("image " + absent.name() + "@" + absent.digest() + " is not in its registry");
  }

  @Test
  void anImageSignedAndAttestedByCosignItself_verifies() throws Exception {
    Path work = Files.createDirectories(dir.resolve("cosign"));
    Map<String, String> env = Map.of("COSIGN_PASSWORD", "");
    CosignTool.Result gen = CosignTool.cosign(work, env, "generate-key-pair");
    assertThat(gen.exitCode()).as(gen.output()).isZero();
    byte[] spki =
        CosignKeys.readPublicKey(Files.readString(work.resolve("cosign.pub"))).getEncoded();
    ImageRef image = push("by-cosign");
    CosignTool.Result sign =
        CosignTool.cosign(
            work,
            env,
            "sign",
            "--key",
            work.resolve("cosign.key").toString(),
            "--tlog-upload=false",
            "--allow-http-registry=true",
            "--yes",
            image.toString());
    assertThat(sign.exitCode()).as(sign.output()).isZero();
    Path pred = work.resolve("provenance.json");
    Files.writeString(pred, Json.canonical(predicate(image, spki)));
    CosignTool.Result attest =
        CosignTool.cosign(
            work,
            env,
            "attest",
            "--key",
            work.resolve("cosign.key").toString(),
            "--type",
            "slsaprovenance1",
            "--predicate",
            pred.toString(),
            "--tlog-upload=false",
            "--allow-http-registry=true",
            "--yes",
            image.toString());
    assertThat(attest.exitCode()).as(attest.output()).isZero();

    TrustRoot t =
        TrustRoot.empty()
            .withTrusted(new BuilderKey(spki), Instant.now().minusSeconds(3600))
            .withTrusted(new BuilderMeasurement(MEASUREMENT), Instant.now().minusSeconds(3600))
            .withTrusted(
                new PlatformKey(Keys.raw(tee.platformKey())), Instant.now().minusSeconds(3600));
    ImageVerifyResult r =
        verify(ImageVerifyRequest.of(image, t, new Source.Registry(oci)).withCommit(COMMIT));
    assertThat(r).as(String.valueOf(r)).isInstanceOf(Verified.class);
    assertThat(((Verified) r).signatureKey()).isEqualTo(Digest.sha256(spki).toString());
    assertThat(((Verified) r).signatureFoundIn()).containsExactly("tag");
    // Cairn's own key is not cosign's
    assertThat(verify(ImageVerifyRequest.of(image, trust, new Source.Registry(oci))))
        .isInstanceOf(NotVerified.class);
  }
}

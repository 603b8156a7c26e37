package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
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
import dev.cairn.supplychain.internal.OciJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each link of an image verification, with the good fixture and a tampered one beside it. The
 * evidence lives in a real OCI image layout (the bundle format), written by Cosign through the
 * layout client, so nothing here needs a network; ImageVerifierIT does the same against a registry.
 */
class ImageVerifierTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant BUILT = Instant.parse("2026-11-20T10:00:05Z");
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final Digest MEASUREMENT = Digest.sha256("builder build 1");
  static final String REPO = "https://git.example/team/app.git";
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final String BUILDER = "https://cairn.dev/builder/attested/v1";
  static final KeyPair KEY = CosignKeys.generate();
  static final KeyPair OTHER = CosignKeys.generate();

  static final String RUN = "run-1";

  @TempDir Path dir;
  @TempDir Path teeHome;
  OciClient layout;
  ImageRef image;
  Cosign cosign;
  TrustRoot trust;

  /** The simulation TEE the attested builder runs in; its platform key is in the trust root. */
  TeeProvider tee;

  @BeforeEach
  void setUp() throws Exception {
    layout = Registries.layout(dir);
    image = TinyImage.push(layout, ImageRef.parse("registry.test/team/app:v1"), "hello");
    cosign = Cosign.using(layout, Clock.fixed(BUILT, ZoneOffset.UTC));
    tee = Tees.simulation(CairnHome.of(teeHome), Clock.fixed(BUILT, ZoneOffset.UTC));
    trust =
        TrustRoot.empty()
            .withTrusted(builderKey(KEY), T0)
            .withTrusted(new BuilderMeasurement(MEASUREMENT), T0)
            .withTrusted(platformKey(tee), T0);
  }

  static PlatformKey platformKey(TeeProvider t) throws Exception {
    return new PlatformKey(Keys.raw(t.platformKey()));
  }

  /**
   * Evidence JSON from TEE {@code t} of {@code m}, bound to {@code img}, {@code k} and {@code run}.
   */
  static byte[] evidence(TeeProvider t, Digest m, Digest img, KeyPair k, String run)
      throws Exception {
    return t.evidence(m, BuilderEvidence.reportData(img, CosignKeys.keyId(k.getPublic()), run))
        .toJson()
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * SLSA v1 provenance as the attested builder writes it, with the evidence of this image, built
   * with KEY in run RUN, when it names a measurement.
   */
  Map<String, Object> predicate(@Nullable Digest measurement, @Nullable Instant finished)
      throws Exception {
    return predicate(
        measurement,
        finished,
        measurement == null
            ? List.of()
            : List.of(
                BuilderEvidence.byproduct(
                    evidence(tee, measurement, image.requireDigest(), KEY, RUN)),
                buildEvidence(tee, measurement, image.requireDigest(), RUN, COMMIT)));
  }

  /** The build-evidence byproduct from TEE {@code t} of {@code m}, bound to img, run and commit. */
  static Map<String, Object> buildEvidence(
      TeeProvider t, Digest m, Digest img, String run, String commit) throws Exception {
    return BuilderEvidence.byproduct(
        BuilderEvidence.BUILD_EVIDENCE_NAME,
        t.evidence(m, BuilderEvidence.buildReportData(img, run, commit))
            .toJson()
            .getBytes(StandardCharsets.UTF_8));
  }

  static BuilderKey builderKey(KeyPair k) {
    return new BuilderKey(k.getPublic().getEncoded());
  }

  /** SLSA v1 provenance with {@code byproducts} (none: no runDetails.byproducts). */
  static Map<String, Object> predicate(
      @Nullable Digest measurement,
      @Nullable Instant finished,
      List<Map<String, Object>> byproducts) {
    Map<String, Object> external = new LinkedHashMap<>();
    external.put("repository", REPO);
    external.put("ref", "refs/heads/main");
    Map<String, Object> def = new LinkedHashMap<>();
    def.put("buildType", "https://cairn.dev/pipeline/run/v1");
    def.put("externalParameters", external);
    def.put(
        "resolvedDependencies",
        List.of(Map.of("uri", "git+" + REPO, "digest", Map.of("gitCommit", COMMIT))));
    Map<String, Object> builder = new LinkedHashMap<>();
    builder.put("id", BUILDER);
    if (measurement != null) {
      builder.put(
          "version",
          Map.of(
              BuilderEvidence.MEASUREMENT_KEY,
              measurement.toString(),
              BuilderEvidence.TEE_KEY,
              "simulation"));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("invocationId", RUN);
    meta.put("startedOn", "2026-11-20T10:00:00Z");
    if (finished != null) {
      meta.put("finishedOn", finished.toString());
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("builder", builder);
    run.put("metadata", meta);
    if (!byproducts.isEmpty()) {
      run.put("byproducts", byproducts);
    }
    return Map.of("buildDefinition", def, "runDetails", run);
  }

  void signAndAttest(KeyPair sigKey, KeyPair attKey, Map<String, Object> predicate, Storage s)
      throws Exception {
    cosign.sign(image, sigKey.getPrivate(), s);
    cosign.attest(
        image,
        Cosign.statement(image, ImageVerifier.SLSA_PROVENANCE_V1, predicate),
        attKey.getPrivate(),
        s);
  }

  void good() throws Exception {
    signAndAttest(KEY, KEY, predicate(MEASUREMENT, BUILT), Storage.BOTH);
  }

  ImageVerifyRequest request() {
    return ImageVerifyRequest.of(image, trust, new Source.Bundle(dir));
  }

  ImageVerifyResult verify(ImageVerifyRequest r) throws CairnException {
    return ImageVerifier.create(Clock.fixed(NOW, ZoneOffset.UTC)).verify(r);
  }

  NotVerified fails(ImageVerifyRequest r, String link) throws CairnException {
    ImageVerifyResult res = verify(r);
    assertThat(res).isInstanceOf(NotVerified.class);
    NotVerified n = (NotVerified) res;
    assertThat(n.link()).as(n.message()).isEqualTo(link);
    assertThat(n.hint()).isNotBlank();
    return n;
  }

  String keyId(KeyPair k) {
    return CosignKeys.keyId(k.getPublic()).toString();
  }

  String name() {
    return image.name() + "@" + image.digest();
  }

  /** Puts a DSSE envelope of {@code statement} at the image's .att tag, replacing what is there. */
  void putAttestation(byte[] statement, KeyPair k) throws Exception {
    Dsse.Envelope env = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, k.getPrivate(), "");
    putLayer(
        OciJson.attestationTag(image.requireDigest()),
        layout
            .pushBlob(
                image, MediaTypes.DSSE_ENVELOPE, env.toJson().getBytes(StandardCharsets.UTF_8))
            .withAnnotations(Map.of(Cosign.SIGNATURE_ANNOTATION, "")));
  }

  void putLayer(String tag, Descriptor layer) throws Exception {
    Descriptor config =
        layout.pushBlob(image, MediaTypes.OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));
    OciJson.ImageManifest m =
        new OciJson.ImageManifest(
            MediaTypes.OCI_MANIFEST, null, config, List.of(layer), null, Map.of());
    layout.putManifest(image.withTag(tag), Manifest.of(MediaTypes.OCI_MANIFEST, m.toJson()));
  }

  byte[] statementAbout(String hex, Map<String, Object> predicate, String predicateType) {
    return Json.canonical(
            Map.of(
                "_type",
                Cosign.STATEMENT_V1,
                "subject",
                List.of(Map.of("name", image.name(), "digest", Map.of("sha256", hex))),
                "predicateType",
                predicateType,
                "predicate",
                predicate))
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void verify_aGoodImage_holdsEveryLink_andReportsTheBuild() throws Exception {
    good();
    ImageVerifyResult r = verify(request().withSourceRepository(REPO).withCommit(COMMIT));
    assertThat(r).isInstanceOf(Verified.class);
    Verified v = (Verified) r;
    assertThat(v.links()).containsExactly("bundle", "signature", "provenance", "builder", "source");
    assertThat(v.notChecked()).isEmpty();
    assertThat(v.signatureKey()).isEqualTo(keyId(KEY));
    assertThat(v.signatureFoundIn()).containsExactly("tag", "referrer");
    assertThat(v.provenanceFoundIn()).containsExactly("tag", "referrer");
    assertThat(v.from()).isEqualTo("bundle " + dir);
    assertThat(v.unattestedAccepted()).isFalse();
    // the evidence's own TEE, and that it offers no hardware protection, are reported
    assertThat(v.tee()).isEqualTo("simulation");
    assertThat(v.hardwareBacked()).isFalse();
    assertThat(v.build())
        .isEqualTo(
            new ImageVerifyResult.Build(
                BUILDER,
                MEASUREMENT,
                "https://cairn.dev/pipeline/run/v1",
                REPO,
                "refs/heads/main",
                COMMIT,
                Instant.parse("2026-11-20T10:00:00Z"),
                BUILT));
    Map<String, Object> doc = r.document(null);
    assertThat(doc)
        .containsEntry("verified", true)
        .containsEntry("image", name())
        .containsEntry("links", v.links());
    assertThat(Json.pretty(doc))
        .contains("\"measurement\" : \"" + MEASUREMENT + "\"")
        .contains("\"attested\" : true")
        .contains("\"commit\" : \"" + COMMIT + "\"");
  }

  @Test
  void attestations_returnOnlyStatementsAboutTheImageByATrustedBuilderKey() throws Exception {
    good();
    String bom = "https://cyclonedx.org/bom";
    Map<String, Object> sbom = Map.of("bomFormat", "CycloneDX", "specVersion", "1.6");
    cosign.attest(image, Cosign.statement(image, bom, sbom), KEY.getPrivate(), Storage.BOTH);
    // by a key the trust root does not list: left out
    cosign.attest(
        image,
        Cosign.statement(image, bom, Map.of("bomFormat", "forged")),
        OTHER.getPrivate(),
        Storage.TAG);
    Verified v = (Verified) verify(request());
    assertThat(v.attestations(bom))
        .containsExactly(
            new ImageVerifyResult.Attestation(
                bom, keyId(KEY), List.of("tag", "referrer"), Json.canonical(sbom)));
    assertThat(v.attestations("https://cairn.dev/vuln-gate/v1")).isEmpty();
    assertThat(Json.canonical(v.document(null).get("attestations")))
        .isEqualTo(
            Json.canonical(
                List.of(
                    Map.of(
                        "predicateType",
                        bom,
                        "key",
                        keyId(KEY),
                        "foundIn",
                        List.of("tag", "referrer")))));
  }

  @Test
  void verify_withNothingAsked_reportsTheSourceAsNotChecked() throws Exception {
    good();
    Verified v = (Verified) verify(request());
    assertThat(v.links()).containsExactly("bundle", "signature", "provenance", "builder");
    assertThat(v.notChecked()).containsExactly("source repository", "commit");
    assertThat(v.build().repository()).isEqualTo(REPO);
    assertThat(v.build().commit()).isEqualTo(COMMIT);
  }

  @Test
  void signature_bytesFlipped_breaksTheSignatureLink() throws Exception {
    signAndAttest(KEY, KEY, predicate(MEASUREMENT, BUILT), Storage.TAG);
    String tag = OciJson.signatureTag(image.requireDigest());
    OciJson.ImageManifest m = OciJson.imageManifest(layout.getManifest(image.withTag(tag)).bytes());
    Descriptor l = m.layers().get(0);
    byte[] sig = Base64.getDecoder().decode(l.annotations().get(Cosign.SIGNATURE_ANNOTATION));
    sig[sig.length - 1] ^= 1;
    putLayer(
        tag,
        l.withAnnotations(
            Map.of(Cosign.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(sig))));
    assertThat(fails(request(), "signature").message())
        .isEqualTo(
            "1 signature of "
                + name()
                + " found, none verifies under the builder key the trust root lists ("
                + keyId(KEY)
                + ")");
  }

  @Test
  void signature_byAnotherKey_breaksTheSignatureLink() throws Exception {
    signAndAttest(OTHER, KEY, predicate(MEASUREMENT, BUILT), Storage.BOTH);
    assertThat(fails(request(), "signature").message())
        .startsWith("1 signature of " + name() + " found, none verifies under");
  }

  @Test
  void signature_ofAnotherDigest_breaksTheSignatureLink() throws Exception {
    ImageRef other = TinyImage.push(layout, ImageRef.parse("registry.test/team/app:v2"), "other");
    cosign.sign(other, KEY.getPrivate(), Storage.TAG);
    // move the other image's signature to this image's tag: it verifies, but signs another digest
    Manifest sigOfOther =
        layout.getManifest(other.withTag(OciJson.signatureTag(other.requireDigest())));
    layout.putManifest(image.withTag(OciJson.signatureTag(image.requireDigest())), sigOfOther);
    cosign.attest(
        image,
        Cosign.statement(image, ImageVerifier.SLSA_PROVENANCE_V1, predicate(MEASUREMENT, BUILT)),
        KEY.getPrivate(),
        Storage.TAG);
    assertThat(fails(request(), "signature").message())
        .isEqualTo(
            "a signature by builder key "
                + keyId(KEY)
                + " verifies, but signs "
                + other.digest()
                + ", not "
                + image.digest());
  }

  @Test
  void signature_missing_breaksTheSignatureLink() throws Exception {
    cosign.attest(
        image,
        Cosign.statement(image, ImageVerifier.SLSA_PROVENANCE_V1, predicate(MEASUREMENT, BUILT)),
        KEY.getPrivate(),
        Storage.BOTH);
    String hex = image.requireDigest().hex();
    assertThat(fails(request(), "signature").message())
        .isEqualTo(
            "no signature of "
                + name()
                + " in tag sha256-"
                + hex
                + ".sig or referrers of type "
                + MediaTypes.COSIGN_SIGNATURE_ARTIFACT);
  }

  @Test
  void signature_aTrustRootWithNoBuilderKey_saysSo_andNamesTheFix() throws Exception {
    good();
    NotVerified n =
        fails(ImageVerifyRequest.of(image, TrustRoot.empty(), new Source.Bundle(dir)), "signature");
    assertThat(n.message())
        .isEqualTo("1 signature of " + name() + " found, and the trust root lists no builder key");
    assertThat(n.fix()).isNotNull();
    assertThat(n.fix().id()).isEqualTo("verify.no-builder-key");
  }

  @Test
  void signature_keyNotYetTrustedWhenBuilt_breaksTheSignatureLink() throws Exception {
    good();
    Instant later = BUILT.plusSeconds(3600);
    TrustRoot t =
        TrustRoot.empty()
            .withTrusted(builderKey(KEY), later)
            .withTrusted(new BuilderMeasurement(MEASUREMENT), T0);
    assertThat(
            fails(ImageVerifyRequest.of(image, t, new Source.Bundle(dir)), "signature").message())
        .isEqualTo(
            "the image is signed by builder key "
                + keyId(KEY)
                + ", which was trusted only from "
                + later
                + " on; the build finished at "
                + BUILT);
  }

  @Test
  void signature_keyRetiredBeforeTheBuild_breaksTheSignatureLink() throws Exception {
    good();
    Instant compromise = BUILT.minusSeconds(60);
    TrustRoot t = trust.retire(builderKey(KEY), compromise);
    assertThat(
            fails(ImageVerifyRequest.of(image, t, new Source.Bundle(dir)), "signature").message())
        .endsWith(
            "which was trusted only from "
                + T0
                + " until "
                + compromise
                + "; the build finished at "
                + BUILT);
    // built before the compromise: still good
    TrustRoot afterwards = trust.retire(builderKey(KEY), BUILT.plusSeconds(60));
    assertThat(verify(ImageVerifyRequest.of(image, afterwards, new Source.Bundle(dir))))
        .isInstanceOf(Verified.class);
  }

  @Test
  void provenance_byAnotherKey_breaksTheProvenanceLink() throws Exception {
    signAndAttest(KEY, OTHER, predicate(MEASUREMENT, BUILT), Storage.TAG);
    assertThat(fails(request(), "provenance").message())
        .isEqualTo(
            "no SLSA provenance v1 of "
                + name()
                + " signed by a builder key the trust root lists (1 attestation found: 1 signed by"
                + " no builder key the trust root lists)");
  }

  @Test
  void provenance_keyOutsideItsWindow_breaksTheProvenanceLink() throws Exception {
    signAndAttest(KEY, OTHER, predicate(MEASUREMENT, BUILT), Storage.TAG);
    Instant from = BUILT.plusSeconds(1);
    TrustRoot t = trust.withTrusted(builderKey(OTHER), from);
    assertThat(
            fails(ImageVerifyRequest.of(image, t, new Source.Bundle(dir)), "provenance").message())
        .isEqualTo(
            "the provenance is signed by builder key "
                + keyId(OTHER)
                + ", which was trusted only from "
                + from
                + " on; the build finished at "
                + BUILT);
  }

  @Test
  void provenance_envelopeAltered_breaksTheProvenanceLink() throws Exception {
    cosign.sign(image, KEY.getPrivate(), Storage.TAG);
    Dsse.Envelope env =
        Dsse.sign(
            Dsse.IN_TOTO_PAYLOAD_TYPE,
            Cosign.statement(
                image, ImageVerifier.SLSA_PROVENANCE_V1, predicate(MEASUREMENT, BUILT)),
            KEY.getPrivate(),
            "");
    // the payload changed after signing: another commit
    byte[] altered =
        new String(env.payload(), StandardCharsets.UTF_8)
            .replace(COMMIT, "f".repeat(40))
            .getBytes(StandardCharsets.UTF_8);
    Dsse.Envelope forged = new Dsse.Envelope(env.payloadType(), altered, env.signatures());
    putLayer(
        OciJson.attestationTag(image.requireDigest()),
        layout
            .pushBlob(
                image, MediaTypes.DSSE_ENVELOPE, forged.toJson().getBytes(StandardCharsets.UTF_8))
            .withAnnotations(Map.of(Cosign.SIGNATURE_ANNOTATION, "")));
    assertThat(fails(request(), "provenance").message())
        .contains("1 signed by no builder key the trust root lists");
  }

  @Test
  void provenance_subjectDigestChanged_breaksTheProvenanceLink() throws Exception {
    cosign.sign(image, KEY.getPrivate(), Storage.TAG);
    String other = "c".repeat(64);
    putAttestation(
        statementAbout(other, predicate(MEASUREMENT, BUILT), ImageVerifier.SLSA_PROVENANCE_V1),
        KEY);
    assertThat(fails(request(), "provenance").message())
        .isEqualTo(
            "the provenance signed by a trusted builder key is about sha256:"
                + other
                + ", not "
                + image.digest());
  }

  @Test
  void provenance_predicateTypeChanged_breaksTheProvenanceLink() throws Exception {
    cosign.sign(image, KEY.getPrivate(), Storage.TAG);
    cosign.attest(
        image,
        Cosign.statement(image, "https://slsa.dev/provenance/v0.2", predicate(MEASUREMENT, BUILT)),
        KEY.getPrivate(),
        Storage.TAG);
    assertThat(fails(request(), "provenance").message())
        .isEqualTo(
            "no SLSA provenance v1 of "
                + name()
                + " signed by a builder key the trust root lists (1 attestation found: 1 of other"
                + " predicate types (https://slsa.dev/provenance/v0.2))");
  }

  @Test
  void provenance_anotherAttestationBeside_isIgnored() throws Exception {
    good();
    cosign.attest(
        image,
        Cosign.statement(image, "https://cyclonedx.org/bom", Map.of("bomFormat", "CycloneDX")),
        KEY.getPrivate(),
        Storage.BOTH);
    assertThat(verify(request())).isInstanceOf(Verified.class);
  }

  @Test
  void provenance_missing_breaksTheProvenanceLink() throws Exception {
    cosign.sign(image, KEY.getPrivate(), Storage.BOTH);
    assertThat(fails(request(), "provenance").message())
        .isEqualTo(
            "no attestation of "
                + name()
                + " in tag sha256-"
                + image.requireDigest().hex()
                + ".att or referrers of type "
                + MediaTypes.IN_TOTO);
  }

  @Test
  void provenance_malformed_namesTheField() throws Exception {
    signAndAttest(KEY, KEY, predicate(MEASUREMENT, null), Storage.TAG);
    assertThat(fails(request(), "provenance").message())
        .isEqualTo(
            "the SLSA provenance is not well-formed: predicate.runDetails.metadata.finishedOn is"
                + " missing: without the build's time, whether its keys were trusted then cannot"
                + " be judged");
    Map<String, Object> noBuilder = new LinkedHashMap<>(predicate(MEASUREMENT, BUILT));
    noBuilder.put("runDetails", Map.of("metadata", Map.of("finishedOn", BUILT.toString())));
    putAttestation(
        statementAbout(image.requireDigest().hex(), noBuilder, ImageVerifier.SLSA_PROVENANCE_V1),
        KEY);
    assertThat(fails(request(), "provenance").message())
        .isEqualTo(
            "the SLSA provenance is not well-formed: predicate.runDetails.builder is missing or"
                + " not an object");
  }

  @Test
  void provenance_statementType_isV1OrCosignsV01_nothingElse() throws Exception {
    cosign.sign(image, KEY.getPrivate(), Storage.TAG);
    String v1 =
        new String(
            statementAbout(
                image.requireDigest().hex(),
                predicate(MEASUREMENT, BUILT),
                ImageVerifier.SLSA_PROVENANCE_V1),
            StandardCharsets.UTF_8);
    putAttestation(
        v1.replace(Cosign.STATEMENT_V1, "https://in-toto.io/Statement/v0.1")
            .getBytes(StandardCharsets.UTF_8),
        KEY);
    assertThat(verify(request())).isInstanceOf(Verified.class);
    putAttestation(
        v1.replace(Cosign.STATEMENT_V1, "https://in-toto.io/Statement/v9")
            .getBytes(StandardCharsets.UTF_8),
        KEY);
    assertThat(fails(request(), "provenance").message())
        .isEqualTo(
            "the statement's _type is https://in-toto.io/Statement/v9, not " + Cosign.STATEMENT_V1);
  }

  @Test
  void provenance_finishedInTheFuture_breaksTheProvenanceLink() throws Exception {
    Instant future = NOW.plus(ImageVerifier.CLOCK_SKEW).plusSeconds(1);
    signAndAttest(KEY, KEY, predicate(MEASUREMENT, future), Storage.TAG);
    assertThat(fails(request(), "provenance").message())
        .isEqualTo(
            "the provenance says the build finished at "
                + future
                + ", in the future (now "
                + NOW
                + ")");
  }

  @Test
  void builder_measurementNotTrusted_breaksTheBuilderLink() throws Exception {
    Digest unknown = Digest.sha256("a builder nobody approved");
    signAndAttest(KEY, KEY, predicate(unknown, BUILT), Storage.TAG);
    assertThat(fails(request(), "builder").message())
        .isEqualTo("builder measurement " + unknown + " is not one the trust root approves");
  }

  @Test
  void builder_measurementRetiredBeforeTheBuild_breaksTheBuilderLink() throws Exception {
    good();
    Instant retired = BUILT.minusSeconds(1);
    TrustRoot t = trust.retire(new BuilderMeasurement(MEASUREMENT), retired);
    assertThat(fails(ImageVerifyRequest.of(image, t, new Source.Bundle(dir)), "builder").message())
        .isEqualTo(
            "the builder's attestation evidence was issued at "
                + BUILT
                + " on builder measurement "
                + MEASUREMENT
                + ", which was approved only from "
                + T0
                + " until "
                + retired);
  }

  @Test
  void builder_unattested_isRefusedByDefault_andAcceptedOnlyWhenTheTrustRootSaysSo()
      throws Exception {
    signAndAttest(KEY, KEY, predicate(null, BUILT), Storage.TAG);
    NotVerified n = fails(request(), "builder");
    assertThat(n.message())
        .isEqualTo(
            "builder "
                + BUILDER
                + " names no measurement (runDetails.builder.version[\"cairn.dev/measurement\"]):"
                + " it is unattested, its key held outside any TEE, and the trust root does not"
                + " accept unattested builders");
    assertThat(n.fix()).isNotNull();
    assertThat(n.fix().id()).isEqualTo("verify.unattested-builder");
    ImageVerifyResult r =
        verify(
            ImageVerifyRequest.of(
                image, trust.withUnattestedBuildersAccepted(true), new Source.Bundle(dir)));
    assertThat(r).isInstanceOf(Verified.class);
    assertThat(((Verified) r).unattestedAccepted()).isTrue();
    assertThat(((Verified) r).build().measurement()).isNull();
    assertThat(Json.pretty(r.document(null))).contains("\"attested\" : false");
  }

  @Test
  void builder_malformedMeasurement_isNotTakenForUnattested() throws Exception {
    Map<String, Object> p = predicate(null, BUILT);
    putAttestation(statementAbout(image.requireDigest().hex(), p, "x"), KEY);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put(
        "builder",
        Map.of("id", BUILDER, "version", Map.of(ImageVerifier.MEASUREMENT_KEY, "md5:abc")));
    run.put("metadata", Map.of("finishedOn", BUILT.toString()));
    Map<String, Object> bad = new LinkedHashMap<>(p);
    bad.put("runDetails", run);
    cosign.sign(image, KEY.getPrivate(), Storage.TAG);
    putAttestation(
        statementAbout(image.requireDigest().hex(), bad, ImageVerifier.SLSA_PROVENANCE_V1), KEY);
    assertThat(
            fails(
                    ImageVerifyRequest.of(
                        image, trust.withUnattestedBuildersAccepted(true), new Source.Bundle(dir)),
                    "provenance")
                .message())
        .isEqualTo(
            "the SLSA provenance is not well-formed: predicate.runDetails.builder.version"
                + "[\"cairn.dev/measurement\"] is md5:abc, not sha256:<64 hex digits>");
  }

  @Test
  void builder_anotherBuilderIdThanAsked_breaksTheBuilderLink() throws Exception {
    good();
    assertThat(fails(request().withBuilderId("https://ci.example/builder"), "builder").message())
        .isEqualTo("the provenance names builder " + BUILDER + ", not https://ci.example/builder");
    assertThat(verify(request().withBuilderId(BUILDER))).isInstanceOf(Verified.class);
  }

  /** "builder B claims measurement M, but ": how every evidence failure begins. */
  static String claims(Digest m) {
    return "builder " + BUILDER + " claims measurement " + m + ", but ";
  }

  /**
   * Signs the image with KEY and attests a provenance claiming MEASUREMENT with {@code byproducts}.
   */
  void attestWith(List<Map<String, Object>> byproducts) throws Exception {
    signAndAttest(KEY, KEY, predicate(MEASUREMENT, BUILT, byproducts), Storage.TAG);
  }

  String boundElsewhere(KeyPair signer) {
    return claims(MEASUREMENT)
        + "its attestation evidence is bound to another image, builder key or run (its report"
        + " data is not"
        + " that of "
        + image.requireDigest()
        + ", builder key "
        + keyId(signer)
        + " and run "
        + RUN
        + ")";
  }

  @Test
  void builder_attestedWithItsEvidence_verifies() throws Exception {
    good();
    ImageVerifyResult r = verify(request());
    assertThat(r).as(r.toString()).isInstanceOf(Verified.class);
    assertThat(((Verified) r).build().measurement()).isEqualTo(MEASUREMENT);
    assertThat(((Verified) r).unattestedAccepted()).isFalse();
  }

  @Test
  void builder_claimedMeasurementWithoutEvidence_breaksTheBuilderLink() throws Exception {
    attestWith(List.of());
    NotVerified n = fails(request(), "builder");
    assertThat(n.message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "the provenance carries no attestation evidence (no runDetails.byproducts entry"
                + " named attestation-evidence)");
    assertThat(n.hint()).contains("a plain builder key cannot claim one");
    assertThat(n.fix()).isNotNull();
    assertThat(n.fix().id()).isEqualTo("verify.builder-evidence");
    // even a trust root that accepts unattested builders does not accept an unbacked claim
    fails(
        ImageVerifyRequest.of(
            image, trust.withUnattestedBuildersAccepted(true), new Source.Bundle(dir)),
        "builder");
  }

  @Test
  void builder_evidenceNotMatchingItsDigest_breaksTheBuilderLink() throws Exception {
    Map<String, Object> bp =
        new LinkedHashMap<>(
            BuilderEvidence.byproduct(evidence(tee, MEASUREMENT, image.requireDigest(), KEY, RUN)));
    byte[] swapped = evidence(tee, MEASUREMENT, image.requireDigest(), KEY, "run-2");
    bp.put("content", Base64.getEncoder().encodeToString(swapped));
    attestWith(List.of(bp));
    assertThat(fails(request(), "builder").message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "its attestation evidence is "
                + Digest.sha256(swapped)
                + ", not the "
                + "sha256:"
                + ((Map<?, ?>) bp.get("digest")).get("sha256")
                + " the provenance names (altered?)");
  }

  @Test
  void builder_evidenceAlteredAfterSigning_breaksTheBuilderLink() throws Exception {
    Digest other = Digest.sha256("another builder build");
    String json =
        new String(evidence(tee, other, image.requireDigest(), KEY, RUN), StandardCharsets.UTF_8)
            .replace(other.hex(), MEASUREMENT.hex());
    attestWith(List.of(BuilderEvidence.byproduct(json.getBytes(StandardCharsets.UTF_8))));
    assertThat(fails(request(), "builder").message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "its attestation evidence signature is invalid (evidence altered after signing)");
  }

  @Test
  void builder_evidenceUnreadable_breaksTheBuilderLink() throws Exception {
    attestWith(
        List.of(BuilderEvidence.byproduct("{\"provider\":1}".getBytes(StandardCharsets.UTF_8))));
    assertThat(fails(request(), "builder").message())
        .startsWith(claims(MEASUREMENT) + "its unreadable attestation evidence: ");
  }

  @Test
  void builder_evidenceOfAnotherMediaType_breaksTheBuilderLink() throws Exception {
    Map<String, Object> bp =
        new LinkedHashMap<>(
            BuilderEvidence.byproduct(evidence(tee, MEASUREMENT, image.requireDigest(), KEY, RUN)));
    bp.put("mediaType", "application/json");
    attestWith(List.of(bp));
    assertThat(fails(request(), "builder").message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "its attestation evidence has media type application/json, not "
                + BuilderEvidence.EVIDENCE_MEDIA_TYPE);
  }

  @Test
  void builder_evidenceByAPlatformKeyNotTrusted_breaksTheBuilderLink(@TempDir Path elsewhere)
      throws Exception {
    TeeProvider foreign =
        Tees.simulation(CairnHome.of(elsewhere), Clock.fixed(BUILT, ZoneOffset.UTC));
    attestWith(
        List.of(
            BuilderEvidence.byproduct(
                evidence(foreign, MEASUREMENT, image.requireDigest(), KEY, RUN))));
    assertThat(fails(request(), "builder").message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "its attestation evidence is signed by platform key "
                + platformKey(foreign).keyId()
                + ", which the trust root does not list");
  }

  @Test
  void builder_evidenceByAPlatformKeyRetiredBeforeTheBuild_breaksTheBuilderLink() throws Exception {
    good();
    Instant retired = BUILT.minusSeconds(1);
    TrustRoot t = trust.retire(platformKey(tee), retired);
    assertThat(fails(ImageVerifyRequest.of(image, t, new Source.Bundle(dir)), "builder").message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "its attestation evidence is signed by platform key "
                + platformKey(tee).keyId()
                + ", which was trusted only from "
                + T0
                + " until "
                + retired
                + "; the evidence was issued at "
                + BUILT);
  }

  @Test
  void builder_evidenceOfAnotherMeasurementThanClaimed_breaksTheBuilderLink() throws Exception {
    // a builder measured as `measured` claims the approved MEASUREMENT
    Digest measured = Digest.sha256("a builder nobody approved");
    attestWith(
        List.of(
            BuilderEvidence.byproduct(evidence(tee, measured, image.requireDigest(), KEY, RUN))));
    assertThat(fails(request(), "builder").message())
        .isEqualTo(claims(MEASUREMENT) + "its attestation evidence is of measurement " + measured);
  }

  @Test
  void builder_evidenceBoundToAnotherImage_breaksTheBuilderLink() throws Exception {
    attestWith(
        List.of(
            BuilderEvidence.byproduct(
                evidence(tee, MEASUREMENT, Digest.sha256("another image"), KEY, RUN))));
    assertThat(fails(request(), "builder").message()).isEqualTo(boundElsewhere(KEY));
  }

  @Test
  void builder_evidenceBoundToAnotherKey_breaksTheBuilderLink() throws Exception {
    // the attack the evidence closes: a plain builder key's holder copies the attested builder's
    // evidence (bound to KEY) into its own provenance, signed by OTHER
    TrustRoot t = trust.withTrusted(builderKey(OTHER), T0);
    cosign.sign(image, OTHER.getPrivate(), Storage.TAG);
    cosign.attest(
        image,
        Cosign.statement(image, ImageVerifier.SLSA_PROVENANCE_V1, predicate(MEASUREMENT, BUILT)),
        OTHER.getPrivate(),
        Storage.TAG);
    assertThat(fails(ImageVerifyRequest.of(image, t, new Source.Bundle(dir)), "builder").message())
        .isEqualTo(boundElsewhere(OTHER));
  }

  @Test
  void builder_evidenceBoundToAnotherRun_breaksTheBuilderLink() throws Exception {
    attestWith(
        List.of(
            BuilderEvidence.byproduct(
                evidence(tee, MEASUREMENT, image.requireDigest(), KEY, "run-2"))));
    assertThat(fails(request(), "builder").message()).isEqualTo(boundElsewhere(KEY));
  }

  /** The signing builder's evidence of this image, KEY and RUN, with {@code build} beside it. */
  List<Map<String, Object>> signedAnd(Map<String, Object> build) throws Exception {
    return List.of(
        BuilderEvidence.byproduct(evidence(tee, MEASUREMENT, image.requireDigest(), KEY, RUN)),
        build);
  }

  @Test
  void builder_signedButNoEvidenceOfAMeasuredBuild_breaksTheBuilderLink() throws Exception {
    // a measured builder signed an image it did not build (built outside, then handed in)
    attestWith(
        List.of(
            BuilderEvidence.byproduct(
                evidence(tee, MEASUREMENT, image.requireDigest(), KEY, RUN))));
    NotVerified n = fails(request(), "builder");
    assertThat(n.message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "the provenance carries no build evidence (no runDetails.byproducts entry named"
                + " build-evidence)");
    assertThat(n.fix().id()).isEqualTo("verify.builder-evidence");
  }

  @Test
  void builder_buildEvidenceOfAnotherCommit_breaksTheBuilderLink() throws Exception {
    String other = "fedcba9876543210fedcba9876543210fedcba98";
    attestWith(signedAnd(buildEvidence(tee, MEASUREMENT, image.requireDigest(), RUN, other)));
    assertThat(fails(request(), "builder").message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "its build evidence is bound to another image, run or commit (its report data is"
                + " not that of "
                + image.requireDigest()
                + ", run "
                + RUN
                + " and commit "
                + COMMIT
                + ")");
  }

  @Test
  void builder_buildEvidenceOfAnotherImage_breaksTheBuilderLink() throws Exception {
    attestWith(
        signedAnd(buildEvidence(tee, MEASUREMENT, Digest.sha256("another image"), RUN, COMMIT)));
    assertThat(fails(request(), "builder").message())
        .startsWith(claims(MEASUREMENT) + "its build evidence is bound to another image");
  }

  @Test
  void builder_builtByAnotherMeasurementThanSigned_breaksTheBuilderLink() throws Exception {
    // a trusted measurement signs what another (approved or not) measured builder built
    Digest builtBy = Digest.sha256("another builder");
    attestWith(signedAnd(buildEvidence(tee, builtBy, image.requireDigest(), RUN, COMMIT)));
    assertThat(fails(request(), "builder").message())
        .isEqualTo(claims(MEASUREMENT) + "its build evidence is of measurement " + builtBy);
  }

  @Test
  void builder_buildEvidenceFromAnUntrustedPlatform_breaksTheBuilderLink(@TempDir Path elsewhere)
      throws Exception {
    TeeProvider foreign =
        Tees.simulation(CairnHome.of(elsewhere), Clock.fixed(BUILT, ZoneOffset.UTC));
    attestWith(signedAnd(buildEvidence(foreign, MEASUREMENT, image.requireDigest(), RUN, COMMIT)));
    assertThat(fails(request(), "builder").message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "its build evidence is signed by platform key "
                + platformKey(foreign).keyId()
                + ", which the trust root does not list");
  }

  @Test
  void builder_windowsAreJudgedWhenThePlatformSigned_notWhenTheProvenanceClaims() throws Exception {
    // the provenance claims a finish inside the measurement's window, but the platform signed
    // the evidence after the measurement was retired: the platform's time decides
    Instant retired = BUILT.minusSeconds(60);
    TrustRoot t = trust.retire(new BuilderMeasurement(MEASUREMENT), retired);
    signAndAttest(
        KEY,
        KEY,
        predicate(
            MEASUREMENT,
            retired.minusSeconds(10),
            List.of(
                BuilderEvidence.byproduct(
                    evidence(tee, MEASUREMENT, image.requireDigest(), KEY, RUN)),
                buildEvidence(tee, MEASUREMENT, image.requireDigest(), RUN, COMMIT))),
        Storage.TAG);
    assertThat(fails(ImageVerifyRequest.of(image, t, new Source.Bundle(dir)), "builder").message())
        .startsWith("the builder's attestation evidence was issued at " + BUILT);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> metadata(Map<String, Object> predicate) {
    return (Map<String, Object>)
        ((Map<String, Object>) predicate.get("runDetails")).get("metadata");
  }

  @Test
  void builder_runIdSpelledAsCosignWritesIt_verifies() throws Exception {
    // cosign attest re-encodes the predicate with in-toto-golang, which writes invocationID
    Map<String, Object> p = predicate(MEASUREMENT, BUILT);
    metadata(p).put("invocationID", metadata(p).remove("invocationId"));
    signAndAttest(KEY, KEY, p, Storage.TAG);
    assertThat(verify(request())).isInstanceOf(Verified.class);
  }

  @Test
  void builder_evidenceWithoutARunId_breaksTheBuilderLink() throws Exception {
    Map<String, Object> p = predicate(MEASUREMENT, BUILT);
    metadata(p).remove("invocationId");
    signAndAttest(KEY, KEY, p, Storage.TAG);
    assertThat(fails(request(), "builder").message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "the provenance names no runDetails.metadata.invocationId, which its evidence"
                + " binds");
  }

  @Test
  void builder_evidenceFromAnotherTeeThanNamed_breaksTheBuilderLink() throws Exception {
    Map<String, Object> p = predicate(MEASUREMENT, BUILT);
    @SuppressWarnings("unchecked")
    Map<String, Object> builder =
        (Map<String, Object>) ((Map<String, Object>) p.get("runDetails")).get("builder");
    builder.put(
        "version",
        Map.of(
            BuilderEvidence.MEASUREMENT_KEY,
            MEASUREMENT.toString(),
            BuilderEvidence.TEE_KEY,
            "sgx-dcap"));
    signAndAttest(KEY, KEY, p, Storage.TAG);
    assertThat(fails(request(), "builder").message())
        .isEqualTo(
            claims(MEASUREMENT)
                + "it names TEE sgx-dcap while its attestation evidence comes from simulation");
  }

  @Test
  void source_anotherRepository_breaksTheSourceLink() throws Exception {
    good();
    NotVerified n = fails(request().withSourceRepository("https://git.example/evil/app"), "source");
    assertThat(n.message())
        .isEqualTo("the image was built from " + REPO + ", not https://git.example/evil/app");
    // the same repository written another way is the same
    assertThat(
            verify(
                request()
                    .withSourceRepository("git+https://GIT.example/team/app@refs/heads/main")
                    .withCommit(COMMIT)))
        .isInstanceOf(Verified.class);
  }

  @Test
  void source_anotherCommit_breaksTheSourceLink() throws Exception {
    good();
    String other = "f".repeat(40);
    NotVerified n = fails(request().withSourceRepository(REPO).withCommit(other), "source");
    assertThat(n.message())
        .isEqualTo("the image was built from commit " + COMMIT + ", not " + other);
    assertThat(n.fix()).isNotNull();
    assertThat(n.fix().id()).isEqualTo("verify.commit-mismatch");
  }

  @Test
  void source_aProvenanceWithoutACommit_failsWhenOneIsAsked() throws Exception {
    // a working tree's build: its build evidence binds no commit either
    Map<String, Object> p =
        new LinkedHashMap<>(
            predicate(
                MEASUREMENT,
                BUILT,
                signedAnd(buildEvidence(tee, MEASUREMENT, image.requireDigest(), RUN, ""))));
    Map<String, Object> def =
        new LinkedHashMap<>(
            Map.of(
                "buildType",
                "https://cairn.dev/pipeline/run/v1",
                "externalParameters",
                Map.of("repository", REPO)));
    p.put("buildDefinition", def);
    signAndAttest(KEY, KEY, p, Storage.TAG);
    assertThat(fails(request().withCommit(COMMIT), "source").message())
        .isEqualTo("the provenance names no commit, so it cannot be " + COMMIT);
  }

  @Test
  void request_commitsAreWhole_andImagesByDigest() {
    assertThatThrownBy(() -> ImageVerifyRequest.commit("abc123"))
        .isInstanceOf(CairnException.class)
        .hasMessage("commit abc123 is not a full commit id (40 or 64 hex digits)");
    assertThatThrownBy(() -> ImageVerifyRequest.image("registry.test/app:v1"))
        .isInstanceOf(CairnException.class)
        .hasMessage(
            "image registry.test/app:v1 has no digest: an image is verified by digest, never by"
                + " tag");
    assertThat(ImageVerifier.normalize("git+https://Git.Example/app.git@refs/heads/main"))
        .isEqualTo("https://git.example/app");
  }

  @Test
  void bundle_ofAnotherImage_missingOrAltered_breaksTheBundleLink(@TempDir Path elsewhere)
      throws Exception {
    good();
    ImageRef other = image.atDigest(Digest.sha256("an image this bundle does not hold"));
    assertThat(
            fails(ImageVerifyRequest.of(other, trust, new Source.Bundle(dir)), "bundle").message())
        .isEqualTo(
            "bundle "
                + dir
                + " holds no manifest "
                + other.digest()
                + ": it is a bundle of another image");
    Path none = elsewhere.resolve("none");
    assertThat(
            fails(ImageVerifyRequest.of(image, trust, new Source.Bundle(none)), "bundle").message())
        .isEqualTo("there is no bundle directory " + none);
    // alter the signature payload in place
    Path blobs = dir.resolve("blobs/sha256");
    Path payload;
    try (var s = Files.list(blobs)) {
      payload =
          s.filter(
                  p -> {
                    try {
                      return Files.readString(p).contains("docker-manifest-digest");
                    } catch (java.io.IOException e) {
                      return false;
                    }
                  })
              .findFirst()
              .orElseThrow();
    }
    Files.writeString(payload, Files.readString(payload).replace("critical", "Critical"));
    NotVerified n = fails(request(), "bundle");
    assertThat(n.message())
        .isEqualTo(
            "blob sha256:"
                + payload.getFileName()
                + " in bundle "
                + dir
                + " does not match its digest (altered?)");
  }

  @Test
  void saveBundle_writesWhatWasRead_andTheBundleVerifiesOnItsOwn(@TempDir Path out)
      throws Exception {
    good();
    Path saved = out.resolve("bundle");
    ImageVerifyResult r =
        verify(
            ImageVerifyRequest.of(image, trust, new Source.Registry(layout))
                .withSaveBundle(saved)
                .withCommit(COMMIT));
    assertThat(r).isInstanceOf(Verified.class);
    assertThat(((Verified) r).savedBundle()).isEqualTo(saved);
    assertThat(((Verified) r).from()).isEqualTo("registry registry.test");
    assertThat(Files.readString(saved.resolve("oci-layout")))
        .isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
    ImageVerifyResult again =
        verify(ImageVerifyRequest.of(image, trust, new Source.Bundle(saved)).withCommit(COMMIT));
    assertThat(again).isInstanceOf(Verified.class);
    assertThat(((Verified) again).signatureFoundIn()).containsExactly("tag", "referrer");
    // never into a directory that holds something, and never when the verification failed
    assertThatThrownBy(
            () ->
                verify(
                    ImageVerifyRequest.of(image, trust, new Source.Registry(layout))
                        .withSaveBundle(saved)))
        .isInstanceOf(CairnException.class)
        .hasMessage("cannot save a bundle in " + saved + ": the directory is not empty");
    Path notSaved = out.resolve("failed");
    ImageVerifyResult failed =
        verify(
            ImageVerifyRequest.of(image, TrustRoot.empty(), new Source.Registry(layout))
                .withSaveBundle(notSaved));
    assertThat(failed).isInstanceOf(NotVerified.class);
    assertThat(notSaved).doesNotExist();
  }

  @Test
  void statements_ofAPredicateType_areThoseATrustedBuilderKeySignedAboutThisDigest()
      throws Exception {
    good();
    String type = "https://cairn.dev/vuln-gate/v1";
    cosign.attest(
        image, Cosign.statement(image, type, Map.of("n", 1L)), KEY.getPrivate(), Storage.REFERRER);
    cosign.attest(
        image,
        Cosign.statement(image, type, Map.of("n", 2L)),
        OTHER.getPrivate(),
        Storage.REFERRER);
    // signed by the trusted key, but about another digest (replaces the .att tag's provenance;
    // its referrer stays)
    putAttestation(statementAbout("ab".repeat(32), Map.of("n", 3L), type), KEY);
    Verified v = (Verified) verify(request());
    assertThat(v.attestations(type))
        .singleElement()
        .satisfies(
            a ->
                assertThat(String.valueOf(Json.parseObject(a.predicate()).get("n")))
                    .isEqualTo("1"));
    assertThat(v.attestations())
        .filteredOn(a -> a.predicateType().equals(type))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.key()).isEqualTo(keyId(KEY));
              assertThat(a.foundIn()).containsExactly("referrer");
            });
    assertThat(v.untrustedTypes()).containsExactly(type);
    assertThat(v.attestations("https://example.test/other/v1")).isEmpty();
  }

  @Test
  void statements_ofAKeyRetiredBeforeTheBuildFinished_areNotTrusted() throws Exception {
    good();
    String type = "https://cairn.dev/vuln-gate/v1";
    cosign.attest(
        image,
        Cosign.statement(image, type, Map.of("n", 1L)),
        OTHER.getPrivate(),
        Storage.REFERRER);
    trust =
        trust
            .withTrusted(builderKey(OTHER), T0)
            .retire(builderKey(OTHER), BUILT.minus(java.time.Duration.ofDays(1)));
    Verified v = (Verified) verify(request());
    assertThat(v.attestations(type)).isEmpty();
    assertThat(v.untrustedTypes()).containsExactly(type);
  }
}

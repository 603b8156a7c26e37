package dev.cairn.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.attest.internal.SimulationProvider;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A builder's ECDSA P-256 key ({@code kind: p256}): generated or supplied, released only to the
 * measured builder, published as SubjectPublicKeyInfo with the builder's measurements, never shown.
 */
class BuilderKeyTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
  static final String POLICY =
      """
      name: cairn-build
      version: 1
      services:
        - name: builder
          measurements: [%s]
          command: [cairn-builder-workload, --signing-key, "$$CAIRN::builder-key$$"]
      secrets:
        - {name: builder-key, kind: p256, services: [builder]}
      """;

  @TempDir Path tmp;
  SimulationProvider tee;
  Digest measurement;
  AttestationService service;

  @BeforeEach
  void setUp() throws Exception {
    tee = new SimulationProvider(dev.cairn.core.CairnHome.of(tmp.resolve("home")), CLOCK);
    measurement =
        tee.measure(
            new LaunchSpec(
                List.of(Files.writeString(tmp.resolve("builder.jar"), "code")),
                Digest.sha256(new byte[0]),
                List.of("cairn-builder-workload"),
                Map.of()));
    service = AttestationService.open(tmp.resolve("cas"), List.of(tee.platformKey()), CLOCK);
    service.install(Policies.parse("p.yaml", POLICY.formatted(measurement), tmp));
  }

  private PrivateKey released(Digest as) throws Exception {
    EnclaveKey key = EnclaveKey.generate();
    AttestationService.Challenge c = service.challenge("cairn-build", "builder");
    Evidence e = tee.evidence(as, Attestations.reportData(c.nonce(), key.publicKey()));
    AttestationService.Release r =
        service.release("cairn-build", "builder", c.nonce(), e, key.publicKey());
    SecretInjection.Injected i =
        SecretInjection.inject(
            r.command(), r.env(), Map.of("builder-key", key.open(r.secrets().get(0))));
    byte[] der = Base64.getDecoder().decode(i.option("--signing-key").orElseThrow().bytes());
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  private static boolean signsFor(PrivateKey key, byte[] spki) throws Exception {
    PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update("payload".getBytes());
    byte[] sig = s.sign();
    s.initVerify(pub);
    s.update("payload".getBytes());
    return s.verify(sig);
  }

  @Test
  void generatedKey_isReleasedToTheMeasuredBuilder_andPublishedWithItsMeasurements()
      throws Exception {
    PublishedTrust t = service.published("cairn-build", "builder", "builder-key", "");
    assertThat(t.isBuilder()).isTrue();
    assertThat(t.builderMeasurements()).containsExactly(measurement);
    assertThat(t.signingKey()).isEmpty();
    assertThat(signsFor(released(measurement), t.builderKey())).isTrue();

    PublishedTrust back = PublishedTrust.parse(t.toJson());
    assertThat(back.builderKey()).isEqualTo(t.builderKey());
    assertThat(back.builderMeasurements()).containsExactly(measurement);
    assertThat(back.policy()).isEqualTo(t.policy());
  }

  @Test
  void anotherMeasurement_isRefusedTheKey_namingIt() throws Exception {
    Digest other = Digest.sha256("another builder");
    assertThatThrownBy(() -> released(other))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("measurement " + other + " is not allowed by the attestation policy");
  }

  @Test
  void suppliedKey_replacesTheGeneratedOne_isReleasedAndPublished_andNeverShown() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair mine = g.generateKeyPair();
    Secret pkcs8 = Secret.of(mine.getPrivate().getEncoded());
    assertThat(service.supply("cairn-build", "builder-key", pkcs8)).isTrue();
    assertThat(service.supply("cairn-build", "builder-key", pkcs8)).isFalse();
    PublishedTrust t = service.published("cairn-build", "builder", "builder-key", "");
    assertThat(t.builderKey()).isEqualTo(mine.getPublic().getEncoded());
    assertThat(signsFor(released(measurement), mine.getPublic().getEncoded())).isTrue();

    String b64 = Base64.getEncoder().encodeToString(mine.getPrivate().getEncoded());
    String shown = String.join("\n", service.auditLog()) + t + t.toJson();
    assertThat(shown).doesNotContain(b64).contains("secret-supply");
  }

  @Test
  void aCrashBetweenTheKeysTwoFiles_isRepaired_thePrivateOneIsTheTruth() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair mine = g.generateKeyPair();
    byte[] before = service.published("cairn-build", "builder", "builder-key", "").builderKey();
    // what a crash after the private file's rename and before the public file's leaves: the
    // supplied private key, the generated key's public half
    Path secrets = tmp.resolve("cas/sessions/cairn-build/secrets");
    dev.cairn.core.AtomicFiles.write(
        secrets.resolve("builder-key"),
        Base64.getEncoder().encode(mine.getPrivate().getEncoded()),
        true);
    assertThat(Files.readString(secrets.resolve("builder-key.pub")).strip())
        .isEqualTo(Base64.getEncoder().encodeToString(before));
    AttestationService reopened =
        AttestationService.open(tmp.resolve("cas"), List.of(tee.platformKey()), CLOCK);
    PublishedTrust t = reopened.published("cairn-build", "builder", "builder-key", "");
    assertThat(t.builderKey()).isEqualTo(mine.getPublic().getEncoded());
    assertThat(Files.readString(secrets.resolve("builder-key.pub")).strip())
        .as("the public file is repaired")
        .isEqualTo(Base64.getEncoder().encodeToString(mine.getPublic().getEncoded()));
  }

  @Test
  void suppliedKey_ofAnotherKind_isRefusedWithoutShowingIt() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    byte[] p384 = g.generateKeyPair().getPrivate().getEncoded();
    String b64 = Base64.getEncoder().encodeToString(p384);
    assertThatThrownBy(() -> service.supply("cairn-build", "builder-key", Secret.of(p384)))
        .isInstanceOf(AttestationException.class)
        .hasMessage("the key supplied for builder-key is not an ECDSA P-256 private key")
        .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain(b64));
    byte[] junk = "not a key at all".getBytes();
    assertThatThrownBy(() -> service.supply("cairn-build", "builder-key", Secret.of(junk)))
        .hasMessageNotContaining("not a key at all");
    assertThatThrownBy(() -> service.supply("cairn-build", "nope", Secret.of(junk)))
        .hasMessage("no p256 or supplied secret nope in session cairn-build to supply");
  }

  @Test
  void scannerTrust_readsAsBefore_withoutBuilderFields() throws Exception {
    PublishedTrust scanner =
        new PublishedTrust(
            "cairn-certify",
            Digest.sha256("p"),
            1,
            java.util.Set.of(measurement),
            List.of(),
            new byte[32],
            new byte[0],
            Policy.DEFAULT_MAX_VALIDITY);
    assertThat(scanner.toJson()).doesNotContain("builder");
    assertThat(PublishedTrust.parse(scanner.toJson()).isBuilder()).isFalse();
  }
}

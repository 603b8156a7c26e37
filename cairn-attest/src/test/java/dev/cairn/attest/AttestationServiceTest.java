package dev.cairn.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.attest.internal.SimulationProvider;
import dev.cairn.core.Digest;
import dev.cairn.core.Keys;
import dev.cairn.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttestationServiceTest {
  @TempDir Path tmp;
  SimulationProvider tee;
  Digest measurement;
  AttestationService service;

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

  String policyText(int version, String predecessor, Digest m) {
    return """
        name: certify
        version: %d
        %s
        services:
          - name: scanner
            measurements: [%s]
            command: [cairn-scanner, --key, "$$CAIRN::certificate-key$$"]
          - name: other
            measurements: [%s]
        secrets:
          - {name: certificate-key, kind: ed25519, services: [scanner]}
          - {name: wallet, kind: secp256k1, services: [scanner]}
          - {name: salt, kind: random, size: 16, services: [scanner, other]}
          - {name: token, kind: file, file: token.txt, services: [scanner]}
        """
        .formatted(
            version,
            predecessor.isEmpty() ? "" : "predecessor: " + predecessor,
            m,
            Digest.sha256("other"));
  }

  @BeforeEach
  void setUp() throws Exception {
    tee = new SimulationProvider(dev.cairn.core.CairnHome.of(tmp.resolve("home")), CLOCK);
    measurement =
        tee.measure(
            new LaunchSpec(
                List.of(Files.writeString(tmp.resolve("scanner.jar"), "code")),
                Digest.sha256("checks"),
                List.of("x"),
                Map.of()));
    Files.writeString(tmp.resolve("token.txt"), "cluster-token-value");
    service = AttestationService.open(tmp.resolve("cas"), List.of(tee.platformKey()), CLOCK);
    service.install(Policies.parse("p.yaml", policyText(1, "", measurement), tmp));
  }

  private AttestationService.Release attest(String svc, EnclaveKey key) throws Exception {
    AttestationService.Challenge c = service.challenge("certify", svc);
    Evidence e = tee.evidence(measurement, Attestations.reportData(c.nonce(), key.publicKey()));
    return service.release("certify", svc, c.nonce(), e, key.publicKey());
  }

  @Test
  void release_givesTheMeasuredServiceItsSecrets_sealedToItsKey() throws Exception {
    EnclaveKey key = EnclaveKey.generate();
    AttestationService.Release r = attest("scanner", key);
    assertThat(r.secrets())
        .extracting(SealedSecret::name)
        .containsExactly("certificate-key", "wallet", "salt", "token");
    Secret token = key.open(r.secrets().get(3));
    assertThat(token).isEqualTo(Secret.ofUtf8("cluster-token-value"));
    assertThat(key.open(r.secrets().get(1)).length()).isEqualTo(32);
    assertThat(key.open(r.secrets().get(2)).length()).isEqualTo(16);
    // the released ed25519 key signs what the service's published public key verifies
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(Keys.ed25519Private(key.open(r.secrets().get(0))));
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(service.publicKey("certify", "certificate-key"));
    v.update(new byte[] {1, 2, 3});
    assertThat(v.verify(sig)).isTrue();
    // sealed to this key only
    assertThatThrownBy(() -> EnclaveKey.generate().open(r.secrets().get(3)))
        .hasMessageContaining("sealed to another key");
  }

  /** A clock a test moves by hand. */
  static final class ManualClock extends Clock {
    private Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(java.time.Duration d) {
      now = now.plus(d);
    }

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
      return now;
    }
  }

  @Test
  void release_afterTheNonceExpired_isRefused_andANewChallengeWorks() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
    AttestationService s =
        AttestationService.open(tmp.resolve("cas-clock"), List.of(tee.platformKey()), clock);
    s.install(Policies.parse("p.yaml", policyText(1, "", measurement), tmp));
    EnclaveKey key = EnclaveKey.generate();
    AttestationService.Challenge c = s.challenge("certify", "scanner");
    assertThat(c.expiresAt()).isEqualTo(Instant.parse("2026-11-23T12:05:00Z"));
    Evidence e = tee.evidence(measurement, Attestations.reportData(c.nonce(), key.publicKey()));
    clock.advance(java.time.Duration.ofMinutes(5).plusSeconds(1));
    assertThatThrownBy(() -> s.release("certify", "scanner", c.nonce(), e, key.publicKey()))
        .isInstanceOf(AttestationException.class)
        .hasMessage("nonce expired at 2026-11-23T12:05:00Z");
    // the expired nonce is spent; a fresh challenge within its lifetime releases
    AttestationService.Challenge fresh = s.challenge("certify", "scanner");
    clock.advance(java.time.Duration.ofMinutes(5));
    Evidence e2 =
        tee.evidence(measurement, Attestations.reportData(fresh.nonce(), key.publicKey()));
    assertThat(s.release("certify", "scanner", fresh.nonce(), e2, key.publicKey()).secrets())
        .isNotEmpty();
    assertThatThrownBy(() -> s.release("certify", "scanner", c.nonce(), e, key.publicKey()))
        .hasMessageContaining("unknown or already used nonce");
  }

  @Test
  void release_refusesWrongMeasurementReplayAndForeignKey_andAuditsEveryDecision()
      throws Exception {
    EnclaveKey key = EnclaveKey.generate();
    // wrong measurement for the service
    AttestationService.Challenge c = service.challenge("certify", "scanner");
    Evidence evil =
        tee.evidence(
            Digest.sha256("patched scanner"), Attestations.reportData(c.nonce(), key.publicKey()));
    assertThatThrownBy(
            () -> service.release("certify", "scanner", c.nonce(), evil, key.publicKey()))
        .hasMessageContaining("is not allowed by the attestation policy");
    // replay: the same nonce again, now with good evidence
    Evidence good = tee.evidence(measurement, Attestations.reportData(c.nonce(), key.publicKey()));
    assertThatThrownBy(
            () -> service.release("certify", "scanner", c.nonce(), good, key.publicKey()))
        .hasMessageContaining("already used nonce");
    // evidence bound to one key, secrets asked for another
    AttestationService.Challenge c2 = service.challenge("certify", "scanner");
    Evidence bound =
        tee.evidence(measurement, Attestations.reportData(c2.nonce(), key.publicKey()));
    assertThatThrownBy(
            () ->
                service.release(
                    "certify", "scanner", c2.nonce(), bound, EnclaveKey.generate().publicKey()))
        .hasMessageContaining("other report data");
    // other services get only what the policy gives them
    assertThatThrownBy(() -> attest("other", key)).hasMessageContaining("not allowed");
    List<String> audit = service.auditLog();
    assertThat(audit)
        .filteredOn(l -> l.contains("\"action\":\"release\""))
        .hasSize(4)
        .allSatisfy(l -> assertThat(l).contains("\"allowed\":false"));
    attest("scanner", key);
    assertThat(service.auditLog())
        .last()
        .asString()
        .contains("\"allowed\":true")
        .contains("simulation: no hardware protection");
  }

  @Test
  void policyUpdate_mustNameTheInstalledPredecessor() throws Exception {
    Policy v1 = service.policy("certify").orElseThrow();
    assertThatThrownBy(
            () ->
                service.install(
                    Policies.parse(
                        "p2.yaml",
                        policyText(2, Digest.sha256("forged").toString(), measurement),
                        tmp)))
        .hasMessageContaining("names predecessor");
    assertThatThrownBy(
            () ->
                service.install(
                    Policies.parse(
                        "p3.yaml", policyText(3, v1.digest().toString(), measurement), tmp)))
        .hasMessageContaining("does not follow the installed version 1");
    Policy v2 =
        service.install(
            Policies.parse(
                "p2.yaml",
                policyText(2, v1.digest().toString(), Digest.sha256("scanner v2")),
                tmp));
    assertThat(service.policy("certify").orElseThrow().digest()).isEqualTo(v2.digest());
    // survives a restart, secrets keep their values
    byte[] pub = Keys.raw(service.publicKey("certify", "certificate-key"));
    AttestationService again =
        AttestationService.open(tmp.resolve("cas"), List.of(tee.platformKey()), CLOCK);
    assertThat(again.policy("certify").orElseThrow().version()).isEqualTo(2);
    assertThat(Keys.raw(again.publicKey("certify", "certificate-key"))).isEqualTo(pub);
  }

  @Test
  void policyFile_errorsHaveLocations() {
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "bad.yaml",
                    "name: x\nversion: 2\nservices: []\nsecrets:\n  - {name: k, kind: rsa, services: [ghost]}\n",
                    tmp))
        .isInstanceOf(Policies.PolicyException.class)
        .satisfies(
            e ->
                assertThat(((Policies.PolicyException) e).diagnostics())
                    .extracting(d -> d.oneLine())
                    .contains(
                        "bad.yaml:1:1: version 2 must name its predecessor (the digest of version 1)",
                        "bad.yaml:3:11: a policy needs at least one service",
                        "bad.yaml:5:21: unknown secret kind 'rsa' (ed25519, secp256k1, p256, random, file or supplied)",
                        "bad.yaml:5:37: secret is released to unknown service 'ghost'"));
  }

  @Test
  void maxLifetime_unstated_isTheDefault_andLeavesTheDigestAsItWas() throws Exception {
    Policy p = service.policy("certify").orElseThrow();
    assertThat(p.maxValidity()).isNull();
    assertThat(p.maxLifetime()).isEqualTo(java.time.Duration.ofDays(90));
    // a policy that does not state it is written (and so digested) as before the field existed
    assertThat(PolicyJson.write(p)).doesNotContain("maxValidity");
    assertThat(service.published("certify", "scanner", "certificate-key", "").maxValidity())
        .isEqualTo(java.time.Duration.ofDays(90));
    assertThat(attest("scanner", EnclaveKey.generate()).maxValidity())
        .isEqualTo(java.time.Duration.ofDays(90));
  }

  @Test
  void maxLifetime_stated_isPublishedReleasedAndRead() throws Exception {
    Policy v1 = service.policy("certify").orElseThrow();
    Policy v2 =
        service.install(
            Policies.parse(
                "p.yaml",
                policyText(2, v1.digest().toString(), measurement) + "maxValidityDays: 30\n",
                tmp));
    assertThat(v2.maxLifetime()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(v2.digest()).isNotEqualTo(v1.digest());
    assertThat(
            PublishedTrust.parse(
                    service.published("certify", "scanner", "certificate-key", "").toJson())
                .maxValidity())
        .isEqualTo(java.time.Duration.ofDays(30));
    assertThat(attest("scanner", EnclaveKey.generate()).maxValidity())
        .isEqualTo(java.time.Duration.ofDays(30));
    assertThat(AttestationService.installedPolicy(tmp.resolve("cas"), "certify")).hasValue(v2);
    assertThat(AttestationService.installedPolicy(tmp.resolve("none"), "certify")).isEmpty();
    assertThat(tmp.resolve("none")).doesNotExist();
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "p.yaml", policyText(1, "", measurement) + "maxValidityDays: 36500000\n", tmp))
        .isInstanceOf(Policies.PolicyException.class)
        .hasMessage("p.yaml:15:18: maxValidityDays must be a whole number of days from 1 to 36500");
  }

  @Test
  void secrets_neverAppearInAuditLogToStringOrState() throws Exception {
    EnclaveKey key = EnclaveKey.generate();
    AttestationService.Release r = attest("scanner", key);
    Secret token = key.open(r.secrets().get(3));
    String all = String.join("\n", service.auditLog()) + r + key + token + r.secrets();
    assertThat(all).doesNotContain("cluster-token-value");
    assertThat(token.toString()).isEqualTo("***");
    String privateKey =
        java.util.Base64.getEncoder().encodeToString(key.open(r.secrets().get(0)).bytes());
    assertThat(all).doesNotContain(privateKey);
  }
}

package dev.cairn.ledger;

import static dev.cairn.ledger.Fixtures.LOG;
import static dev.cairn.ledger.Fixtures.MEASUREMENT;
import static dev.cairn.ledger.Fixtures.PLATFORM;
import static dev.cairn.ledger.Fixtures.POLICY;
import static dev.cairn.ledger.Fixtures.SIGNING;
import static dev.cairn.ledger.Fixtures.T0;
import static dev.cairn.ledger.Fixtures.TRUSTED_SINCE;
import static dev.cairn.ledger.Fixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.core.Digest;
import dev.cairn.ledger.Fixtures.Spec;
import dev.cairn.ledger.TrustRoot.LedgerPin;
import dev.cairn.ledger.TrustRoot.PlatformKey;
import dev.cairn.ledger.TrustRoot.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates against a trust root that grew: upgrades (new build, policy, key), key rotation
 * after a compromise, retired platform and log keys, replaced chain issuers, and backdating.
 */
class TrustWindowsTest {
  static final Instant UPGRADE = T0.plus(Duration.ofDays(2));
  static final Instant AFTER = UPGRADE.plus(Duration.ofHours(1));
  static final Instant NOW = UPGRADE.plus(Duration.ofDays(1));
  static final TrustRoot.Policy POLICY_2 = TrustRootTest.POLICY_2;
  static final Digest MEASUREMENT_2 = TrustRootTest.MEASUREMENT_2;
  static final KeyPair SIGNING_2 = TrustRootTest.SIGNING_2;
  static final KeyPair PLATFORM_2 = Fixtures.keyPair("platform key 2");
  static final NoteSigner LOG_2 = Fixtures.noteSigner("cairn-test-log-2", "log key 2");
  static final String CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
  static final String ISSUER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  static final String ISSUER_2 = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

  @TempDir Path dir;
  TransparencyLog log;

  @BeforeEach
  void open() throws Exception {
    log = TransparencyLog.open(dir.resolve("log"), LOG);
  }

  @AfterEach
  void close() {
    log.close();
  }

  /** The fixtures' root after an upgrade at {@link #UPGRADE} to v2 (policy, build and key). */
  static TrustRoot upgraded() throws Exception {
    TrustRoot r =
        Fixtures.root()
            .sync(Fixtures.snapshot(POLICY_2, MEASUREMENT_2, SIGNING_2, PLATFORM, LOG), UPGRADE);
    return TrustRoot.parse(r.toJson()); // as a verifier reads it
  }

  static Spec v2(Instant issuedAt) {
    return Spec.good()
        .policy(POLICY_2.digest())
        .measurement(MEASUREMENT_2)
        .signer(SIGNING_2)
        .issuedAt(issuedAt);
  }

  static CertificateVerifier.Result verify(
      CertificateBundle b, TrustRoot t, @Nullable Ledger ledger) throws Exception {
    return CertificateVerifier.verify(b, t, Fixtures.EVIDENCE, NOW, ledger, null, true);
  }

  static VerificationException fails(CertificateBundle b, TrustRoot t, @Nullable Ledger ledger) {
    VerificationException e =
        catchThrowableOfType(
            VerificationException.class,
            () -> CertificateVerifier.verify(b, t, Fixtures.EVIDENCE, NOW, ledger, null, true));
    assertThat(e).as("must not verify").isNotNull();
    return e;
  }

  @Test
  void upgrade_certificatesIssuedBeforeAndAfter_bothVerifyAgainstTheGrownRoot() throws Exception {
    CertificateBundle before = Fixtures.issue(log, Spec.good(), "before.cert.json");
    CertificateBundle after = Fixtures.issue(log, v2(AFTER), "after.cert.json");
    TrustRoot grown = upgraded();
    assertThat(verify(before, grown, log).links()).contains("revocation");
    assertThat(verify(after, grown, log).links()).contains("revocation");
    // what a rewritten trust.json (the old behaviour) did to the certificate issued before
    TrustRoot rewritten =
        TrustRoot.empty()
            .sync(Fixtures.snapshot(POLICY_2, MEASUREMENT_2, SIGNING_2, PLATFORM, LOG), UPGRADE);
    assertThat(fails(before, rewritten, log).link()).isEqualTo("signing key");
  }

  @Test
  void upgrade_fromTheOlderTrustJson_keepsItsCertificatesValid() throws Exception {
    TrustRoot migrated =
        TrustRoot.parse(Files.readString(TrustRootTest.TRUST.resolve("v1-trust.json")));
    CertificateBundle before = Fixtures.issue(log, Spec.good(), "before.cert.json");
    assertThat(verify(before, migrated, log).links()).contains("attestation", "revocation");
    TrustRoot grown =
        migrated.sync(
            Fixtures.snapshot(POLICY_2, MEASUREMENT_2, SIGNING_2, PLATFORM, LOG), UPGRADE);
    CertificateBundle after = Fixtures.issue(log, v2(AFTER), "after.cert.json");
    assertThat(verify(before, grown, log).links()).contains("attestation");
    assertThat(verify(after, grown, log).links()).contains("attestation");
    VerificationException old =
        fails(Fixtures.issue(log, Spec.good().issuedAt(AFTER), "x"), grown, log);
    assertThat(old.getMessage())
        .isEqualTo(
            "signing key: signed at "
                + AFTER
                + " by key "
                + Fixtures.keyId(SIGNING)
                + ", which was trusted only until "
                + UPGRADE);
  }

  @Test
  void upgrade_theOldBuildAfterIt_failsTheAttestationNamingItsWindow() throws Exception {
    CertificateBundle b =
        Fixtures.issue(log, v2(AFTER).measurement(MEASUREMENT), "old-build.cert.json");
    VerificationException e = fails(b, upgraded(), log);
    assertThat(e.link()).isEqualTo("attestation");
    assertThat(e.getMessage())
        .isEqualTo(
            "attestation: issued at "
                + AFTER
                + " by scanner measurement "
                + MEASUREMENT
                + ", which was approved only from "
                + TRUSTED_SINCE
                + " until "
                + UPGRADE);
    assertThat(e.hint())
        .hasValue(
            "certify the cluster again with the approved build (the certificate's was"
                + " superseded before it was issued)");
  }

  @Test
  void upgrade_theSupersededPolicyAfterIt_failsTheStatementNamingItsWindow() throws Exception {
    CertificateBundle b =
        Fixtures.issue(log, v2(AFTER).policy(POLICY.digest()), "old-policy.cert.json");
    VerificationException e = fails(b, upgraded(), log);
    assertThat(e.link()).isEqualTo("statement");
    assertThat(e.getMessage())
        .isEqualTo(
            "statement: issued at "
                + AFTER
                + " under attestation policy "
                + POLICY.digest()
                + " (cairn-scanner v1), which was trusted only from "
                + TRUSTED_SINCE
                + " until "
                + UPGRADE);
  }

  @Test
  void keyRotation_afterACompromise_beforeVerifies_atAndAfterFailsNamingTheWindow()
      throws Exception {
    Instant retired = T0.plus(Duration.ofHours(1));
    TrustRoot t = Fixtures.root().retire(new SigningKey(raw(SIGNING)), retired);
    assertThat(verify(Fixtures.issue(log, Spec.good(), "before.cert.json"), t, log).links())
        .contains("signing key");
    assertThat(
            verify(
                    Fixtures.issue(log, Spec.good().issuedAt(retired.minusSeconds(1)), "edge"),
                    t,
                    log)
                .links())
        .contains("signing key");
    for (Instant signedAt : List.of(retired, retired.plus(Duration.ofHours(1)))) {
      VerificationException e =
          fails(Fixtures.issue(log, Spec.good().issuedAt(signedAt), "after " + signedAt), t, log);
      assertThat(e.link()).isEqualTo("signing key");
      assertThat(e.getMessage())
          .isEqualTo(
              "signing key: signed at "
                  + signedAt
                  + " by key "
                  + Fixtures.keyId(SIGNING)
                  + ", which was trusted only from "
                  + TRUSTED_SINCE
                  + " until "
                  + retired);
      assertThat(e.hint())
          .hasValue(
              "certify the cluster again with the attestation service's current key (a"
                  + " certificate verifies only if its key was trusted when it was issued)");
    }
  }

  @Test
  void signingKey_beforeItWasTrusted_failsNamingTheWindow() throws Exception {
    Instant later = T0.plus(Duration.ofHours(1));
    TrustRoot t =
        TrustRoot.empty()
            .sync(Fixtures.snapshot(POLICY, MEASUREMENT, SIGNING, PLATFORM, LOG), later);
    VerificationException e = fails(Fixtures.issue(log, Spec.good(), "early"), t, log);
    assertThat(e.getMessage())
        .isEqualTo(
            "signing key: signed at "
                + T0
                + " by key "
                + Fixtures.keyId(SIGNING)
                + ", which was trusted only from "
                + later
                + " on");
  }

  @Test
  void platformKey_outsideItsWindow_failsTheAttestation_andTheCheckGetsOnlyTheTrustedOnes()
      throws Exception {
    TrustRoot t =
        Fixtures.root()
            .sync(Fixtures.snapshot(POLICY, MEASUREMENT, SIGNING, PLATFORM_2, LOG), UPGRADE);
    assertThat(verify(Fixtures.issue(log, Spec.good(), "p1"), t, log).links())
        .contains("attestation");
    assertThat(
            verify(
                    Fixtures.issue(log, Spec.good().platform(PLATFORM_2).issuedAt(AFTER), "p2"),
                    t,
                    log)
                .links())
        .contains("attestation");
    VerificationException retired =
        fails(Fixtures.issue(log, Spec.good().issuedAt(AFTER), "p1 after"), t, log);
    assertThat(retired.getMessage())
        .isEqualTo(
            "attestation: issued at "
                + AFTER
                + " with evidence signed by platform key "
                + new PlatformKey(raw(PLATFORM)).keyId()
                + ", which was trusted only from "
                + TRUSTED_SINCE
                + " until "
                + UPGRADE);
    VerificationException early =
        fails(Fixtures.issue(log, Spec.good().platform(PLATFORM_2), "p2 before"), t, log);
    assertThat(early.getMessage()).endsWith("which was trusted only from " + UPGRADE + " on");
    KeyPair unknown = Fixtures.keyPair("unknown platform");
    VerificationException foreign =
        fails(Fixtures.issue(log, Spec.good().platform(unknown), "unknown"), t, log);
    assertThat(foreign.getMessage())
        .isEqualTo(
            "attestation: evidence is signed by platform key "
                + Fixtures.keyId(unknown)
                + ", which the trust root does not list");
  }

  @Test
  void logKey_rotated_oldCheckpointsVerify_aCheckpointSignedAfterItFailsNamingTheWindow()
      throws Exception {
    TrustRoot t =
        Fixtures.root()
            .sync(Fixtures.snapshot(POLICY, MEASUREMENT, SIGNING, PLATFORM, LOG_2), UPGRADE);
    assertThat(verify(Fixtures.issue(log, Spec.good(), "old log"), t, log).links())
        .contains("ledger consistency");
    try (TransparencyLog log2 = TransparencyLog.open(dir.resolve("log2"), LOG_2)) {
      assertThat(
              verify(Fixtures.issue(log2, Spec.good().issuedAt(AFTER), "new log"), t, log2).links())
          .contains("ledger consistency");
    }
    VerificationException e =
        fails(Fixtures.issue(log, Spec.good().issuedAt(AFTER), "old log after"), t, log);
    assertThat(e.link()).isEqualTo("ledger checkpoint");
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger checkpoint: checkpoint signed by log key "
                + new TrustRoot.LogKey(LOG.verifierKey()).name()
                + ", which was trusted only from "
                + TRUSTED_SINCE
                + " until "
                + UPGRADE
                + "; the certificate was issued at "
                + AFTER);
  }

  // --- on a blockchain registry

  FakeRegistry registry = new FakeRegistry(CONTRACT, FakeRegistry.CHAIN);

  TrustRoot pinned() {
    return Fixtures.root()
        .withLedgerPin(new LedgerPin(registry.spec(), FakeRegistry.CHAIN, ISSUER), TRUSTED_SINCE);
  }

  /** A certificate recorded on {@link #registry} by {@code issuer} at {@code recordedAt}. */
  CertificateBundle recorded(Spec s, String issuer, Instant recordedAt) {
    registry.issuers.add(issuer);
    CertificateBundle b = Fixtures.onChain(s, registry.receipt(issuer));
    Certificate c = Fixtures.certificate(s);
    registry.records.put(
        b.envelope().digest(),
        new RegistryView.OnChain(
            c.clusterId(), issuer, recordedAt, c.expiresAt(), null, "chain.cert.json", ""));
    return b;
  }

  @Test
  void chain_recordedWhenIssued_verifiesTheRecordAndItsIssuer() throws Exception {
    CertificateBundle b = recorded(Spec.good(), ISSUER, T0.plusSeconds(12));
    assertThat(verify(b, pinned(), registry).links())
        .containsExactly(
            "signature",
            "signing key",
            "statement",
            "attestation",
            "ledger record",
            "ledger issuer",
            "expiry",
            "revocation",
            "source");
    CertificateBundle slow =
        recorded(Spec.good().cluster("slow"), ISSUER, T0.plus(Duration.ofMinutes(10)));
    assertThat(verify(slow, pinned(), registry).links()).contains("ledger record");
  }

  @Test
  void chain_aBackdatedCertificate_failsTheLedgerRecord() throws Exception {
    // a holder of the retired key dates the certificate into the key's window; the block can't lie
    Instant retired = T0.plus(Duration.ofHours(1));
    TrustRoot t = pinned().retire(new SigningKey(raw(SIGNING)), retired);
    Instant mined = retired.plus(Duration.ofDays(1));
    CertificateBundle b = recorded(Spec.good(), ISSUER, mined);
    VerificationException e = fails(b, t, registry);
    assertThat(e.link()).isEqualTo("ledger record");
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger record: the registry recorded certificate "
                + b.envelope().digest()
                + " at "
                + mined
                + ", but it says it was issued at "
                + T0
                + " (more than 10 minutes apart)");
    assertThat(e.hint())
        .hasValue(
            "treat it as forged: a certificate is recorded when it is issued, and this one was"
                + " backdated or held back");
    CertificateBundle late =
        recorded(
            Spec.good().cluster("late"), ISSUER, T0.plus(Duration.ofMinutes(10)).plusSeconds(1));
    assertThat(fails(late, pinned(), registry).link()).isEqualTo("ledger record");
  }

  @Test
  void chain_issuerReplaced_oldRecordsVerify_newOnesByTheOldIssuerFailNamingTheWindow()
      throws Exception {
    TrustRoot t =
        pinned()
            .withLedgerPin(new LedgerPin(registry.spec(), FakeRegistry.CHAIN, ISSUER_2), UPGRADE);
    assertThat(verify(recorded(Spec.good(), ISSUER, T0), t, registry).links())
        .contains("ledger issuer");
    assertThat(verify(recorded(Spec.good().issuedAt(AFTER), ISSUER_2, AFTER), t, registry).links())
        .contains("ledger issuer");
    VerificationException e =
        fails(recorded(Spec.good().cluster("b").issuedAt(AFTER), ISSUER, AFTER), t, registry);
    assertThat(e.link()).isEqualTo("ledger issuer");
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger issuer: recorded at "
                + AFTER
                + " by issuer "
                + ISSUER
                + ", which was trusted on this registry only from "
                + TRUSTED_SINCE
                + " until "
                + UPGRADE);
  }

  @Test
  void chain_aForeignIssuer_orOneThatLostItsRole_failsTheLedgerIssuer() throws Exception {
    String foreign = "0x" + "12".repeat(20);
    VerificationException e = fails(recorded(Spec.good(), foreign, T0), pinned(), registry);
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger issuer: recorded by "
                + foreign
                + ", not by the key the attestation service releases to the measured scanner ("
                + ISSUER
                + ")");
    CertificateBundle b = recorded(Spec.good().cluster("b"), ISSUER, T0);
    registry.issuers.remove(ISSUER);
    assertThat(fails(b, pinned(), registry).getMessage())
        .isEqualTo(
            "ledger issuer: issuer " + ISSUER + " no longer holds the issuer role on the registry");
  }

  @Test
  void chain_revoked_failsTheRevocation() throws Exception {
    CertificateBundle b = recorded(Spec.good(), ISSUER, T0);
    RegistryView.OnChain r = registry.records.get(b.envelope().digest());
    Instant at = T0.plus(Duration.ofHours(5));
    registry.records.put(
        b.envelope().digest(),
        new RegistryView.OnChain(
            r.cluster(),
            r.issuer(),
            r.issuedAt(),
            r.expiresAt(),
            at,
            r.locator(),
            "decommissioned"));
    assertThat(fails(b, pinned(), registry).getMessage())
        .isEqualTo("revocation: revoked on chain at " + at + ": decommissioned");
  }

  @Test
  void chain_offline_unpinned_orAnotherRegistry_failsTheLedgerRecord() throws Exception {
    CertificateBundle b = recorded(Spec.good(), ISSUER, T0);
    String offline =
        "ledger record: the certificate is recorded on "
            + registry.spec()
            + " and no chain was consulted";
    assertThat(fails(b, pinned(), null).getMessage()).isEqualTo(offline);
    assertThat(fails(b, pinned(), log).getMessage()).isEqualTo(offline);
    assertThat(fails(b, Fixtures.root(), registry).getMessage())
        .isEqualTo(
            "ledger record: the trust anchors pin no Ethereum registry and issuer, so a chain record"
                + " cannot be trusted");
    FakeRegistry other = new FakeRegistry("0x" + "22".repeat(20), FakeRegistry.CHAIN);
    assertThat(fails(b, pinned(), other).getMessage())
        .isEqualTo(
            "ledger record: the trust anchors pin registry "
                + CONTRACT
                + " on chain 31337; "
                + other.spec()
                + " is not it");
    FakeRegistry otherChain = new FakeRegistry(CONTRACT, 1);
    assertThat(fails(b, pinned(), otherChain).getMessage())
        .startsWith(
            "ledger record: the trust anchors pin registry " + CONTRACT + " on chain 31337;");
  }
}

package dev.cairn.ledger;

import static dev.cairn.ledger.Fixtures.LOG;
import static dev.cairn.ledger.Fixtures.NOW;
import static dev.cairn.ledger.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.core.Digest;
import dev.cairn.core.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier against the committed fixtures in {@code src/test/resources/verifier}: a good
 * certificate and, beside it, one tampered file per link, each failing at exactly its link with its
 * own message. The fixtures are regenerated (deterministically, see {@link Fixtures}) and must
 * match; {@code -Dgolden.update=true} rewrites them.
 */
class CertificateVerifierTest {
  static final Path FIXTURES = Path.of("src/test/resources/verifier");

  @TempDir static Path work;
  static TransparencyLog log;
  static TrustRoot root;

  @BeforeAll
  static void generate() throws Exception {
    Path fresh = work.resolve("fresh");
    log = Fixtures.generate(fresh, work);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(FIXTURES);
      for (String f : Fixtures.FILES) {
        Files.copy(
            fresh.resolve(f),
            FIXTURES.resolve(f),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    root = TrustRoot.parse(Files.readString(FIXTURES.resolve("trust.json")));
  }

  @AfterAll
  static void close() {
    log.close();
  }

  static CertificateBundle bundle(String name) throws Exception {
    return CertificateBundle.parse(Files.readString(FIXTURES.resolve(name)));
  }

  static CertificateVerifier.Result verify(
      String name, @Nullable Ledger ledger, @Nullable Digest live) throws Exception {
    // the fixtures are snapshot certificates: accepted here, refused by default (source_…)
    return CertificateVerifier.verify(
        bundle(name), root, Fixtures.EVIDENCE, NOW, ledger, live, true);
  }

  static VerificationException fails(String name, @Nullable Ledger ledger, @Nullable Digest live)
      throws Exception {
    CertificateBundle b = bundle(name);
    VerificationException e =
        catchThrowableOfType(
            VerificationException.class,
            () -> CertificateVerifier.verify(b, root, Fixtures.EVIDENCE, NOW, ledger, live, true));
    assertThat(e).as(name + " must not verify").isNotNull();
    return e;
  }

  @Test
  void fixtures_areWhatTheGeneratorWrites() throws Exception {
    for (String f : Fixtures.FILES) {
      assertThat(FIXTURES.resolve(f)).as("regenerate with -Dgolden.update=true").exists();
      assertThat(Files.readString(FIXTURES.resolve(f)))
          .as(f + " differs from a fresh generation: regenerate with -Dgolden.update=true")
          .isEqualTo(Files.readString(work.resolve("fresh").resolve(f)));
    }
  }

  @Test
  void good_verifiesEveryLink_againstTheLiveLogAndCluster() throws Exception {
    CertificateVerifier.Result r = verify("good.cert.json", log, Fixtures.cluster("a"));
    assertThat(r.links())
        .containsExactly(
            "signature",
            "signing key",
            "statement",
            "attestation",
            "ledger inclusion",
            "ledger consistency",
            "expiry",
            "revocation",
            "source",
            "cluster identity");
    assertThat(r.certificate().issuedAt()).isEqualTo(T0);
    assertThat(r.certificateDigest()).isEqualTo(bundle("good.cert.json").envelope().digest());
  }

  @Test
  void good_offline_checksNeitherConsistencyNorRevocation() throws Exception {
    assertThat(verify("good.cert.json", null, null).links())
        .containsExactly(
            "signature",
            "signing key",
            "statement",
            "attestation",
            "ledger inclusion",
            "expiry",
            "source");
  }

  @Test
  void source_aSnapshotCertificate_isRefused_unlessTheTrustRootOrTheCallerAcceptsIt()
      throws Exception {
    CertificateBundle b = bundle("good.cert.json");
    VerificationException e =
        catchThrowableOfType(
            VerificationException.class,
            () -> CertificateVerifier.verify(b, root, Fixtures.EVIDENCE, NOW, log, null));
    assertThat(e.link()).isEqualTo("source");
    assertThat(e.getMessage())
        .isEqualTo(
            "source: the certificate was made from a snapshot, which only claims its cluster's"
                + " identity (https://a.example:6443, kube-system UID uid-a)");
    assertThat(e.fix()).map(dev.cairn.core.Fix::id).hasValue("verify.snapshot");
    assertThat(
            CertificateVerifier.verify(
                    b, root.withSnapshotsAccepted(true), Fixtures.EVIDENCE, NOW, log, null)
                .links())
        .contains("revocation", "source");
  }

  @Test
  void ledgerConsistency_aLogRolledBackBehindThePinnedCheckpoint_fails() throws Exception {
    // the trust root saw the live log at its current size; a log of the same key that holds
    // the good certificate but is shorter than that (its later entries cut off, with the
    // revocation among them) is a rollback
    TrustRoot pinned = root.withCheckpointOf(log);
    assertThat(verify("good.cert.json", log, null).links()).contains("ledger consistency");
    try (TransparencyLog rolledBack = TransparencyLog.open(work.resolve("rolled-back"), LOG)) {
      rolledBack.appendAll(java.util.List.of(log.entry(0)));
      CertificateBundle b = bundle("good.cert.json");
      VerificationException e =
          catchThrowableOfType(
              VerificationException.class,
              () ->
                  CertificateVerifier.verify(
                      b, pinned, Fixtures.EVIDENCE, NOW, rolledBack, null, true));
      assertThat(e.getMessage())
          .isEqualTo(
              "ledger consistency: embedded transparency log "
                  + work.resolve("rolled-back")
                  + " is at size 1, behind the checkpoint the trust root pins (size "
                  + log.size()
                  + "): it was rolled back or replaced");
      // without the pin only the certificate's own checkpoint bounds it, and it verifies
      assertThat(
              CertificateVerifier.verify(b, root, Fixtures.EVIDENCE, NOW, rolledBack, null, true)
                  .links())
          .contains("ledger consistency", "revocation");
    }
  }

  @Test
  void statement_aScanThatJudgedNothing_failsTheStatement() throws Exception {
    Certificate c = Fixtures.certificate(Fixtures.Spec.good().cluster("empty"));
    Certificate empty =
        new Certificate(
            c.clusterId(),
            c.kubeSystemUid(),
            c.caFingerprint(),
            c.server(),
            c.source(),
            c.frameworks(),
            c.checkPackDigest(),
            c.checkPackVersion(),
            c.tee(),
            c.hardwareBacked(),
            c.measurement(),
            c.evidenceJson(),
            c.reportDigest(),
            new java.util.TreeMap<>(
                java.util.Map.of("objects", 0L, "passed", 0L, "notApplicable", 39L)),
            c.policy(),
            c.signingKey(),
            c.issuedAt(),
            c.expiresAt());
    dev.cairn.core.Dsse.Envelope env = Fixtures.sign(empty, Fixtures.SIGNING);
    try (TransparencyLog l = TransparencyLog.open(work.resolve("empty"), LOG)) {
      Receipt r = l.issue(Fixtures.entry(empty, env, "empty.cert.json"));
      CertificateBundle b =
          new CertificateBundle(
              env,
              Fixtures.raw(Fixtures.SIGNING),
              "embedded",
              r.index(),
              r.inclusionProof(),
              r.checkpoint().signedNote(),
              "empty.cert.json",
              empty.issuedAt());
      VerificationException e =
          catchThrowableOfType(
              VerificationException.class,
              () -> CertificateVerifier.verify(b, root, Fixtures.EVIDENCE, NOW, l, null, true));
      assertThat(e.getMessage())
          .isEqualTo(
              "statement: the certificate's scan judged nothing ("
                  + empty.summary()
                  + "): every check was not applicable");
    }
  }

  @Test
  void ledgerConsistency_aCheckpointOfAnotherLog_fails() throws Exception {
    try (TransparencyLog other =
        TransparencyLog.open(
            work.resolve("another-key"), Fixtures.noteSigner("cairn-test-log", "log key 2"))) {
      VerificationException e = fails("good.cert.json", other, null);
      assertThat(e.getMessage())
          .startsWith("ledger consistency: the certificate's checkpoint is of log ")
          .endsWith(
              ", not of embedded transparency log "
                  + work.resolve("another-key")
                  + " ("
                  + other.origin()
                  + ")");
    }
  }

  @Test
  void signature_alteredPayload_failsTheSignature() throws Exception {
    VerificationException e = fails("signature.cert.json", log, null);
    assertThat(e.link()).isEqualTo("signature");
    assertThat(e.getMessage())
        .isEqualTo(
            "signature: the DSSE signature does not verify (certificate altered or signed by another"
                + " key)");
  }

  @Test
  void signingKey_notTheReleasedOne_failsTheSigningKey() throws Exception {
    VerificationException e = fails("signing-key.cert.json", log, null);
    assertThat(e.link()).isEqualTo("signing key");
    assertThat(e.getMessage())
        .isEqualTo(
            "signing key: signed with key "
                + Fixtures.keyId(Fixtures.keyPair("unreleased key"))
                + ", not the key the attestation service releases to the measured scanner");
    assertThat(e.hint())
        .hasValue("check that trust.json belongs to the attestation service that issued it");
  }

  @Test
  void statement_anotherPolicy_failsTheStatement() throws Exception {
    VerificationException e = fails("statement.cert.json", log, null);
    assertThat(e.link()).isEqualTo("statement");
    assertThat(e.getMessage())
        .isEqualTo(
            "statement: the certificate names another signing key or attestation policy than the"
                + " trusted ones");
  }

  @Test
  void attestation_unapprovedMeasurement_failsTheAttestation() throws Exception {
    VerificationException e = fails("attestation.cert.json", log, null);
    assertThat(e.link()).isEqualTo("attestation");
    assertThat(e.getMessage())
        .isEqualTo(
            "attestation: scanner measurement "
                + Digest.sha256("scanner build modified")
                + " is not one the attestation policy approves");
    assertThat(e.hint())
        .hasValue("certify with the approved scanner build: this one was modified or is another");
  }

  @Test
  void ledgerCheckpoint_alteredSize_failsTheCheckpoint() throws Exception {
    VerificationException e = fails("ledger-checkpoint.cert.json", log, null);
    assertThat(e.link()).isEqualTo("ledger checkpoint");
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger checkpoint: checkpoint signature by cairn-test-log is invalid (forged or altered"
                + " checkpoint)");
    assertThat(e.hint())
        .hasValue(
            "check that the certificate comes from this log: its checkpoint was forged or is"
                + " another log's");
  }

  @Test
  void ledgerCheckpoint_ofAnUntrustedLog_failsTheCheckpoint() throws Exception {
    TrustRoot other =
        TrustRoot.empty()
            .sync(
                Fixtures.snapshot(
                    Fixtures.POLICY,
                    Fixtures.MEASUREMENT,
                    Fixtures.SIGNING,
                    Fixtures.PLATFORM,
                    Fixtures.noteSigner("another-log", "another log key")),
                Fixtures.TRUSTED_SINCE);
    CertificateBundle b = bundle("good.cert.json");
    VerificationException e =
        catchThrowableOfType(
            VerificationException.class,
            () -> CertificateVerifier.verify(b, other, Fixtures.EVIDENCE, NOW, null, null));
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger checkpoint: checkpoint is not signed by the log key "
                + new TrustRoot.LogKey(
                        Fixtures.noteSigner("another-log", "another log key").verifierKey())
                    .name());
  }

  @Test
  void ledgerInclusion_wrongIndex_failsTheInclusion() throws Exception {
    VerificationException e = fails("ledger-inclusion.cert.json", log, null);
    assertThat(e.link()).isEqualTo("ledger inclusion");
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger inclusion: the certificate is not in the log at index 7 of checkpoint size 1");
  }

  @Test
  void ledgerConsistency_checkpointOfAFork_failsTheConsistency() throws Exception {
    // offline, the fork's own checkpoint and proof are fine: only the live log shows the fork
    assertThat(verify("ledger-consistency.cert.json", null, null).links())
        .contains("ledger inclusion");
    VerificationException e = fails("ledger-consistency.cert.json", log, null);
    assertThat(e.link()).isEqualTo("ledger consistency");
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger consistency: the log's current checkpoint is not an extension of the"
                + " certificate's (forked log)");
  }

  @Test
  void expiry_pastItsExpiry_failsTheExpiry() throws Exception {
    VerificationException e = fails("expiry.cert.json", log, null);
    assertThat(e.link()).isEqualTo("expiry");
    assertThat(e.getMessage())
        .isEqualTo("expiry: expired at " + T0.minus(Duration.ofDays(40)).plus(Fixtures.VALIDITY));
    assertThat(e.hint()).hasValue("certify the cluster again");
  }

  @Test
  void expiry_issuedInTheFuture_failsTheExpiry() throws Exception {
    CertificateBundle b = bundle("good.cert.json");
    VerificationException e =
        catchThrowableOfType(
            VerificationException.class,
            () ->
                CertificateVerifier.verify(
                    b, root, Fixtures.EVIDENCE, T0.minusSeconds(1), null, null));
    assertThat(e.getMessage()).isEqualTo("expiry: issued in the future (" + T0 + ")");
  }

  @Test
  void revocation_revokedOnTheLog_failsTheRevocation() throws Exception {
    assertThat(verify("revocation.cert.json", null, null).links()).doesNotContain("revocation");
    VerificationException e = fails("revocation.cert.json", log, null);
    assertThat(e.link()).isEqualTo("revocation");
    assertThat(e.getMessage())
        .isEqualTo(
            "revocation: revoked at " + T0.plus(Duration.ofHours(1)) + ": cluster decommissioned");
  }

  @Test
  void clusterIdentity_anotherClustersCertificate_failsTheClusterIdentity() throws Exception {
    assertThat(verify("cluster-identity.cert.json", log, null).links()).contains("revocation");
    VerificationException e = fails("cluster-identity.cert.json", log, Fixtures.cluster("a"));
    assertThat(e.link()).isEqualTo("cluster identity");
    assertThat(e.getMessage())
        .isEqualTo(
            "cluster identity: the certificate is for cluster "
                + Fixtures.cluster("b")
                + " (https://b.example:6443), the live cluster is "
                + Fixtures.cluster("a"));
    assertThat(e.hint())
        .hasValue(
            "check that you verify against the cluster it was issued for: a certificate can't be"
                + " replayed for another");
  }

  @Test
  void embeddedCertificate_checkedAgainstAChain_failsTheLedgerRecord() throws Exception {
    FakeRegistry chain = new FakeRegistry("0x" + "11".repeat(20), FakeRegistry.CHAIN);
    VerificationException e = fails("good.cert.json", chain, null);
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger record: the certificate is recorded on the embedded log, not on "
                + chain.spec());
  }

  @Test
  void trustRootOfTheFixtures_namesWhatSignedThem() throws Exception {
    assertThat(root.current(TrustRoot.SigningKey.class))
        .containsExactly(new TrustRoot.SigningKey(Fixtures.raw(Fixtures.SIGNING)));
    assertThat(root.current(TrustRoot.LogKey.class))
        .containsExactly(new TrustRoot.LogKey(LOG.verifierKey()));
    assertThat(Keys.keyId(Fixtures.SIGNING.getPublic()))
        .isEqualTo(bundle("good.cert.json").envelope().signatures().get(0).keyid());
  }
}

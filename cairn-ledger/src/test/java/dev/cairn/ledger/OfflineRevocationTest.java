package dev.cairn.ledger;

import static dev.cairn.ledger.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.core.Digest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle's revocation proof, verified with no log at all: it holds when the certificate is not
 * revoked as of the checkpoint the trust root pins; it fails closed when the proof is missing from
 * the map's view (revoked), stale (behind the pin), newer without a consistency proof from the pin,
 * forged, or short of the cosignatures the root demands.
 */
class OfflineRevocationTest {
  static final NoteSigner W1 = Fixtures.noteSigner("witness.example/w1", "witness key 1");
  static final NoteSigner W2 = Fixtures.noteSigner("witness.example/w2", "witness key 2");

  @TempDir Path tmp;
  TransparencyLog log;
  CertificateBundle good;
  CertificateBundle other;

  @BeforeEach
  void setUp() throws Exception {
    log = TransparencyLog.open(tmp.resolve("log"), Fixtures.LOG);
    good = Fixtures.issue(log, Fixtures.Spec.good(), "good.cert.json");
    other = Fixtures.issue(log, Fixtures.Spec.good().cluster("b"), "b.cert.json");
  }

  @org.junit.jupiter.api.AfterEach
  void close() {
    log.close();
  }

  TrustRoot pinned() throws LedgerException {
    return Fixtures.root().withCheckpointOf(log);
  }

  CertificateBundle proven(CertificateBundle b, long from) throws LedgerException {
    return b.withRevocationProof(log.revocationProof(b.envelope().digest(), from));
  }

  static CertificateVerifier.Result verify(CertificateBundle b, TrustRoot t) throws Exception {
    return CertificateVerifier.verify(b, t, Fixtures.EVIDENCE, NOW, null, null, true);
  }

  static VerificationException fails(CertificateBundle b, TrustRoot t) {
    VerificationException e = catchThrowableOfType(VerificationException.class, () -> verify(b, t));
    assertThat(e).as("must not verify").isNotNull();
    return e;
  }

  void revoke(CertificateBundle b) throws LedgerException {
    log.revoke(new LedgerEntry.Revoked(b.envelope().digest(), "key leaked", Fixtures.T0));
  }

  @Test
  void aProofOfNonRevocation_verifiesWithNoLog_andRoundTripsThroughTheFile() throws Exception {
    revoke(other); // the map is not empty: the proof has real siblings
    CertificateBundle b = proven(good, -1);
    CertificateBundle read = CertificateBundle.parse(b.toJson());
    assertThat(read.revocationProof()).isEqualTo(b.revocationProof());
    CertificateVerifier.Result r = verify(read, pinned());
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
            "source");
    // without a proof and without a log, revocation is simply not checked
    assertThat(verify(good, pinned()).links()).doesNotContain("revocation", "ledger consistency");
  }

  @Test
  void aRevokedCertificate_failsWithItsRevocation() throws Exception {
    revoke(good);
    VerificationException e = fails(proven(good, -1), pinned());
    assertThat(e.link()).isEqualTo("revocation");
    assertThat(e.getMessage())
        .isEqualTo(
            "revocation: revoked at "
                + Fixtures.T0
                + ": key leaked (proven by the revocation map of the bundle's revocation proof)");
  }

  @Test
  void aProofOfAbsenceForARevokedCertificate_cannotBeMade() throws Exception {
    CertificateBundle before = proven(good, -1);
    revoke(good);
    // the old proof of absence, moved onto the new checkpoint, does not verify against its map
    RevocationProof old = before.revocationProof();
    RevocationProof moved =
        new RevocationProof(
            log.checkpoint().signedNote(), old.certificate(), null, old.proof(), -1, List.of());
    VerificationException e = fails(good.withRevocationProof(moved), pinned());
    assertThat(e.link()).isEqualTo("revocation");
    assertThat(e.getMessage())
        .startsWith("revocation: the revocation proof does not verify against the revocation map");
  }

  @Test
  void aStaleProof_behindThePin_failsClosed() throws Exception {
    CertificateBundle b = proven(good, -1);
    long size = log.size();
    revoke(good); // the pin moves past the proof, to a checkpoint that revokes it
    VerificationException e = fails(b, pinned());
    assertThat(e.link()).isEqualTo("ledger consistency");
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger consistency: the revocation proof is against checkpoint size "
                + size
                + " of "
                + log.origin()
                + ", behind the checkpoint the trust root pins (size "
                + log.size()
                + "): it is stale and may predate a revocation");
  }

  @Test
  void aNewerProof_needsAConsistencyProofFromThePin() throws Exception {
    TrustRoot t = pinned();
    long pinnedSize = log.size();
    Fixtures.issue(log, Fixtures.Spec.good().cluster("c"), "c.cert.json");
    VerificationException e = fails(proven(good, -1), t);
    assertThat(e.getMessage())
        .isEqualTo(
            "ledger consistency: the revocation proof's checkpoint (size "
                + log.size()
                + ") is newer than the one the trust root pins (size "
                + pinnedSize
                + ") and carries no consistency proof from it");
    assertThat(verify(proven(good, pinnedSize), t).links()).contains("revocation");
    // a forged consistency proof fails
    RevocationProof p = proven(good, pinnedSize).revocationProof();
    List<byte[]> forged = new ArrayList<>(p.consistency());
    byte[] h = forged.get(0).clone();
    h[0] ^= 1;
    forged.set(0, h);
    RevocationProof bad =
        new RevocationProof(
            p.checkpoint(), p.certificate(), null, p.proof(), p.consistencyFrom(), forged);
    assertThat(fails(good.withRevocationProof(bad), t).getMessage())
        .contains("is not an extension of the checkpoint the trust root pins");
  }

  @Test
  void noPin_aForgedCheckpoint_orAnotherCertificatesProof_failClosed() throws Exception {
    CertificateBundle b = proven(good, -1);
    assertThat(fails(b, Fixtures.root()).getMessage())
        .isEqualTo(
            "ledger consistency: the trust root pins no checkpoint of "
                + log.origin()
                + ", so how fresh the revocation proof is cannot be judged");
    RevocationProof p = b.revocationProof();
    String forged = p.checkpoint().replaceFirst("revocations 0 ", "revocations 1 ");
    RevocationProof forgedProof =
        new RevocationProof(forged, p.certificate(), null, p.proof(), -1, List.of());
    assertThat(fails(good.withRevocationProof(forgedProof), pinned()).getMessage())
        .isEqualTo(
            "ledger consistency: the revocation proof's checkpoint is not signed by a log key the"
                + " trust root trusts now");
    assertThat(
            fails(good.withRevocationProof(proven(other, -1).revocationProof()), pinned())
                .getMessage())
        .startsWith("revocation: the bundle's revocation proof is for certificate ");
  }

  @Test
  void requiredWitnesses_areCountedOnTheProofsCheckpoint() throws Exception {
    Clock clock = Clock.fixed(NOW.minusSeconds(60), ZoneOffset.UTC);
    TrustRoot t =
        pinned()
            .withWitness(Cosignature.verifierKey(W1), Fixtures.TRUSTED_SINCE)
            .withWitness(Cosignature.verifierKey(W2), Fixtures.TRUSTED_SINCE)
            .withRequiredWitnesses(2);
    VerificationException none = fails(proven(good, -1), t);
    assertThat(none.link()).isEqualTo("witnesses");
    String w1 = Cosignature.Key.parse(Cosignature.verifierKey(W1)).describe();
    String w2 = Cosignature.Key.parse(Cosignature.verifierKey(W2)).describe();
    assertThat(none.getMessage())
        .isEqualTo(
            "witnesses: 0 of 2 required cosignatures on the checkpoint of "
                + log.origin()
                + " at size "
                + log.size()
                + ": "
                + w1
                + " (no cosignature), "
                + w2
                + " (no cosignature)");
    try (Witness a = Witness.open(tmp.resolve("w1"), W1, clock);
        Witness b = Witness.open(tmp.resolve("w2"), W2, clock)) {
      Witness.Request req = new Witness.Request(0, List.of(), log.checkpoint().signedNote());
      log.addCosignatures(
          log.checkpoint().signedNote()
              + a.addCheckpoint(req, List.of(Fixtures.LOG.verifierKey())));
      VerificationException one = fails(proven(good, -1), t);
      assertThat(one.getMessage())
          .startsWith("witnesses: 1 of 2 required cosignatures on the checkpoint")
          .endsWith(w2 + " (no cosignature)");
      log.addCosignatures(
          log.checkpoint().signedNote()
              + b.addCheckpoint(req, List.of(Fixtures.LOG.verifierKey())));
      CertificateVerifier.Result r = verify(proven(good, -1), t);
      assertThat(r.links()).contains("ledger consistency", "witnesses", "revocation");
      // and the same root with the live log: the log's checkpoint now carries both
      assertThat(
              CertificateVerifier.verify(good, t, Fixtures.EVIDENCE, NOW, log, null, true).links())
          .containsSequence("ledger consistency", "witnesses", "expiry");
      // a witness retired before it cosigned does not count
      TrustRoot retired =
          t.retire(new TrustRoot.WitnessKey(Cosignature.verifierKey(W2)), NOW.minusSeconds(3600));
      assertThat(fails(proven(good, -1), retired).getMessage())
          .startsWith("witnesses: 1 of 2 required cosignatures")
          .contains(w2 + " (cosigned at " + clock.instant() + ", but trusted only from ");
    }
  }

  @Test
  void theMapInTheCheckpoint_isRecomputedWhenTheLogIsOpened() throws Exception {
    revoke(other);
    Checkpoint cp = log.checkpoint();
    assertThat(cp.revocations().orElseThrow().count()).isEqualTo(1);
    SparseMerkle.Map32 m = new SparseMerkle.Map32();
    m.putIfAbsent(
        other.envelope().digest().bytes(),
        Merkle.leafHash(
            log.entryBytes(log.indexOfRevocation(other.envelope().digest()).orElseThrow())));
    assertThat(cp.revocations().orElseThrow().root()).isEqualTo(m.root());
    log.close();
    try (TransparencyLog reader =
        TransparencyLog.openReadOnly(tmp.resolve("log"), Fixtures.LOG.verifierKey())) {
      assertThat(reader.checkpoint()).isEqualTo(cp);
      RevocationProof p = reader.revocationProof(other.envelope().digest(), -1);
      assertThat(p.revocation()).isNotNull();
      assertThat(p.check(cp.revocations().orElseThrow().root()).revoked()).isTrue();
    }
    log = TransparencyLog.open(tmp.resolve("log"), Fixtures.LOG);
  }

  /** The JSON of a proof names its parts; a malformed one fails the bundle naming the field. */
  @Test
  void aMalformedProof_failsTheFileNamingTheField() throws Exception {
    Map<String, Object> m = proven(good, -1).revocationProof().toMap();
    assertThat(m).containsKeys("checkpoint", "certificate", "emptySiblings", "siblings");
    String json =
        proven(good, -1)
            .toJson()
            .replace(
                "\"emptySiblings\" : \"" + m.get("emptySiblings") + "\"",
                "\"emptySiblings\" : \"" + Base64.getEncoder().encodeToString(new byte[31]) + "\"");
    assertThat(
            catchThrowableOfType(
                    dev.cairn.core.CairnException.class,
                    () -> CertificateBundle.parse(json, "x.cert.json"))
                .getMessage())
        .isEqualTo(
            "not a Cairn certificate file x.cert.json: 'revocationProof': the empty-sibling bitmap"
                + " is 32 bytes");
    assertThat(Digest.parse((String) m.get("certificate"))).isEqualTo(good.envelope().digest());
  }
}

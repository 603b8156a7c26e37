package dev.cairn.ledger;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Keys;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a certificate from public data, failing closed at the first link that breaks: signature,
 * signing key, statement, attestation, ledger inclusion, ledger consistency, expiry, revocation,
 * cluster identity.
 */
public final class CertificateVerifier {
  private CertificateVerifier() {}

  /**
   * Checks the scanner's evidence (provided by the attestation module, kept out of the ledger's
   * dependencies).
   */
  public interface EvidenceCheck {
    void check(
        String evidenceJson,
        List<byte[]> trustedPlatformKeys,
        java.util.Set<Digest> measurements,
        byte[] expectedReportData)
        throws CairnException;
  }

  /** Everything that verified. */
  public record Result(Certificate certificate, Digest certificateDigest, List<String> links) {}

  /**
   * @param ledger the log to check revocation and freshness against (null: offline, revocation
   *     unchecked)
   * @param liveClusterId identity of the live cluster to compare (null: not checked)
   */
  public static Result verify(
      CertificateBundle b,
      TrustAnchors t,
      EvidenceCheck evidence,
      Instant now,
      @Nullable TransparencyLog ledger,
      @Nullable Digest liveClusterId)
      throws VerificationException {
    return verify(b, t, evidence, now, ledger, null, liveClusterId);
  }

  /**
   * @param registry the blockchain registry a chain-recorded certificate must be on (null: such a
   *     certificate fails the ledger record link)
   */
  public static Result verify(
      CertificateBundle b,
      TrustAnchors t,
      EvidenceCheck evidence,
      Instant now,
      @Nullable TransparencyLog ledger,
      @Nullable RegistryView registry,
      @Nullable Digest liveClusterId)
      throws VerificationException {
    List<String> ok = new ArrayList<>();
    PublicKey key;
    try {
      key = Keys.ed25519Public(b.signingKey());
    } catch (GeneralSecurityException e) {
      throw new VerificationException(
          "signature", "the certificate's signing key is not an Ed25519 key", null);
    }
    if (!Dsse.verify(b.envelope(), key)) {
      throw new VerificationException(
          "signature",
          "the DSSE signature does not verify (certificate altered or signed by another key)",
          null);
    }
    ok.add("signature");
    if (!MessageDigest.isEqual(b.signingKey(), t.signingKey())) {
      throw new VerificationException(
          "signing key",
          "signed with key "
              + Keys.keyId(key)
              + ", not the key the attestation service releases to the measured scanner",
          "check that trust.json belongs to the attestation service that issued it");
    }
    ok.add("signing key");
    if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(b.envelope().payloadType())) {
      throw new VerificationException(
          "statement", "payload type is " + b.envelope().payloadType() + ", not in-toto", null);
    }
    Certificate c;
    try {
      c = Certificate.parse(b.envelope().payload());
    } catch (CairnException e) {
      throw new VerificationException("statement", String.valueOf(e.getMessage()), null);
    }
    if (!c.signingKey().equals(Keys.keyId(key)) || !c.policy().equals(t.policy())) {
      throw new VerificationException(
          "statement",
          "the certificate names another signing key or attestation policy than the trusted ones",
          null);
    }
    ok.add("statement");
    if (!t.measurements().contains(c.measurement())) {
      throw new VerificationException(
          "attestation",
          "scanner measurement " + c.measurement() + " is not one the attestation policy approves",
          "the scanner was modified or is not the approved build");
    }
    try {
      evidence.check(
          c.evidenceJson(),
          t.platformKeys(),
          t.measurements(),
          Certificate.bindingReportData(c.reportDigest(), c.clusterId(), c.signingKey()));
    } catch (CairnException e) {
      throw new VerificationException("attestation", String.valueOf(e.getMessage()), null);
    }
    ok.add("attestation");
    Digest certDigest = b.envelope().digest();
    RegistryView.@Nullable OnChain onChain = null;
    if (b.chain() != null) {
      onChain = onChain(b, c, certDigest, t, registry);
      ok.add("ledger record");
      ok.add("ledger issuer");
    } else {
      Checkpoint cp;
      try {
        NoteSigner.verify(b.checkpoint(), t.logVerifierKey());
        cp = Checkpoint.parse(b.checkpoint());
      } catch (LedgerException e) {
        throw new VerificationException(
            "ledger checkpoint",
            String.valueOf(e.getMessage()),
            "the checkpoint was forged or comes from another log");
      }
      LedgerEntry.Issued entry =
          new LedgerEntry.Issued(
              c.clusterId(),
              certDigest,
              b.issuedAt(),
              c.expiresAt(),
              b.locator(),
              b.envelope().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] leaf = Merkle.leafHash(TransparencyLog.bytes(entry));
      if (!Merkle.verifyInclusion(b.index(), cp.size(), leaf, b.inclusionProof(), cp.root())) {
        throw new VerificationException(
            "ledger inclusion",
            "the certificate is not in the log at index "
                + b.index()
                + " of checkpoint size "
                + cp.size(),
            null);
      }
      ok.add("ledger inclusion");
      if (ledger != null) {
        Checkpoint now0 = ledger.checkpoint();
        if (now0.size() < cp.size()
            || !Merkle.verifyConsistency(
                cp.size(),
                now0.size(),
                ledger.consistencyProof(cp.size(), now0.size()),
                cp.root(),
                now0.root())) {
          throw new VerificationException(
              "ledger consistency",
              "the log's current checkpoint is not an extension of the certificate's (forked log)",
              null);
        }
        ok.add("ledger consistency");
      }
    }
    if (now.isBefore(c.issuedAt())) {
      throw new VerificationException(
          "expiry", "issued in the future (" + c.issuedAt() + ")", "check the clock");
    }
    if (!now.isBefore(c.expiresAt())) {
      throw new VerificationException(
          "expiry", "expired at " + c.expiresAt(), "certify the cluster again");
    }
    ok.add("expiry");
    if (onChain != null) {
      if (onChain.revokedAt() != null) {
        throw new VerificationException(
            "revocation",
            "revoked on chain at " + onChain.revokedAt() + ": " + onChain.revocationReason(),
            null);
      }
      ok.add("revocation");
    } else if (ledger != null) {
      Optional<LedgerEntry.Revoked> r;
      try {
        r = ledger.revocation(certDigest);
      } catch (LedgerException e) {
        throw new VerificationException("revocation", String.valueOf(e.getMessage()), null);
      }
      if (r.isPresent()) {
        throw new VerificationException(
            "revocation", "revoked at " + r.get().revokedAt() + ": " + r.get().reason(), null);
      }
      ok.add("revocation");
    }
    if (liveClusterId != null) {
      if (!liveClusterId.equals(c.clusterId())) {
        throw new VerificationException(
            "cluster identity",
            "the certificate is for cluster "
                + c.clusterId()
                + " ("
                + c.server()
                + "), the live cluster is "
                + liveClusterId,
            "a certificate can't be replayed for another cluster");
      }
      ok.add("cluster identity");
    }
    return new Result(c, certDigest, ok);
  }

  private static RegistryView.OnChain onChain(
      CertificateBundle b,
      Certificate c,
      Digest certDigest,
      TrustAnchors t,
      @Nullable RegistryView registry)
      throws VerificationException {
    ChainReceipt chain = java.util.Objects.requireNonNull(b.chain());
    if (registry == null) {
      throw new VerificationException(
          "ledger record",
          "the certificate is recorded on " + b.ledger() + " and no chain was consulted",
          "verify it with --ledger " + b.ledger() + " (a chain record cannot be checked offline)");
    }
    if (t.ledgerIssuer().isEmpty() || t.ledgerRegistry().isEmpty()) {
      throw new VerificationException(
          "ledger record",
          "the trust anchors pin no Ethereum registry and issuer, so a chain record cannot be"
              + " trusted",
          "use the trust.json written by the cairn certify that recorded on the chain");
    }
    String pinned = t.ledgerRegistry().substring(t.ledgerRegistry().lastIndexOf('#') + 1);
    RegistryView.OnChain r;
    try {
      long id = registry.chainId();
      if (id != t.ledgerChainId() || !registry.contract().equalsIgnoreCase(pinned)) {
        throw new VerificationException(
            "ledger record",
            "the trust anchors pin registry "
                + pinned
                + " on chain "
                + t.ledgerChainId()
                + "; "
                + registry.describe()
                + " is not it",
            "read the chain the trust anchors name (or a node of that chain)");
      }
      if (id != chain.chainId()) {
        throw new VerificationException(
            "ledger record",
            "the endpoint serves chain "
                + id
                + "; the certificate was recorded on chain "
                + chain.chainId(),
            "point --ledger at a node of chain " + chain.chainId());
      }
      if (!registry.contract().equalsIgnoreCase(chain.contract())) {
        throw new VerificationException(
            "ledger record",
            "the certificate was recorded by registry "
                + chain.contract()
                + ", not "
                + registry.contract(),
            null);
      }
      r =
          registry
              .record(certDigest)
              .orElseThrow(
                  () ->
                      new VerificationException(
                          "ledger record",
                          "certificate "
                              + certDigest
                              + " is not on the registry "
                              + registry.describe(),
                          "it was never recorded there, or the receipt was forged"));
      if (!r.cluster().equals(c.clusterId())
          || r.expiresAt().getEpochSecond() != c.expiresAt().getEpochSecond()) {
        throw new VerificationException(
            "ledger record",
            "the registry records certificate "
                + certDigest
                + " for cluster "
                + r.cluster()
                + " until "
                + r.expiresAt()
                + ", not what it says",
            null);
      }
      if (!t.ledgerIssuer().equalsIgnoreCase(r.issuer())
          || !chain.issuer().equalsIgnoreCase(r.issuer())) {
        throw new VerificationException(
            "ledger issuer",
            "recorded by "
                + r.issuer()
                + ", not by the key the attestation service releases to the measured scanner ("
                + t.ledgerIssuer()
                + ")",
            "check that trust.json belongs to the attestation service that issued it");
      }
      if (!registry.isIssuer(r.issuer())) {
        throw new VerificationException(
            "ledger issuer",
            "issuer " + r.issuer() + " no longer holds the issuer role on the registry",
            "the registry's admin revoked it, e.g. after a key compromise");
      }
    } catch (LedgerException e) {
      throw new VerificationException("ledger record", String.valueOf(e.getMessage()), null);
    }
    return r;
  }
}

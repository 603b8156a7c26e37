package dev.cairn.ledger;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Json;
import dev.cairn.core.Keys;
import dev.cairn.ledger.TrustRoot.Entry;
import dev.cairn.ledger.TrustRoot.LedgerPin;
import dev.cairn.ledger.TrustRoot.LogKey;
import dev.cairn.ledger.TrustRoot.Measurement;
import dev.cairn.ledger.TrustRoot.PlatformKey;
import dev.cairn.ledger.TrustRoot.Policy;
import dev.cairn.ledger.TrustRoot.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a certificate from public data, failing closed at the first link that breaks: signature,
 * signing key, statement, attestation, ledger checkpoint, ledger inclusion, ledger consistency,
 * witnesses (when the trust root demands cosignatures) (or, on a blockchain, ledger record and
 * ledger issuer), expiry, revocation, source, cluster identity.
 *
 * <p>Without a log, a bundle's {@link RevocationProof} stands in for it: {@code ledger consistency}
 * then checks the proof's checkpoint against the trust root's pin (not behind it, not forked from
 * it), {@code witnesses} its cosignatures, and {@code revocation} the sparse Merkle proof against
 * the revocation map the checkpoint commits to.
 *
 * <p>{@code source}: a certificate made from a snapshot only claims its cluster's identity (whoever
 * wrote the snapshot could name any cluster), so it verifies only when the trust root accepts
 * snapshot certificates or the caller does. {@code ledger consistency} on the embedded log also
 * demands that the log extends the checkpoint the trust root pins, so a log rolled back (to undo a
 * revocation) fails.
 *
 * <p>What made the certificate is checked against the {@link TrustRoot} at the certificate's issue
 * time: its signing key, attestation policy, scanner measurement, the platform key of its evidence,
 * the log key of its checkpoint and, on a blockchain, the issuer (at the block time of the record,
 * which must be within {@link #RECORD_TIME_TOLERANCE} of the issue time the certificate states).
 */
public final class CertificateVerifier {
  /**
   * How far the issue time a certificate states may be from the time its ledger recorded it (a
   * block timestamp): a certificate dated otherwise was backdated (e.g. to fall into the window of
   * a retired key) or held back.
   */
  public static final Duration RECORD_TIME_TOLERANCE = Duration.ofMinutes(10);

  private CertificateVerifier() {}

  /**
   * Checks the scanner's evidence (provided by the attestation module, kept out of the ledger's
   * dependencies).
   */
  public interface EvidenceCheck {
    /**
     * @param trustedPlatformKeys raw Ed25519 platform keys trusted at the certificate's issue time
     * @param measurements the scanner measurements trusted at the certificate's issue time
     * @param expectedReportData what the evidence must bind ({@link Certificate#bindingReportData})
     */
    void check(
        String evidenceJson,
        List<byte[]> trustedPlatformKeys,
        Set<Digest> measurements,
        byte[] expectedReportData)
        throws CairnException;
  }

  /**
   * Everything that verified.
   *
   * @param links the links checked, in order
   */
  public record Result(Certificate certificate, Digest certificateDigest, List<String> links) {
    public Result {
      links = List.copyOf(links);
    }
  }

  /**
   * Verifies {@code b} against {@code t} at {@code now}.
   *
   * @param ledger where to check the record: a {@link TransparencyLog} (consistency of the
   *     certificate's checkpoint with the log's, and revocation) for a certificate on the embedded
   *     log; a {@link RegistryView} (the chain record, its issuer and revocation) for one on a
   *     blockchain; null: offline (revocation unchecked; a chain-recorded certificate then fails
   *     the ledger record link)
   * @param liveClusterId identity of the live cluster to compare (null: not checked)
   */
  public static Result verify(
      CertificateBundle b,
      TrustRoot t,
      EvidenceCheck evidence,
      Instant now,
      @Nullable Ledger ledger,
      @Nullable Digest liveClusterId)
      throws VerificationException {
    return verify(b, t, evidence, now, ledger, liveClusterId, false);
  }

  /**
   * Verifies {@code b} against {@code t} at {@code now}, as {@link #verify(CertificateBundle,
   * TrustRoot, EvidenceCheck, Instant, Ledger, Digest)} does.
   *
   * @param acceptSnapshot accept a certificate made from a snapshot even if the trust root does not
   */
  public static Result verify(
      CertificateBundle b,
      TrustRoot t,
      EvidenceCheck evidence,
      Instant now,
      @Nullable Ledger ledger,
      @Nullable Digest liveClusterId,
      boolean acceptSnapshot)
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
    SigningKey signingKey = new SigningKey(b.signingKey());
    List<Entry> keyWindows = t.windows(signingKey);
    if (keyWindows.isEmpty()) {
      throw new VerificationException(
          "signing key",
          "signed with key "
              + Keys.keyId(key)
              + ", not the key the attestation service releases to the measured scanner",
          "check that trust.json belongs to the attestation service that issued it");
    }
    // the key's window is checked at the issue time the (signed) statement states; a statement
    // that cannot be read fails the statement link next
    Certificate stated = statementOrNull(b);
    if (stated != null && !t.trustedAt(signingKey, stated.issuedAt())) {
      throw new VerificationException(
          "signing key",
          "signed at "
              + stated.issuedAt()
              + " by key "
              + Keys.keyId(key)
              + ", which was trusted only "
              + windows(keyWindows),
          "certify the cluster again with the attestation service's current key (a certificate"
              + " verifies only if its key was trusted when it was issued)");
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
    Instant issued = c.issuedAt();
    List<Entry> policyWindows =
        t.items(Policy.class).stream()
            .filter(p -> p.digest().equals(c.policy()))
            .findFirst()
            .map(t::windows)
            .orElse(List.of());
    if (!c.signingKey().equals(Keys.keyId(key)) || policyWindows.isEmpty()) {
      throw new VerificationException(
          "statement",
          "the certificate names another signing key or attestation policy than the trusted ones",
          null);
    }
    if (policyWindows.stream().noneMatch(w -> w.contains(issued))) {
      throw new VerificationException(
          "statement",
          "issued at "
              + issued
              + " under "
              + policyWindows.get(0).item().describe()
              + ", which was trusted only "
              + windows(policyWindows),
          "certify the cluster again under the current policy (the certificate's was superseded"
              + " before it was issued)");
    }
    long judged = c.summary().getOrDefault("passed", 0L) + c.summary().getOrDefault("waived", 0L);
    if (judged == 0) {
      throw new VerificationException(
          "statement",
          "the certificate's scan judged nothing ("
              + c.summary()
              + "): every check was not"
              + " applicable",
          "certify a snapshot or cluster that holds its workloads: a certificate no check judged"
              + " says nothing about the cluster");
    }
    ok.add("statement");
    Measurement measurement = new Measurement(c.measurement());
    List<Entry> measurementWindows = t.windows(measurement);
    if (measurementWindows.isEmpty()) {
      throw new VerificationException(
          "attestation",
          "scanner measurement " + c.measurement() + " is not one the attestation policy approves",
          "certify with the approved scanner build: this one was modified or is another");
    }
    if (!t.trustedAt(measurement, issued)) {
      throw new VerificationException(
          "attestation",
          "issued at "
              + issued
              + " by scanner measurement "
              + c.measurement()
              + ", which was approved only "
              + windows(measurementWindows),
          "certify the cluster again with the approved build (the certificate's was superseded"
              + " before it was issued)");
    }
    platformKeyWindow(c, t);
    try {
      evidence.check(
          c.evidenceJson(),
          t.trustedAt(PlatformKey.class, issued).stream().map(PlatformKey::key).toList(),
          t.trustedAt(Measurement.class, issued).stream()
              .map(Measurement::digest)
              .collect(Collectors.toCollection(LinkedHashSet::new)),
          Certificate.bindingReportData(c.reportDigest(), c.clusterId(), c.signingKey()));
    } catch (CairnException e) {
      throw new VerificationException("attestation", String.valueOf(e.getMessage()), null);
    }
    ok.add("attestation");
    Digest certDigest = b.envelope().digest();
    RegistryView.@Nullable OnChain onChain = null;
    TransparencyLog log = ledger instanceof TransparencyLog l ? l : null;
    // the revocation map of a bundle's revocation proof, once its checkpoint is checked
    Checkpoint.@Nullable Revocations proofMap = null;
    if (b.chain() != null) {
      onChain = onChain(b, c, certDigest, t, ledger instanceof RegistryView r ? r : null);
      ok.add("ledger record");
      ok.add("ledger issuer");
    } else {
      if (ledger != null && log == null) {
        throw new VerificationException(
            "ledger record",
            "the certificate is recorded on the "
                + b.ledger()
                + " log, not on "
                + ledger.describe(),
            "verify it against its own log (the default), or the embedded one",
            dev.cairn.core.Fix.of("verify.own-log"));
      }
      Checkpoint cp;
      try {
        checkpointKey(b.checkpoint(), t, issued);
        cp = Checkpoint.parse(b.checkpoint());
      } catch (LedgerException e) {
        throw new VerificationException(
            "ledger checkpoint",
            String.valueOf(e.getMessage()),
            e.hint()
                .orElse(
                    "check that the certificate comes from this log: its checkpoint was forged or is"
                        + " another log's"));
      }
      LedgerEntry.Issued entry =
          new LedgerEntry.Issued(
              c.clusterId(),
              certDigest,
              b.issuedAt(),
              c.expiresAt(),
              b.locator(),
              b.envelope().toJson().getBytes(StandardCharsets.UTF_8));
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
      if (log != null) {
        Checkpoint now0 = log.checkpoint();
        if (!now0.origin().equals(cp.origin())) {
          throw new VerificationException(
              "ledger consistency",
              "the certificate's checkpoint is of log "
                  + cp.origin()
                  + ", not of "
                  + log.describe()
                  + " ("
                  + now0.origin()
                  + ")",
              "verify it against the log it was recorded on, in the home that recorded it");
        }
        if (now0.size() < cp.size()
            || !Merkle.verifyConsistency(
                cp.size(),
                now0.size(),
                log.consistencyProof(cp.size(), now0.size()),
                cp.root(),
                now0.root())) {
          throw new VerificationException(
              "ledger consistency",
              "the log's current checkpoint is not an extension of the certificate's (forked log)",
              null);
        }
        try {
          t.requireConsistent(log);
        } catch (LedgerException e) {
          throw new VerificationException(
              "ledger consistency", String.valueOf(e.getMessage()), e.hint().orElse(null));
        }
        ok.add("ledger consistency");
        witnessed(t, log.checkpoint().signedNote(), now, ok);
      } else if (b.revocationProof() != null && ledger == null) {
        RevocationProof rp = Objects.requireNonNull(b.revocationProof());
        proofMap = proofCheckpoint(rp, cp, certDigest, t, now);
        ok.add("ledger consistency");
        witnessed(t, rp.checkpoint(), now, ok);
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
    } else if (log != null) {
      Optional<LedgerEntry.Revoked> r;
      try {
        r = log.revocation(certDigest);
      } catch (LedgerException e) {
        throw new VerificationException("revocation", String.valueOf(e.getMessage()), null);
      }
      if (r.isPresent()) {
        throw new VerificationException(
            "revocation", "revoked at " + r.get().revokedAt() + ": " + r.get().reason(), null);
      }
      ok.add("revocation");
    } else if (proofMap != null) {
      RevocationProof rp = Objects.requireNonNull(b.revocationProof());
      RevocationProof.Outcome o = rp.check(proofMap.root());
      if (!o.holds()) {
        throw new VerificationException(
            "revocation",
            "the revocation proof does not verify against the revocation map of its checkpoint"
                + " (forged, or for another certificate)",
            "get a fresh proof where the log is (cairn ledger prove)");
      }
      LedgerEntry.Revoked rev = o.entry();
      if (o.revoked() && rev != null) {
        throw new VerificationException(
            "revocation",
            "revoked at "
                + rev.revokedAt()
                + ": "
                + rev.reason()
                + " (proven by the revocation map of the bundle's revocation proof)",
            null);
      }
      ok.add("revocation");
    }
    if (c.source().equals("snapshot") && !acceptSnapshot && !t.acceptsSnapshots()) {
      throw new VerificationException(
          "source",
          "the certificate was made from a snapshot, which only claims its cluster's identity ("
              + c.server()
              + ", kube-system UID "
              + c.kubeSystemUid()
              + ")",
          "accept snapshot certificates only if you trust whoever took the snapshot; else certify"
              + " the live cluster",
          dev.cairn.core.Fix.of("verify.snapshot"));
    }
    if (!c.source().equals("live") && !c.source().equals("snapshot")) {
      throw new VerificationException(
          "source", "the certificate's source is " + c.source() + ", not live or snapshot", null);
    }
    ok.add("source");
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
            "check that you verify against the cluster it was issued for: a certificate can't be"
                + " replayed for another");
      }
      ok.add("cluster identity");
    }
    return new Result(c, certDigest, ok);
  }

  /** The {@code witnesses} link: the checkpoint carries the cosignatures the root demands. */
  private static void witnessed(TrustRoot t, String note, Instant now, List<String> ok)
      throws VerificationException {
    if (t.requiredWitnesses() == 0) {
      return;
    }
    try {
      t.requireWitnessed(note, now);
    } catch (LedgerException e) {
      throw new VerificationException(
          "witnesses", String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
    ok.add("witnesses");
  }

  /**
   * Checks the checkpoint of a bundle's revocation proof (the {@code ledger consistency} link when
   * no log is read): signed by a log key trusted now, of the certificate's log and at least as
   * large as its checkpoint, and not behind the checkpoint the trust root pins — the same as it, or
   * newer with a consistency proof from it. Returns the revocation map it commits to.
   */
  private static Checkpoint.Revocations proofCheckpoint(
      RevocationProof rp, Checkpoint certCp, Digest certDigest, TrustRoot t, Instant now)
      throws VerificationException {
    String link = "ledger consistency";
    String fresh = "get a fresh proof where the log is (cairn ledger prove CERT)";
    if (!rp.certificate().equals(certDigest)) {
      throw new VerificationException(
          "revocation",
          "the bundle's revocation proof is for certificate " + rp.certificate() + ", not this one",
          fresh);
    }
    Checkpoint pc;
    Optional<Checkpoint.Revocations> map;
    try {
      boolean signed = false;
      for (LogKey k : t.trustedAt(LogKey.class, now)) {
        try {
          NoteSigner.verify(rp.checkpoint(), k.verifierKey());
          signed = true;
          break;
        } catch (LedgerException e) {
          // another trusted key may have signed it
        }
      }
      if (!signed) {
        throw new LedgerException(
            "the revocation proof's checkpoint is not signed by a log key the trust root trusts"
                + " now",
            fresh);
      }
      pc = Checkpoint.parse(rp.checkpoint());
      map = pc.revocations();
    } catch (LedgerException e) {
      throw new VerificationException(link, String.valueOf(e.getMessage()), e.hint().orElse(fresh));
    }
    if (!pc.origin().equals(certCp.origin()) || pc.size() < certCp.size()) {
      throw new VerificationException(
          link,
          "the revocation proof's checkpoint (size "
              + pc.size()
              + " of "
              + pc.origin()
              + ") does not cover the certificate's (size "
              + certCp.size()
              + " of "
              + certCp.origin()
              + ")",
          fresh);
    }
    Optional<Checkpoint> pinned = t.pinnedCheckpoint(pc.origin());
    if (pinned.isEmpty()) {
      throw new VerificationException(
          link,
          "the trust root pins no checkpoint of "
              + pc.origin()
              + ", so how fresh the revocation proof is cannot be judged",
          "use the trust.json published with the log (it pins the log's latest checkpoint), or"
              + " run cairn trust refresh where the log is");
    }
    Checkpoint pin = pinned.get();
    if (pc.size() < pin.size()) {
      throw new VerificationException(
          link,
          "the revocation proof is against checkpoint size "
              + pc.size()
              + " of "
              + pc.origin()
              + ", behind the checkpoint the trust root pins (size "
              + pin.size()
              + "): it is stale and may predate a revocation",
          fresh);
    }
    if (pc.size() == pin.size()) {
      Optional<Checkpoint.Revocations> pinMap;
      try {
        pinMap = pin.revocations();
      } catch (LedgerException e) {
        pinMap = Optional.empty();
      }
      if (!java.security.MessageDigest.isEqual(pc.root(), pin.root())
          || (pinMap.isPresent() && !pinMap.equals(map))) {
        throw new VerificationException(
            link,
            "the revocation proof's checkpoint at size "
                + pc.size()
                + " differs from the one the trust root pins at that size: the log forked",
            "treat the log as compromised: it signed two different checkpoints of one size");
      }
    } else if (rp.consistencyFrom() != pin.size()) {
      throw new VerificationException(
          link,
          "the revocation proof's checkpoint (size "
              + pc.size()
              + ") is newer than the one the trust root pins (size "
              + pin.size()
              + ") and carries no consistency proof from it",
          "get a proof with a consistency proof from the pinned size (cairn ledger prove CERT"
              + " --trust-root TRUST), or refresh the trust root where the log is");
    } else if (!Merkle.verifyConsistency(
        pin.size(), pc.size(), rp.consistency(), pin.root(), pc.root())) {
      throw new VerificationException(
          link,
          "the revocation proof's checkpoint (size "
              + pc.size()
              + ") is not an extension of the checkpoint the trust root pins (size "
              + pin.size()
              + "): a forked or rewritten log",
          "treat the log as compromised, or get a fresh proof");
    }
    if (map.isEmpty()) {
      throw new VerificationException(
          "revocation",
          "the revocation proof's checkpoint (size "
              + pc.size()
              + ") commits to no revocation map (an older Cairn signed it)",
          fresh);
    }
    return map.get();
  }

  /** The statement, or null if it cannot be read (the statement link then says why). */
  private static @Nullable Certificate statementOrNull(CertificateBundle b) {
    if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(b.envelope().payloadType())) {
      return null;
    }
    try {
      return Certificate.parse(b.envelope().payload());
    } catch (CairnException e) {
      return null;
    }
  }

  /**
   * A platform key the root lists, but not for the issue time, fails here with its window; one it
   * does not list at all is the evidence check's to refuse.
   */
  private static void platformKeyWindow(Certificate c, TrustRoot t) throws VerificationException {
    String named;
    try {
      named =
          Json.parse(c.evidenceJson()) instanceof Map<?, ?> ev
                  && ev.get("platformKey") instanceof String k
              ? k
              : "";
    } catch (java.io.IOException e) {
      return;
    }
    for (PlatformKey k : t.items(PlatformKey.class)) {
      if (k.keyId().equals(named) && !t.trustedAt(k, c.issuedAt())) {
        throw new VerificationException(
            "attestation",
            "issued at "
                + c.issuedAt()
                + " with evidence signed by "
                + k.describe()
                + ", which was trusted only "
                + windows(t.windows(k)),
            "certify the cluster again (the platform key was retired before the certificate was"
                + " issued)");
      }
    }
  }

  /**
   * The checkpoint is signed by a log key trusted at the issue time; a key the root lists but not
   * for that time is named with its windows.
   */
  private static void checkpointKey(String note, TrustRoot t, Instant issued)
      throws LedgerException {
    List<LogKey> trusted = t.trustedAt(LogKey.class, issued);
    List<LedgerException> failures = new ArrayList<>();
    for (LogKey k : trusted) {
      try {
        NoteSigner.verify(note, k.verifierKey());
        return;
      } catch (LedgerException e) {
        failures.add(e);
      }
    }
    for (LogKey k : t.items(LogKey.class)) {
      if (trusted.contains(k)) {
        continue;
      }
      try {
        NoteSigner.verify(note, k.verifierKey());
      } catch (LedgerException e) {
        continue;
      }
      throw new LedgerException(
          "checkpoint signed by "
              + k.describe()
              + ", which was trusted only "
              + windows(t.windows(k))
              + "; the certificate was issued at "
              + issued,
          "certify the cluster again (the log key was retired before the certificate was issued)");
    }
    if (failures.size() == 1) {
      throw failures.get(0);
    }
    // a key whose name signed the note but whose signature is bad says more than "not signed by"
    for (LedgerException e : failures) {
      if (!String.valueOf(e.getMessage()).startsWith("checkpoint is not signed by")) {
        throw e;
      }
    }
    throw new LedgerException(
        "checkpoint is not signed by a log key trusted at "
            + issued
            + (trusted.isEmpty()
                ? " (the trust root lists none for that time)"
                : " ("
                    + trusted.stream().map(LogKey::name).collect(Collectors.joining(", "))
                    + ")"),
        null);
  }

  /** {@code from A until B}, or several of them joined with "and". */
  static String windows(List<Entry> ws) {
    return ws.stream().map(Entry::window).collect(Collectors.joining(" and "));
  }

  private static RegistryView.OnChain onChain(
      CertificateBundle b,
      Certificate c,
      Digest certDigest,
      TrustRoot t,
      @Nullable RegistryView registry)
      throws VerificationException {
    ChainReceipt chain = Objects.requireNonNull(b.chain());
    if (registry == null) {
      throw new VerificationException(
          "ledger record",
          "the certificate is recorded on " + b.ledger() + " and no chain was consulted",
          "verify it against " + b.ledger() + " (a chain record cannot be checked offline)",
          dev.cairn.core.Fix.of("verify.on-chain", "ledger", b.ledger()));
    }
    List<LedgerPin> pins = pinsNewestFirst(t);
    if (pins.isEmpty()) {
      throw new VerificationException(
          "ledger record",
          "the trust anchors pin no Ethereum registry and issuer, so a chain record cannot be"
              + " trusted",
          "use the trust root written by the certification that recorded on the chain");
    }
    RegistryView.OnChain r;
    try {
      long id = registry.chainId();
      List<LedgerPin> here =
          pins.stream().filter(p -> p.sameRegistry(registry.contract(), id)).toList();
      if (here.isEmpty()) {
        throw new VerificationException(
            "ledger record",
            "the trust anchors pin registry "
                + pins.stream()
                    .map(p -> p.address() + " on chain " + p.chainId())
                    .distinct()
                    .collect(Collectors.joining(", "))
                + "; "
                + registry.describe()
                + " is not it",
            "read the chain the trust anchors name (or a node of that chain)");
      }
      int version = registry.contractVersion();
      if (here.stream().noneMatch(p -> p.contractVersion() == version)) {
        throw new VerificationException(
            "ledger record",
            "the trust anchors pin registry "
                + registry.contract()
                + " on chain "
                + id
                + " as contract version "
                + here.get(0).contractVersion()
                + ", but its code is version "
                + version,
            "use the trust root written by the certification that recorded on this registry");
      }
      here = here.stream().filter(p -> p.contractVersion() == version).toList();
      if (id != chain.chainId()) {
        throw new VerificationException(
            "ledger record",
            "the endpoint serves chain "
                + id
                + "; the certificate was recorded on chain "
                + chain.chainId(),
            "read a node of chain " + chain.chainId(),
            dev.cairn.core.Fix.of("verify.chain-node", "chain", Long.toString(chain.chainId())));
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
              .record(c.clusterId(), certDigest)
              .orElseThrow(
                  () ->
                      new VerificationException(
                          "ledger record",
                          "certificate "
                              + certDigest
                              + " is not on the registry "
                              + registry.describe(),
                          "check the registry it names: the certificate was never recorded there, or the"
                              + " receipt was forged"));
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
      if (Duration.between(r.issuedAt(), c.issuedAt()).abs().compareTo(RECORD_TIME_TOLERANCE) > 0) {
        throw new VerificationException(
            "ledger record",
            "the registry recorded certificate "
                + certDigest
                + " at "
                + r.issuedAt()
                + ", but it says it was issued at "
                + c.issuedAt()
                + " (more than "
                + RECORD_TIME_TOLERANCE.toMinutes()
                + " minutes apart)",
            "treat it as forged: a certificate is recorded when it is issued, and this one was"
                + " backdated or held back");
      }
      String recordedBy = r.issuer();
      List<LedgerPin> byIssuer =
          here.stream().filter(p -> p.issuer().equalsIgnoreCase(recordedBy)).toList();
      if (byIssuer.isEmpty() || !chain.issuer().equalsIgnoreCase(recordedBy)) {
        throw new VerificationException(
            "ledger issuer",
            "recorded by "
                + recordedBy
                + ", not by the key the attestation service releases to the measured scanner ("
                + here.stream().map(LedgerPin::issuer).distinct().collect(Collectors.joining(", "))
                + ")",
            "check that trust.json belongs to the attestation service that issued it");
      }
      if (byIssuer.stream().noneMatch(p -> t.trustedAt(p, r.issuedAt()))) {
        List<Entry> ws = new ArrayList<>();
        byIssuer.forEach(p -> ws.addAll(t.windows(p)));
        throw new VerificationException(
            "ledger issuer",
            "recorded at "
                + r.issuedAt()
                + " by issuer "
                + recordedBy
                + ", which was trusted on this registry only "
                + windows(ws),
            "certify the cluster again (the issuer was replaced before the record was made)");
      }
      if (!registry.isIssuer(recordedBy)) {
        throw new VerificationException(
            "ledger issuer",
            "issuer " + recordedBy + " no longer holds the issuer role on the registry",
            "certify the cluster again with a current issuer (the registry's admin removed this one,"
                + " e.g. after a key compromise)");
      }
    } catch (LedgerException e) {
      throw new VerificationException("ledger record", String.valueOf(e.getMessage()), null);
    }
    return r;
  }

  /** The pins, those still open first, newest first. */
  private static List<LedgerPin> pinsNewestFirst(TrustRoot t) {
    List<LedgerPin> out = new ArrayList<>(t.current(LedgerPin.class));
    List<LedgerPin> all = new ArrayList<>(t.items(LedgerPin.class));
    java.util.Collections.reverse(all);
    java.util.Collections.reverse(out);
    for (LedgerPin p : all) {
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }
}

package dev.cairn.ledger;

import dev.cairn.core.Digest;
import java.util.List;
import java.util.Optional;

/**
 * Where certificates are recorded. Implementations: the embedded transparency log (default) and an
 * Ethereum certificate registry (cairn-ethereum). Every method that changes the ledger is durable
 * when it returns; a crash in the middle leaves no half-written entry.
 */
public interface Ledger extends AutoCloseable {
  /** For people: {@code embedded log /path}, {@code ethereum:URL#ADDRESS}. */
  String describe();

  /**
   * Records an issued certificate; returns a receipt. Issuing the same certificate twice returns
   * the first receipt.
   */
  LedgerReceipt issue(LedgerEntry.Issued entry) throws LedgerException;

  /**
   * The attestation secret a measured workload needs to record here ({@code ledger-key}), or empty
   * when it needs none.
   */
  default String issuerSecret() {
    return "";
  }

  /**
   * Checks, before anything is scanned, that a workload holding the key whose public half is {@code
   * issuerPublicKey} can record here (it holds the issuer role and can pay); returns the issuer as
   * the ledger names it (an address), or empty when the ledger has no issuers.
   */
  default String checkIssuer(byte[] issuerPublicKey) throws LedgerException {
    return "";
  }

  /**
   * The key that verifies this ledger's signed checkpoints (a C2SP note verifier key), for a ledger
   * that signs them.
   */
  default Optional<String> checkpointKey() {
    return Optional.empty();
  }

  /** The latest signed checkpoint (a C2SP signed note), for a ledger that signs them. */
  default Optional<String> signedCheckpoint() {
    return Optional.empty();
  }

  /**
   * The proof that the log's tree of {@code toSize} entries extends its tree of {@code fromSize}
   * (RFC 9162 consistency proof), for a ledger that signs checkpoints.
   */
  default List<byte[]> consistencyProof(long fromSize, long toSize) throws LedgerException {
    throw new LedgerException(describe() + " has no checkpoints to prove consistent", null);
  }

  /** Records a revocation. */
  LedgerReceipt revoke(LedgerEntry.Revoked entry) throws LedgerException;

  /** The issue record of a certificate, if the ledger has it. */
  Optional<LedgerEntry.Issued> find(Digest certificate) throws LedgerException;

  /** The revocation of a certificate, if any. */
  Optional<LedgerEntry.Revoked> revocation(Digest certificate) throws LedgerException;

  /** Every certificate issued for a cluster, oldest first. */
  List<LedgerEntry.Issued> history(Digest cluster) throws LedgerException;

  /**
   * The clusters with certificates here whose id starts with {@code hexPrefix} (8 or more hex
   * digits), in id order. A ledger that cannot search names clusters by their full id only.
   */
  default List<Digest> clustersStartingWith(String hexPrefix) throws LedgerException {
    throw new LedgerException(
        describe() + " finds a cluster by its full id or a certificate file only, not " + hexPrefix,
        "pass sha256:<64 hex digits> or a .cert.json");
  }

  /** The position of a certificate's issue entry, on a ledger with positions. */
  default java.util.OptionalLong indexOf(Digest certificate) throws LedgerException {
    return java.util.OptionalLong.empty();
  }

  /** The number of entries, on a ledger that counts them. */
  default java.util.OptionalLong entryCount() {
    return java.util.OptionalLong.empty();
  }

  /** The newest certificate issued for a cluster. */
  default Optional<LedgerEntry.Issued> latest(Digest cluster) throws LedgerException {
    List<LedgerEntry.Issued> h = history(cluster);
    return h.isEmpty() ? Optional.empty() : Optional.of(h.get(h.size() - 1));
  }

  @Override
  void close();
}

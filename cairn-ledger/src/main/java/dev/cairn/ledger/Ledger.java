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

  /** Records a revocation. */
  LedgerReceipt revoke(LedgerEntry.Revoked entry) throws LedgerException;

  /** The issue record of a certificate, if the ledger has it. */
  Optional<LedgerEntry.Issued> find(Digest certificate) throws LedgerException;

  /** The revocation of a certificate, if any. */
  Optional<LedgerEntry.Revoked> revocation(Digest certificate) throws LedgerException;

  /** Every certificate issued for a cluster, oldest first. */
  List<LedgerEntry.Issued> history(Digest cluster) throws LedgerException;

  /** The newest certificate issued for a cluster. */
  default Optional<LedgerEntry.Issued> latest(Digest cluster) throws LedgerException {
    List<LedgerEntry.Issued> h = history(cluster);
    return h.isEmpty() ? Optional.empty() : Optional.of(h.get(h.size() - 1));
  }

  @Override
  void close();
}

package dev.cairn.ledger;

import java.util.List;

/**
 * Proof that an entry is in the log: its index, the checkpoint it is committed to, and the
 * inclusion proof against that checkpoint.
 */
public record Receipt(long index, Checkpoint checkpoint, List<byte[]> inclusionProof)
    implements LedgerReceipt {
  public Receipt {
    inclusionProof = inclusionProof.stream().map(byte[]::clone).toList();
  }
}

package dev.cairn.ledger;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Secret;
import org.jspecify.annotations.Nullable;

/**
 * How to open a ledger.
 *
 * @param home Cairn's home (the embedded log and per-ledger state live there)
 * @param signer the key that sends transactions on a chain ledger (an issuer's, released to the
 *     measured scanner, or the registry admin's); null: read only. The embedded log signs with its
 *     own key in {@code home}.
 * @param expectedChainId the chain the endpoint must serve (null: not checked)
 * @param confirmations blocks to wait for after a transaction on a chain
 * @param readOnly open only to read: never create, sign or write anything
 */
public record LedgerOptions(
    CairnHome home,
    @Nullable Secret signer,
    @Nullable Long expectedChainId,
    int confirmations,
    boolean readOnly) {
  public LedgerOptions {
    if (confirmations < 1) {
      throw new IllegalArgumentException("confirmations must be at least 1");
    }
  }

  /** To read a ledger: nothing is created, signed or written. */
  public static LedgerOptions reading(CairnHome home) {
    return new LedgerOptions(home, null, null, 1, true);
  }

  /** To record on a ledger. */
  public static LedgerOptions writing(CairnHome home) {
    return new LedgerOptions(home, null, null, 1, false);
  }

  public LedgerOptions withSigner(Secret key) {
    return new LedgerOptions(home, key, expectedChainId, confirmations, false);
  }

  public LedgerOptions withExpectedChainId(@Nullable Long chainId) {
    return new LedgerOptions(home, signer, chainId, confirmations, readOnly);
  }

  public LedgerOptions withConfirmations(int n) {
    return new LedgerOptions(home, signer, expectedChainId, n, readOnly);
  }
}

package dev.cairn.ledger;

import java.net.URI;
import java.util.Set;

/**
 * A kind of ledger, found by {@link Ledgers} through {@link java.util.ServiceLoader}: the embedded
 * transparency log ({@code embedded}) here, an Ethereum registry ({@code ethereum:URL#ADDRESS}) in
 * cairn-ethereum. Callers never branch on the kind: they open a {@link Ledger} and use it.
 */
public interface LedgerProvider {
  /** The URI scheme this provider opens ({@code embedded}, {@code ethereum}). */
  String scheme();

  /** How a user writes a ledger of this kind, for messages. */
  String syntax();

  /**
   * Checks the spelling of {@code ledger} without contacting anything.
   *
   * @throws LedgerException naming what is wrong with it
   */
  void check(URI ledger) throws LedgerException;

  /** Opens the ledger; with {@link LedgerOptions#readOnly()} nothing is created or written. */
  Ledger open(URI ledger, LedgerOptions options) throws LedgerException;

  /**
   * Whether writing to this ledger needs a key from the caller ({@link LedgerOptions#signer()}): a
   * chain's transactions are signed by an account; the embedded log signs with its own key.
   */
  default boolean needsSigner() {
    return false;
  }

  /** Whether there is anything to open (the embedded log may not have been created yet). */
  default boolean exists(URI ledger, LedgerOptions options) {
    return true;
  }

  /**
   * The environment variables a measured workload needs to reach this ledger (an endpoint given as
   * {@code ethereum:env:VAR#…}); nothing else of the environment reaches it.
   */
  default Set<String> environment(URI ledger) {
    return Set.of();
  }
}

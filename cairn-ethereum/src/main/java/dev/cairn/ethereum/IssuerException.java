package dev.cairn.ethereum;

import dev.cairn.ledger.LedgerException;
import java.net.URI;

/**
 * The key a measured workload would record with cannot record on the registry yet: it lacks the
 * issuer role or the ether to pay. Its fields say which key, registry and chain, so that an edge
 * can say exactly what to run.
 */
public final class IssuerException extends LedgerException {
  private static final long serialVersionUID = 1L;

  /** What is missing. */
  public enum Problem {
    /** The address does not hold the issuer role: the registry's admin must grant it. */
    NOT_ISSUER,
    /** The address has no ether on the chain to pay for the issuing transaction. */
    NO_ETHER
  }

  private final Problem problem;
  private final String address;
  private final long chainId;
  private final URI ledger;

  IssuerException(
      Problem problem, String message, String hint, String address, long chainId, URI ledger) {
    super(
        message,
        hint,
        problem == Problem.NOT_ISSUER
            ? dev.cairn.core.Fix.of(
                "ledger.grant-issuer",
                "ledger",
                dev.cairn.ledger.Ledgers.redacted(ledger.toString()),
                "issuer",
                address)
            : null,
        null);
    this.problem = problem;
    this.address = address;
    this.chainId = chainId;
    this.ledger = ledger;
  }

  public Problem problem() {
    return problem;
  }

  /** The issuer's address (lower-case 0x-hex). */
  public String address() {
    return address;
  }

  /** The chain the registry is on. */
  public long chainId() {
    return chainId;
  }

  /**
   * The registry as written ({@code ethereum:URL#ADDRESS}); a URL given in full, not as {@code
   * env:VAR}, may carry credentials, so show it with {@link dev.cairn.ledger.Ledgers#redacted}.
   */
  public URI ledger() {
    return ledger;
  }
}

package dev.cairn.ethereum;

import dev.cairn.ledger.LedgerException;

/** An Ethereum endpoint serves another chain than the one expected. */
public final class WrongChainException extends LedgerException {
  private static final long serialVersionUID = 1L;

  private final String endpoint;
  private final long served;
  private final long expected;

  /**
   * @param endpoint the endpoint as messages show it
   * @param suffix more of the message, e.g. {@code "; nothing was deployed"}
   */
  WrongChainException(String endpoint, long served, long expected, String suffix, String hint) {
    super(endpoint + " serves chain " + served + ", not chain " + expected + suffix, hint);
    this.endpoint = endpoint;
    this.served = served;
    this.expected = expected;
  }

  /** The endpoint as messages show it ({@code env:VAR}, or the URL's scheme, host and port). */
  public String endpoint() {
    return endpoint;
  }

  /** The chain the endpoint serves. */
  public long served() {
    return served;
  }

  /** The chain it was expected to serve. */
  public long expected() {
    return expected;
  }
}

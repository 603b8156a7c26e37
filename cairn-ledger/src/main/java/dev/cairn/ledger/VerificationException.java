package dev.cairn.ledger;

import dev.cairn.core.CairnException;
import org.jspecify.annotations.Nullable;

/** A certificate did not verify; {@link #link()} names the link of the trust chain that broke. */
public final class VerificationException extends CairnException {
  private static final long serialVersionUID = 1L;
  private final String link;

  public VerificationException(String link, String message, @Nullable String hint) {
    this(link, message, hint, null);
  }

  public VerificationException(
      String link, String message, @Nullable String hint, dev.cairn.core.@Nullable Fix fix) {
    super(link + ": " + message, hint, fix, null);
    this.link = link;
  }

  public String link() {
    return link;
  }
}

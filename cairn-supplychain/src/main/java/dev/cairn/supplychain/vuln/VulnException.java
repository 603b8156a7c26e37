package dev.cairn.supplychain.vuln;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import org.jspecify.annotations.Nullable;

/** A vulnerability database or gate input a user can fix: unreadable, malformed, missing. */
public final class VulnException extends CairnException {
  private static final long serialVersionUID = 1L;

  public VulnException(String message, @Nullable String hint) {
    super(message, hint);
  }

  public VulnException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }

  public VulnException(
      String message, @Nullable String hint, @Nullable Fix fix, @Nullable Throwable cause) {
    super(message, hint, fix, cause);
  }
}

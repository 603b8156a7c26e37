package dev.cairn.ledger;

import dev.cairn.core.CairnException;
import org.jspecify.annotations.Nullable;

/** The ledger could not record, find or prove something. */
public class LedgerException extends CairnException {
  private static final long serialVersionUID = 1L;

  public LedgerException(String message, @Nullable String hint) {
    super(message, hint);
  }

  public LedgerException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }

  public LedgerException(
      String message,
      @Nullable String hint,
      dev.cairn.core.@Nullable Fix fix,
      @Nullable Throwable cause) {
    super(message, hint, fix, cause);
  }
}

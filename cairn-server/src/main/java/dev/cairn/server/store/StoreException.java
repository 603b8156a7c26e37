package dev.cairn.server.store;

import dev.cairn.core.CairnException;
import org.jspecify.annotations.Nullable;

/** The server's storage cannot be opened or used: one line, with a hint. */
public final class StoreException extends CairnException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, @Nullable String hint) {
    super(message, hint);
  }

  public StoreException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}

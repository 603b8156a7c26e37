package dev.cairn.scanner;

import dev.cairn.core.CairnException;
import org.jspecify.annotations.Nullable;

/** A scan could not run: unreadable input, unreachable cluster, broken checks. */
public class ScanException extends CairnException {
  private static final long serialVersionUID = 1L;

  public ScanException(String message, @Nullable String hint) {
    super(message, hint);
  }

  public ScanException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }

  public ScanException(
      String message,
      @Nullable String hint,
      dev.cairn.core.@Nullable Fix fix,
      @Nullable Throwable cause) {
    super(message, hint, fix, cause);
  }
}

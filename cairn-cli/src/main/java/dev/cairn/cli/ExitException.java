package dev.cairn.cli;

import dev.cairn.core.CairnException;
import org.jspecify.annotations.Nullable;

/** A user-facing error with a specific exit code. */
final class ExitException extends CairnException {
  private static final long serialVersionUID = 1L;
  private final int code;

  ExitException(int code, String message, @Nullable String hint) {
    super(message, hint);
    this.code = code;
  }

  /** A usage or input error (exit 2). */
  static ExitException usage(String message, @Nullable String hint) {
    return new ExitException(Main.USAGE, message, hint);
  }

  int code() {
    return code;
  }
}

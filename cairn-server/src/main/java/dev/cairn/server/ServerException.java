package dev.cairn.server;

import dev.cairn.core.CairnException;
import org.jspecify.annotations.Nullable;

/** The server could not start or do what it was asked, with what a user can do about it. */
public class ServerException extends CairnException {
  private static final long serialVersionUID = 1L;

  public ServerException(String message, @Nullable String hint) {
    super(message, hint);
  }

  public ServerException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }

  public ServerException(
      String message,
      @Nullable String hint,
      dev.cairn.core.@Nullable Fix fix,
      @Nullable Throwable cause) {
    super(message, hint, fix, cause);
  }
}

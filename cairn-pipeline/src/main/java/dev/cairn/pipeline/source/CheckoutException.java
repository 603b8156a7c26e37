package dev.cairn.pipeline.source;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import org.jspecify.annotations.Nullable;

/**
 * A checkout that failed: a commit that does not exist, a server that refused the credentials or
 * cannot be reached, a directory that is in the way. One line; never the token.
 */
public final class CheckoutException extends CairnException {
  private static final long serialVersionUID = 1L;

  public CheckoutException(
      String message, @Nullable String hint, @Nullable Fix fix, @Nullable Throwable cause) {
    super(message, hint, fix, cause);
  }
}

package dev.cairn.deploy.duties;

import dev.cairn.core.CairnException;
import org.jspecify.annotations.Nullable;

/** An action refused for want of a duty, a key or a valid signature; or a bad roster. */
public final class DutyException extends CairnException {
  private static final long serialVersionUID = 1L;

  public DutyException(String message, @Nullable String hint) {
    super(message, hint);
  }

  public DutyException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}

package dev.cairn.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A checked, user-fixable error: one line that says what went wrong and, where we know one, a hint
 * that says what to do about it. The CLI prints {@code message} and then {@code ", perhaps you
 * should " + hint}.
 */
public class CairnException extends Exception {
  private static final long serialVersionUID = 1L;

  private final @Nullable String hint;

  public CairnException(String message, @Nullable String hint) {
    super(message);
    this.hint = hint;
  }

  public CairnException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, cause);
    this.hint = hint;
  }

  /** What the user could do to fix it, phrased to follow "perhaps you should". */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }
}

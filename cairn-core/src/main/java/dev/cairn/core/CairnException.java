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
  private final transient @Nullable Fix fix;

  public CairnException(String message, @Nullable String hint) {
    this(message, hint, null, null);
  }

  public CairnException(String message, @Nullable String hint, @Nullable Throwable cause) {
    this(message, hint, null, cause);
  }

  /**
   * @param hint what to do, in words that name no edge's flags or commands
   * @param fix the same, by name, for an edge to word in its own terms
   */
  public CairnException(
      String message, @Nullable String hint, @Nullable Fix fix, @Nullable Throwable cause) {
    super(message, cause);
    this.hint = hint;
    this.fix = fix;
  }

  /** What the user could do, by name; an edge words it (else it shows {@link #hint()}). */
  public Optional<Fix> fix() {
    return Optional.ofNullable(fix);
  }

  /** What the user could do to fix it, phrased to follow "perhaps you should". */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }
}

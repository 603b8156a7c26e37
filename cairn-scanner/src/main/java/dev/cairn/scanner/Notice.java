package dev.cairn.scanner;

import dev.cairn.core.Fix;
import dev.cairn.core.SourceLocation;
import dev.cairn.core.Text;
import org.jspecify.annotations.Nullable;

/**
 * Something the scan wants a person to know that is not a finding: a skipped kind, a malformed
 * file, an expired waiver.
 *
 * @param hint what to do about it, phrased to follow "perhaps you should", in words that name no
 *     edge's flags
 * @param fix the same by name, for an edge to word in its own terms
 */
public record Notice(
    Level level,
    @Nullable SourceLocation location,
    String message,
    @Nullable String hint,
    @Nullable Fix fix) {
  /** How much it matters; {@code ERROR} means some input could not be scanned. */
  public enum Level {
    INFO,
    WARNING,
    ERROR
  }

  public Notice(Level level, @Nullable SourceLocation location, String message) {
    this(level, location, message, null, null);
  }

  /** One line for a terminal: {@code file:line:col: error: message}, control characters escaped. */
  @Override
  public String toString() {
    return Text.escape(
        (location == null ? "" : location + ": ")
            + level.name().toLowerCase(java.util.Locale.ROOT)
            + ": "
            + message);
  }
}

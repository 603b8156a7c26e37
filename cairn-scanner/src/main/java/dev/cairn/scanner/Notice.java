package dev.cairn.scanner;

import dev.cairn.core.SourceLocation;
import org.jspecify.annotations.Nullable;

/**
 * Something the scan wants a person to know that is not a finding: a skipped kind, a malformed
 * file, an expired waiver.
 */
public record Notice(Level level, @Nullable SourceLocation location, String message) {
  /** How much it matters; {@code ERROR} means some input could not be scanned. */
  public enum Level {
    INFO,
    WARNING,
    ERROR
  }

  @Override
  public String toString() {
    return (location == null ? "" : location + ": ")
        + level.name().toLowerCase(java.util.Locale.ROOT)
        + ": "
        + message;
  }
}

package dev.cairn.supplychain.vuln;

import java.util.Locale;
import java.util.Optional;

/**
 * A vulnerability's qualitative severity, in rising order. {@link #UNKNOWN} is an entry with no
 * CVSS vector and no database severity: it ranks lowest, so only {@code --fail-on unknown} fails on
 * it, and the gate's counts show it apart.
 */
public enum Severity {
  UNKNOWN,
  NONE,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** Lower case, as reports and predicates write it. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The CVSS qualitative rating of a score (0.0 none, 0.1–3.9 low, … 9.0–10.0 critical). */
  public static Severity ofScore(double score) {
    if (score <= 0.0) {
      return NONE;
    }
    if (score < 4.0) {
      return LOW;
    }
    if (score < 7.0) {
      return MEDIUM;
    }
    return score < 9.0 ? HIGH : CRITICAL;
  }

  /**
   * A severity by name, also as databases word it: GitHub's {@code moderate}, Debian's {@code
   * unimportant} and {@code negligible} (none), Ubuntu's.
   */
  public static Optional<Severity> parse(String text) {
    return Optional.ofNullable(
        switch (text.strip().toLowerCase(Locale.ROOT)) {
          case "critical" -> CRITICAL;
          case "high", "important" -> HIGH;
          case "medium", "moderate" -> MEDIUM;
          case "low" -> LOW;
          case "none", "negligible", "unimportant" -> NONE;
          case "unknown" -> UNKNOWN;
          default -> null;
        });
  }
}

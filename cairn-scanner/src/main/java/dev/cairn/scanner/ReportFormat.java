package dev.cairn.scanner;

import java.util.Locale;
import java.util.Optional;

/** Output formats of a scan report. */
public enum ReportFormat {
  TABLE,
  JSON,
  SARIF,
  JUNIT,
  HTML;

  public static Optional<ReportFormat> parse(String s) {
    try {
      return Optional.of(valueOf(s.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

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

  /**
   * The format a file's name implies ({@code .json}, {@code .sarif}, {@code .xml}, {@code .html}).
   */
  public static Optional<ReportFormat> forFile(java.nio.file.Path file) {
    java.nio.file.Path name = file.getFileName();
    String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".sarif") || n.endsWith(".sarif.json")) {
      return Optional.of(SARIF);
    }
    if (n.endsWith(".json")) {
      return Optional.of(JSON);
    }
    if (n.endsWith(".xml")) {
      return Optional.of(JUNIT);
    }
    if (n.endsWith(".html") || n.endsWith(".htm")) {
      return Optional.of(HTML);
    }
    if (n.endsWith(".txt")) {
      return Optional.of(TABLE);
    }
    return Optional.empty();
  }

  public static Optional<ReportFormat> parse(String s) {
    try {
      return Optional.of(valueOf(s.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

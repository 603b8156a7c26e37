package dev.cairn.scanner;

import java.util.Locale;
import java.util.Optional;

/** How bad a failing check is. Ordered: {@code INFO < LOW < MEDIUM < HIGH < CRITICAL}. */
public enum Severity {
  INFO("Info"),
  LOW("Low"),
  MEDIUM("Medium"),
  HIGH("High"),
  CRITICAL("Critical");

  private final String display;

  Severity(String display) {
    this.display = display;
  }

  /** The spelling of Marvin's check files: {@code Low}, {@code Medium}, ... */
  public String display() {
    return display;
  }

  /** Parses a severity in any letter case; empty when it is none of the five. */
  public static Optional<Severity> parse(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT);
    for (Severity v : values()) {
      if (v.name().equals(t)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}

package dev.cairn.scanner;

import dev.cairn.scanner.internal.DefaultScanner;

/** Entry point of the scanner module. */
public final class Scanners {
  private Scanners() {}

  public static Scanner create(ScanOptions options) {
    return new DefaultScanner(options, Version.TOOL);
  }
}

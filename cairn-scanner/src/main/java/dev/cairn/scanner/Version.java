package dev.cairn.scanner;

/** Cairn's version, as written in reports. */
public final class Version {
  public static final String VERSION = "0.1.0-SNAPSHOT";
  public static final String TOOL = "cairn " + VERSION;

  private Version() {}
}

package dev.cairn.cli;

/** What we know about the terminal. */
final class Terminal {
  private Terminal() {}

  /** Colours only when stdout is a terminal and NO_COLOR is unset. */
  static boolean colors() {
    return System.console() != null && System.getenv("NO_COLOR") == null && isatty();
  }

  /** True when both stdin/stdout belong to a terminal (JDK 22+ can tell; 21 assumes console). */
  static boolean isatty() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}

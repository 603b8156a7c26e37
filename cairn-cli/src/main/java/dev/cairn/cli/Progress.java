package dev.cairn.cli;

import java.io.PrintStream;

/** A one-line progress indicator on stderr, only when stderr is a terminal. */
final class Progress {
  private final PrintStream err;
  private final boolean enabled;
  private long last;
  private boolean shown;

  private Progress(PrintStream err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  static Progress forStderr() {
    return new Progress(System.err, Terminal.isatty() && System.getenv("CI") == null);
  }

  synchronized void update(String line) {
    long now = System.nanoTime();
    if (!enabled || now - last < 100_000_000L) {
      return;
    }
    last = now;
    shown = true;
    err.print("\r\u001b[K" + line);
    err.flush();
  }

  synchronized void done() {
    if (shown) {
      err.print("\r\u001b[K");
      err.flush();
    }
  }
}

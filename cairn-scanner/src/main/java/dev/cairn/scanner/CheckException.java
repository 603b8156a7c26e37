package dev.cairn.scanner;

import dev.cairn.core.Diagnostic;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Check files that do not load: every problem found, each with file:line:col. */
public final class CheckException extends ScanException {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  public CheckException(List<Diagnostic> diagnostics) {
    this(
        diagnostics,
        "lint the check files to see every problem",
        dev.cairn.core.Fix.of("checks.lint-dir"));
  }

  /**
   * Problems in a file the checks come with (an exceptions file); {@code fix} names what shows them
   * all.
   */
  public CheckException(
      List<Diagnostic> diagnostics, String hint, dev.cairn.core.@Nullable Fix fix) {
    super(
        diagnostics.size() == 1
            ? diagnostics.get(0).oneLine()
            : diagnostics.get(0).oneLine() + " (and " + (diagnostics.size() - 1) + " more)",
        hint,
        fix,
        null);
    this.diagnostics = List.copyOf(diagnostics);
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}

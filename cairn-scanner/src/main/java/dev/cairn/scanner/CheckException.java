package dev.cairn.scanner;

import dev.cairn.core.Diagnostic;
import java.util.List;

/** Check files that do not load: every problem found, each with file:line:col. */
public final class CheckException extends ScanException {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  public CheckException(List<Diagnostic> diagnostics) {
    super(
        diagnostics.size() == 1
            ? diagnostics.get(0).oneLine()
            : diagnostics.get(0).oneLine() + " (and " + (diagnostics.size() - 1) + " more)",
        "lint the check files to see every problem",
        dev.cairn.core.Fix.of("checks.lint"),
        null);
    this.diagnostics = List.copyOf(diagnostics);
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}

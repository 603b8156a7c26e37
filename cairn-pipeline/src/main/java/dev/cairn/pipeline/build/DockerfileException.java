package dev.cairn.pipeline.build;

import dev.cairn.core.CairnException;
import dev.cairn.core.Diagnostic;
import dev.cairn.core.Fix;
import java.util.List;

/** A Dockerfile that does not parse or cannot be built: every problem, each at file:line:col. */
public final class DockerfileException extends CairnException {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  public DockerfileException(List<Diagnostic> diagnostics, String hint) {
    super(
        diagnostics.get(0).oneLine()
            + (diagnostics.size() > 1 ? " (and " + (diagnostics.size() - 1) + " more)" : ""),
        hint,
        Fix.of("dockerfile.fix", "file", diagnostics.get(0).location().file()),
        null);
    this.diagnostics = List.copyOf(diagnostics);
  }

  /** Every problem, in file order. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /** Every problem rendered with its line and a caret, one after the other. */
  public String render() {
    return String.join("\n", diagnostics.stream().map(Diagnostic::render).toList());
  }
}

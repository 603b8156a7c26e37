package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import dev.cairn.core.Diagnostic;
import dev.cairn.core.Fix;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A pipeline that cannot run: a pipeline file with problems (every one, each at its line: {@link
 * #diagnostics()}), a run that does not exist, a store that cannot be read or written.
 */
public class PipelineException extends CairnException {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  public PipelineException(String message, @Nullable String hint) {
    this(message, hint, null, null);
  }

  public PipelineException(
      String message, @Nullable String hint, @Nullable Fix fix, @Nullable Throwable cause) {
    super(message, hint, fix, cause);
    this.diagnostics = List.of();
  }

  /** Problems in a pipeline file; the message is the first, with how many more there are. */
  public PipelineException(List<Diagnostic> diagnostics) {
    super(
        diagnostics.get(0).oneLine()
            + (diagnostics.size() > 1 ? " (and " + (diagnostics.size() - 1) + " more)" : ""),
        "fix the pipeline file; every problem is listed with its line",
        Fix.of("pipeline.file", "file", diagnostics.get(0).location().file()),
        null);
    this.diagnostics = List.copyOf(diagnostics);
  }

  /** Every problem of a pipeline file, in file order; empty for other errors. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /** Every problem rendered with its source line and a caret, one after another. */
  public String render() {
    if (diagnostics.isEmpty()) {
      return String.valueOf(getMessage());
    }
    StringBuilder sb = new StringBuilder();
    for (Diagnostic d : diagnostics) {
      sb.append(d.render()).append('\n');
    }
    return sb.toString();
  }
}

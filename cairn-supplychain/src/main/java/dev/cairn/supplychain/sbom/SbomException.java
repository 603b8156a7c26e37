package dev.cairn.supplychain.sbom;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import org.jspecify.annotations.Nullable;

/** An SBOM could not be made or read: names the file, layer or entry and what to do. */
public final class SbomException extends CairnException {
  private static final long serialVersionUID = 1L;

  public SbomException(String message, @Nullable String hint) {
    super(message, hint);
  }

  public SbomException(
      String message, @Nullable String hint, @Nullable Fix fix, @Nullable Throwable cause) {
    super(message, hint, fix, cause);
  }
}

package dev.cairn.deploy.rollout;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import org.jspecify.annotations.Nullable;

/**
 * A deploy refused before anything was applied, or a target that could not be reached.
 *
 * <p>{@link #reason()}: {@code pinned}, {@code image}, {@code gate}, {@code manifests}, {@code
 * cluster}, {@code history} or {@code revision}.
 */
public final class DeployException extends CairnException {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public DeployException(
      String reason,
      String message,
      @Nullable String hint,
      @Nullable Fix fix,
      @Nullable Throwable cause) {
    super(message, hint, fix, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}

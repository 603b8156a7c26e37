package dev.cairn.supplychain;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import org.jspecify.annotations.Nullable;

/**
 * A registry could not be reached or refused an operation. The one-line message names the registry,
 * the operation and, when the registry answered, its HTTP status; never a credential.
 */
public final class RegistryException extends CairnException {
  private static final long serialVersionUID = 1L;

  private final String registry;
  private final String operation;
  private final int status;

  /**
   * @param status the HTTP status the registry answered, or 0 when it did not answer
   */
  public RegistryException(
      String registry,
      String operation,
      int status,
      String message,
      @Nullable String hint,
      @Nullable Fix fix,
      @Nullable Throwable cause) {
    super(message, hint, fix, cause);
    this.registry = registry;
    this.operation = operation;
    this.status = status;
  }

  /** {@code host[:port]} of the registry. */
  public String registry() {
    return registry;
  }

  /** What was being done, e.g. {@code push blob sha256:… to app}. */
  public String operation() {
    return operation;
  }

  /** The HTTP status, or 0 when the registry did not answer (refused, timed out, TLS failed). */
  public int status() {
    return status;
  }
}

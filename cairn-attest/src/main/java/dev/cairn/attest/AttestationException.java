package dev.cairn.attest;

import dev.cairn.core.CairnException;
import org.jspecify.annotations.Nullable;

/** Attestation failed; the message names the link of the trust chain that broke. */
public class AttestationException extends CairnException {
  private static final long serialVersionUID = 1L;

  public AttestationException(String message, @Nullable String hint) {
    super(message, hint);
  }

  public AttestationException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}

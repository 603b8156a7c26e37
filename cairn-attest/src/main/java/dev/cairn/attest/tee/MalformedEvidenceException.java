package dev.cairn.attest.tee;

import dev.cairn.attest.AttestationException;

/**
 * A quote or report that cannot be read: too short, a wrong version or type, a length that points
 * past its end. It names the byte offset and the field where reading stopped.
 */
public final class MalformedEvidenceException extends AttestationException {
  private static final long serialVersionUID = 1L;

  private final long offset;
  private final String field;

  public MalformedEvidenceException(String what, long offset, String field, String problem) {
    super(
        what + ": " + field + " at offset " + offset + ": " + problem,
        "pass the raw quote or report as the TEE produced it (binary, not base64 or hex)");
    this.offset = offset;
    this.field = field;
  }

  /** Where in the blob reading stopped. */
  public long offset() {
    return offset;
  }

  /** The field being read there, as the vendor's specification names it. */
  public String field() {
    return field;
  }
}

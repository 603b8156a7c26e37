package dev.cairn.certify;

import dev.cairn.core.CairnException;
import org.jspecify.annotations.Nullable;

/** A certification could not be carried out; {@link #reason()} says which part failed. */
public final class CertifyException extends CairnException {
  private static final long serialVersionUID = 1L;

  /** Which part of the certification failed. */
  public enum Reason {
    /** The request names something that does not exist or is malformed. */
    INPUT,
    /** The measured workload could not start or died. */
    WORKLOAD,
    /** The scan itself failed (the cluster, a check). */
    SCAN,
    /**
     * The target held nothing the chosen checks judge (every check was not applicable): a
     * certificate would say nothing about the cluster, so none is issued.
     */
    NOTHING_JUDGED,
    /** The attestation service refused or could not be reached. */
    ATTESTATION,
    /** The ledger could not be used or refused the record. */
    LEDGER,
    /** What the workload returned does not hold together (a key mismatch). */
    INTEGRITY,
    /** Cairn's home could not be read or written. */
    STATE
  }

  private final Reason reason;

  public CertifyException(Reason reason, String message, @Nullable String hint) {
    super(message, hint);
    this.reason = reason;
  }

  public CertifyException(
      Reason reason, String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause instanceof CairnException c ? c.fix().orElse(null) : null, cause);
    this.reason = reason;
  }

  public CertifyException(
      Reason reason,
      String message,
      @Nullable String hint,
      dev.cairn.core.@Nullable Fix fix,
      @Nullable Throwable cause) {
    super(message, hint, fix, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}

package dev.cairn.ledger;

import org.jspecify.annotations.Nullable;

/**
 * A witness refused to cosign a checkpoint; {@link #reason()} says why, as C2SP tlog-witness's
 * {@code add-checkpoint} status codes do.
 */
public final class WitnessException extends LedgerException {
  private static final long serialVersionUID = 1L;

  /** Why a witness refused, with tlog-witness's HTTP status for it. */
  public enum Reason {
    /** 400: malformed request, or the old size is larger than the checkpoint's. */
    BAD_REQUEST(400),
    /** 403: no signature of a key the witness trusts for the log verifies. */
    FORBIDDEN(403),
    /** 404: the witness knows no log of the checkpoint's origin. */
    UNKNOWN_LOG(404),
    /**
     * 409: the old size is not the size the witness last cosigned, or the same size with another
     * root hash (a fork).
     */
    CONFLICT(409),
    /** 422: the consistency proof does not verify (a fork, or a log rolled back and regrown). */
    INCONSISTENT(422);

    private final int status;

    Reason(int status) {
      this.status = status;
    }

    /** The HTTP status tlog-witness gives it. */
    public int status() {
      return status;
    }
  }

  private final Reason reason;
  private final long latestSize;

  WitnessException(Reason reason, String message, @Nullable String hint, long latestSize) {
    super(message, hint);
    this.reason = reason;
    this.latestSize = latestSize;
  }

  public Reason reason() {
    return reason;
  }

  /** The size of the latest checkpoint the witness cosigned of the log (-1: not known here). */
  public long latestSize() {
    return latestSize;
  }
}

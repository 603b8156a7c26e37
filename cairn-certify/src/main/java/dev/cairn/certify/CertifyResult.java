package dev.cairn.certify;

import dev.cairn.core.Digest;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.LedgerReceipt;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** How a certification ended. */
public sealed interface CertifyResult permits CertifyResult.Issued, CertifyResult.Refused {
  /** The cluster's identity. */
  Digest clusterId();

  /** Where the full scan report was written. */
  Path reportFile();

  /**
   * Every check passed: a certificate was issued, recorded and written.
   *
   * @param bundle the certificate with its ledger receipt
   * @param certificateFile where it was written
   * @param receipt the ledger's receipt
   * @param ledger the ledger, for people
   * @param trustRoot the trust root that now covers it
   * @param expiresAt its expiry
   * @param took the whole certification
   */
  record Issued(
      Digest clusterId,
      Path reportFile,
      CertificateBundle bundle,
      Path certificateFile,
      LedgerReceipt receipt,
      String ledger,
      Path trustRoot,
      Instant expiresAt,
      Duration took)
      implements CertifyResult {}

  /** Some checks failed (or inputs had errors): no certificate. */
  record Refused(Digest clusterId, Path reportFile, List<FailedCheck> failed)
      implements CertifyResult {
    public Refused {
      failed = List.copyOf(failed);
    }
  }

  /** A check that failed, with the number of objects it failed on. */
  record FailedCheck(String id, String message, long objects) {
    @Override
    public String toString() {
      return id + " " + message + " (" + objects + (objects == 1 ? " object)" : " objects)");
    }
  }
}

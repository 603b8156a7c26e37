package dev.cairn.attest.tee.intel;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A TD report body: TD report 1.0 (584 bytes, quote v4 and v5 body type 2) or 1.5 (648 bytes, v5
 * body type 3, which adds TEE_TCB_SVN2 and MRSERVICETD).
 *
 * @param teeTcbSvn 16 bytes: the TDX module's SVN (byte 0 its minor, byte 1 its major version) and
 *     the TDX TCB components
 * @param mrSeam 48 bytes, the TDX module's measurement
 * @param mrSignerSeam 48 bytes, its signer (zero for Intel's)
 * @param seamAttributes 8 bytes
 * @param tdAttributes 8 bytes (bit 0: DEBUG)
 * @param xfam 8 bytes
 * @param mrTd 48 bytes, the initial TD measurement
 * @param mrConfigId 48 bytes
 * @param mrOwner 48 bytes
 * @param mrOwnerConfig 48 bytes
 * @param rtmrs RTMR0 to RTMR3, 48 bytes each
 * @param reportData 64 bytes
 * @param teeTcbSvn2 16 bytes in TD report 1.5, else null
 * @param mrServiceTd 48 bytes in TD report 1.5, else null
 */
public record TdReport(
    byte[] teeTcbSvn,
    byte[] mrSeam,
    byte[] mrSignerSeam,
    byte[] seamAttributes,
    byte[] tdAttributes,
    byte[] xfam,
    byte[] mrTd,
    byte[] mrConfigId,
    byte[] mrOwner,
    byte[] mrOwnerConfig,
    List<byte[]> rtmrs,
    byte[] reportData,
    byte @Nullable [] teeTcbSvn2,
    byte @Nullable [] mrServiceTd) {
  /** Size of TD report 1.0 in bytes. */
  public static final int SIZE_1_0 = 584;

  /** Size of TD report 1.5 in bytes. */
  public static final int SIZE_1_5 = 648;

  public TdReport {
    if (rtmrs.size() != 4) {
      throw new IllegalArgumentException("a TD report has 4 RTMRs, not " + rtmrs.size());
    }
    rtmrs = rtmrs.stream().map(byte[]::clone).toList();
    teeTcbSvn = teeTcbSvn.clone();
    reportData = reportData.clone();
  }

  /** Whether TD attribute bit 0 (DEBUG) is set: the host can read the TD's memory. */
  public boolean debug() {
    return (tdAttributes[0] & 1) != 0;
  }
}

package dev.cairn.attest.tee.intel;

/**
 * An SGX enclave report body (384 bytes): the ISV enclave's in an SGX quote, and the quoting
 * enclave's (QE report) in every quote.
 *
 * @param cpuSvn 16 bytes
 * @param miscSelect MISCSELECT, little-endian 32-bit
 * @param attributes 16 bytes (flags and XFRM)
 * @param mrEnclave 32 bytes
 * @param mrSigner 32 bytes
 * @param isvProdId the ISV product id
 * @param isvSvn the ISV security version
 * @param reportData 64 bytes
 * @param raw the 384 bytes as signed
 */
public record EnclaveReport(
    byte[] cpuSvn,
    long miscSelect,
    byte[] attributes,
    byte[] mrEnclave,
    byte[] mrSigner,
    int isvProdId,
    int isvSvn,
    byte[] reportData,
    byte[] raw) {
  /** Size in bytes. */
  public static final int SIZE = 384;

  public EnclaveReport {
    cpuSvn = cpuSvn.clone();
    attributes = attributes.clone();
    mrEnclave = mrEnclave.clone();
    mrSigner = mrSigner.clone();
    reportData = reportData.clone();
    raw = raw.clone();
  }
}

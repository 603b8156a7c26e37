package dev.cairn.attest.tee.intel;

/**
 * The 48-byte quote header shared by SGX quote v3 and TDX quotes v4 and v5.
 *
 * @param version 3, 4 or 5
 * @param attestationKeyType 2 (ECDSA P-256 with SHA-256), the only type Intel's QE issues
 * @param teeType 0 (SGX) or 0x81 (TDX); a v3 quote has a reserved zero here
 * @param qeSvn the quoting enclave's security version (v3: QE SVN; v4/v5: reserved)
 * @param pceSvn the provisioning certification enclave's security version
 * @param qeVendorId 16 bytes, Intel's QE vendor id {@code 939a7233f79c4ca9940a0db3957f0607}
 * @param userData 20 bytes; the first 16 are the QE's platform identifier
 */
public record QuoteHeader(
    int version,
    int attestationKeyType,
    long teeType,
    int qeSvn,
    int pceSvn,
    byte[] qeVendorId,
    byte[] userData) {
  /** Header size in bytes. */
  public static final int SIZE = 48;

  public static final long TEE_SGX = 0;
  public static final long TEE_TDX = 0x81;

  public QuoteHeader {
    qeVendorId = qeVendorId.clone();
    userData = userData.clone();
  }
}

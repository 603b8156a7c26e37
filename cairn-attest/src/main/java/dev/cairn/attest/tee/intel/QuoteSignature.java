package dev.cairn.attest.tee.intel;

/**
 * The ECDSA quote signature data that follows the body.
 *
 * @param signature 64 bytes, r and s of the ECDSA P-256 signature over header and body
 * @param attestationKey 64 bytes, the attestation key's x and y
 * @param qeReport the quoting enclave's report
 * @param qeReportSignature 64 bytes, r and s of its signature by the PCK key
 * @param qeAuthData the QE authentication data, hashed with the attestation key into the QE
 *     report's report data
 * @param certificationDataType the innermost certification data type: 5 is the PCK certificate
 *     chain (PEM); 1 to 4 identify the platform for the PCK certificate to be fetched. A type 6 (QE
 *     report certification data, quote v4 and v5) is unwrapped into the fields above.
 * @param certificationData the innermost certification data
 */
public record QuoteSignature(
    byte[] signature,
    byte[] attestationKey,
    EnclaveReport qeReport,
    byte[] qeReportSignature,
    byte[] qeAuthData,
    int certificationDataType,
    byte[] certificationData) {
  /** Certification data type: the PCK leaf certificate, its CA and the root, concatenated PEM. */
  public static final int PCK_CERT_CHAIN = 5;

  /** Certification data type: QE report certification data wrapping another type. */
  public static final int QE_REPORT_CERTIFICATION_DATA = 6;

  public QuoteSignature {
    signature = signature.clone();
    attestationKey = attestationKey.clone();
    qeReportSignature = qeReportSignature.clone();
    qeAuthData = qeAuthData.clone();
    certificationData = certificationData.clone();
  }
}

package dev.cairn.attest.tee.intel;

import dev.cairn.attest.AttestationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The collateral a quote is verified against, as Intel's PCS serves it. Any part may be missing; a
 * step that needs it then reports "not verifiable" and fails unless the policy accepts that. A root
 * certificate in the collateral is never used: roots come from code or {@code --trust-root}.
 *
 * @param pckCertChain the PCK certificate, then its CA (and optionally the root), PEM; used when
 *     the quote's certification data is not type 5
 * @param tcbInfo the TCB info response {@code {"tcbInfo":{...},"signature":"..."}}
 * @param tcbSignChain the TCB signing certificate and the root (PEM), Intel's TCB-Info-Issuer-Chain
 * @param qeIdentity the QE identity response {@code {"enclaveIdentity":{...},"signature":"..."}}
 * @param qeIdentitySignChain its signing chain; when null, {@code tcbSignChain} (Intel uses one
 *     key)
 * @param rootCaCrl the Intel SGX Root CA's CRL (DER, PEM or hex)
 * @param pckCaCrl the PCK Platform or Processor CA's CRL (DER, PEM or hex)
 */
public record IntelCollateral(
    byte @Nullable [] pckCertChain,
    @Nullable String tcbInfo,
    byte @Nullable [] tcbSignChain,
    @Nullable String qeIdentity,
    byte @Nullable [] qeIdentitySignChain,
    byte @Nullable [] rootCaCrl,
    byte @Nullable [] pckCaCrl) {

  /** File names {@link #load} reads, per part, the first present winning. */
  public static final List<String> PCK_CERT = List.of("pckCert.pem");

  public static final List<String> PCK_SIGN_CHAIN = List.of("pckSignChain.pem");
  public static final List<String> TCB_INFO =
      List.of("tcbInfo.json", "sample_tcbInfo_response", "sample_tcbinfo_response_v5");
  public static final List<String> TCB_SIGN_CHAIN = List.of("tcbSignChain.pem");
  public static final List<String> QE_IDENTITY =
      List.of("qeIdentity.json", "sample_qeIdentity_response");
  public static final List<String> QE_IDENTITY_SIGN_CHAIN = List.of("qeIdentitySignChain.pem");
  public static final List<String> ROOT_CA_CRL = List.of("rootCaCrl.der", "rootcrl.der");
  public static final List<String> PCK_CA_CRL = List.of("intermediateCaCrl.der", "pckcrl");

  /** No collateral at all. */
  public static IntelCollateral none() {
    return new IntelCollateral(null, null, null, null, null, null, null);
  }

  /**
   * Reads the collateral files in {@code dir} (names above; see docs/tee.md).
   *
   * @throws AttestationException when {@code dir} is not a directory or a file cannot be read
   */
  public static IntelCollateral load(Path dir) throws AttestationException {
    if (!Files.isDirectory(dir)) {
      throw new AttestationException(
          dir + ": not a directory",
          "pass --collateral DIR, a directory with tcbInfo.json, qeIdentity.json, rootCaCrl.der, ...");
    }
    byte[] pck = read(dir, PCK_CERT);
    byte[] pckChain = read(dir, PCK_SIGN_CHAIN);
    if (pck != null && pckChain != null) {
      ByteArrayOutputStream both = new ByteArrayOutputStream();
      both.writeBytes(pck);
      both.write('\n');
      both.writeBytes(pckChain);
      pck = both.toByteArray();
    }
    return new IntelCollateral(
        pck,
        text(read(dir, TCB_INFO)),
        read(dir, TCB_SIGN_CHAIN),
        text(read(dir, QE_IDENTITY)),
        read(dir, QE_IDENTITY_SIGN_CHAIN),
        read(dir, ROOT_CA_CRL),
        read(dir, PCK_CA_CRL));
  }

  private static @Nullable String text(byte @Nullable [] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static byte @Nullable [] read(Path dir, List<String> names) throws AttestationException {
    for (String n : names) {
      Path p = dir.resolve(n);
      if (Files.isRegularFile(p)) {
        try {
          return Files.readAllBytes(p);
        } catch (IOException e) {
          throw new AttestationException(
              p + ": cannot read: " + e.getMessage(), "check the file's permissions", e);
        }
      }
    }
    return null;
  }
}

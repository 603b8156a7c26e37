package dev.cairn.attest.tee.intel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.attest.tee.TeeVerification;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One flipped byte in each part of each vector fails verification at that part's step. */
class IntelTamperTest {

  private static TeeVerification.Failed fails(Vectors v, byte[] quote, IntelCollateral c)
      throws Exception {
    TeeVerification r = IntelQuotes.verify(IntelQuotes.parse(quote), c, v.policy());
    return assertInstanceOf(TeeVerification.Failed.class, r, r.toString());
  }

  private static int signatureOffset(byte[] quote) throws Exception {
    return IntelQuotes.parse(quote).signedBytes().length + 4;
  }

  @ParameterizedTest
  @EnumSource(Vectors.class)
  void flippedQuoteSignature_failsAtQuoteSignature(Vectors v) throws Exception {
    byte[] q = v.quote();
    q[signatureOffset(q) + 10] ^= 1;
    TeeVerification.Failed f = fails(v, q, IntelCollateral.load(v.dir()));
    assertEquals(IntelQuotes.QUOTE_SIGNATURE, f.step());
    assertEquals(
        "the quote's signature over header and body does not verify with the attestation key",
        f.message());
  }

  @ParameterizedTest
  @EnumSource(Vectors.class)
  void flippedBodyByte_failsAtQuoteSignature(Vectors v) throws Exception {
    byte[] q = v.quote();
    q[q.length > 0 ? IntelQuotes.parse(q).signedBytes().length - 10 : 0] ^= 0x40; // report data
    TeeVerification.Failed f = fails(v, q, IntelCollateral.load(v.dir()));
    assertEquals(IntelQuotes.QUOTE_SIGNATURE, f.step());
  }

  @ParameterizedTest
  @EnumSource(Vectors.class)
  void flippedQeReport_failsAtQeReportSignature(Vectors v) throws Exception {
    byte[] q = v.quote();
    int qeReport =
        signatureOffset(q) + 128 + (IntelQuotes.parse(q).header().version() == 3 ? 0 : 6);
    q[qeReport + 100] ^= 1; // inside MRENCLAVE of the QE
    TeeVerification.Failed f = fails(v, q, IntelCollateral.load(v.dir()));
    assertEquals(IntelQuotes.QE_REPORT_SIGNATURE, f.step());
    assertEquals(
        "the QE report's signature does not verify with the PCK certificate's key", f.message());
  }

  @ParameterizedTest
  @EnumSource(Vectors.class)
  void flippedAttestationKey_failsAtQeReportData(Vectors v) throws Exception {
    byte[] q = v.quote();
    q[signatureOffset(q) + 64 + 5] ^= 1;
    TeeVerification.Failed f = fails(v, q, IntelCollateral.load(v.dir()));
    assertEquals(IntelQuotes.QE_REPORT_DATA, f.step());
    assertTrue(f.message().startsWith("the QE report's report data is not SHA-256"), f.message());
  }

  @ParameterizedTest
  @EnumSource(Vectors.class)
  void flippedPckCertificate_failsAtPckChain(Vectors v) throws Exception {
    byte[] q = v.quote();
    IntelCollateral c = IntelCollateral.load(v.dir());
    IntelQuote parsed = IntelQuotes.parse(q);
    if (parsed.signatureData().certificationDataType() == QuoteSignature.PCK_CERT_CHAIN) {
      byte[] chain = parsed.signatureData().certificationData();
      int inQuote = indexOf(q, chain);
      q[inQuote + flipIn(chain)] ^= 1;
    } else {
      byte[] chain = c.pckCertChain().clone();
      chain[flipIn(chain)] ^= 1;
      c = withPckChain(c, chain);
    }
    TeeVerification.Failed f = fails(v, q, c);
    assertEquals(IntelQuotes.PCK_CHAIN, f.step());
    assertTrue(f.message().startsWith("PCK certificate chain: "), f.message());
  }

  @ParameterizedTest
  @EnumSource(
      value = Vectors.class,
      names = {"SGX_DCAP_V3", "TDX_V4_INTEL_SAMPLE", "TDX_V4_PROD"})
  void flippedRootCrlSignature_failsAtCrl(Vectors v) throws Exception {
    IntelCollateral c = IntelCollateral.load(v.dir());
    byte[] crl = c.rootCaCrl().clone();
    crl[crl.length - 5] ^= 1; // inside the signature's s
    c =
        new IntelCollateral(
            c.pckCertChain(),
            c.tcbInfo(),
            c.tcbSignChain(),
            c.qeIdentity(),
            c.qeIdentitySignChain(),
            crl,
            c.pckCaCrl());
    TeeVerification.Failed f = fails(v, v.quote(), c);
    assertEquals(IntelQuotes.CRL, f.step());
    assertTrue(f.message().startsWith("the root CA CRL"), f.message());
  }

  @ParameterizedTest
  @EnumSource(
      value = Vectors.class,
      names = {"SGX_DCAP_V3", "TDX_V4_INTEL_SAMPLE", "TDX_V4_PROD"})
  void flippedPckCrl_failsAtCrl(Vectors v) throws Exception {
    IntelCollateral c = IntelCollateral.load(v.dir());
    byte[] crl = c.pckCaCrl().clone();
    crl[crl.length - 5] ^= 1;
    c =
        new IntelCollateral(
            c.pckCertChain(),
            c.tcbInfo(),
            c.tcbSignChain(),
            c.qeIdentity(),
            c.qeIdentitySignChain(),
            c.rootCaCrl(),
            crl);
    TeeVerification.Failed f = fails(v, v.quote(), c);
    assertEquals(IntelQuotes.CRL, f.step());
    assertTrue(f.message().startsWith("the PCK CA CRL"), f.message());
  }

  @ParameterizedTest
  @EnumSource(
      value = Vectors.class,
      names = {"SGX_DCAP_V3", "TDX_V4_INTEL_SAMPLE"})
  void editedTcbInfo_failsAtTcbInfoSignature(Vectors v) throws Exception {
    IntelCollateral c = IntelCollateral.load(v.dir());
    String tcb =
        c.tcbInfo()
            .replaceFirst("\"tcbEvaluationDataNumber\":(\\d)", "\"tcbEvaluationDataNumber\":9$1");
    assertTrue(!tcb.equals(c.tcbInfo()));
    c =
        new IntelCollateral(
            c.pckCertChain(),
            tcb,
            c.tcbSignChain(),
            c.qeIdentity(),
            c.qeIdentitySignChain(),
            c.rootCaCrl(),
            c.pckCaCrl());
    TeeVerification.Failed f = fails(v, v.quote(), c);
    assertEquals(IntelQuotes.TCB_INFO_SIGNATURE, f.step());
    assertTrue(
        f.message().startsWith("the TCB info's signature does not verify with '"), f.message());
    assertTrue(f.message().contains("CN=Intel SGX TCB Signing"), f.message());
  }

  @ParameterizedTest
  @EnumSource(
      value = Vectors.class,
      names = {"SGX_DCAP_V3", "TDX_V4_INTEL_SAMPLE"})
  void editedQeIdentity_failsAtQeIdentitySignature(Vectors v) throws Exception {
    IntelCollateral c = IntelCollateral.load(v.dir());
    String qe = c.qeIdentity().replaceFirst("\"isvprodid\":(\\d)", "\"isvprodid\":7$1");
    assertTrue(!qe.equals(c.qeIdentity()));
    c =
        new IntelCollateral(
            c.pckCertChain(),
            c.tcbInfo(),
            c.tcbSignChain(),
            qe,
            c.qeIdentitySignChain(),
            c.rootCaCrl(),
            c.pckCaCrl());
    TeeVerification.Failed f = fails(v, v.quote(), c);
    assertEquals(IntelQuotes.QE_IDENTITY_SIGNATURE, f.step());
    assertTrue(f.message().startsWith("the QE identity's signature does not verify"), f.message());
  }

  @ParameterizedTest
  @EnumSource(
      value = Vectors.class,
      names = {"TDX_V4_PROD", "TDX_V5_SAMPLE"})
  void unsignedTcbInfo_editedFmspc_failsAtTcbStatus(Vectors v) throws Exception {
    IntelCollateral c = IntelCollateral.load(v.dir());
    String tcb = c.tcbInfo().replaceFirst("\"fmspc\":\"(..)", "\"fmspc\":\"ff");
    c =
        new IntelCollateral(
            c.pckCertChain(),
            tcb,
            c.tcbSignChain(),
            c.qeIdentity(),
            c.qeIdentitySignChain(),
            c.rootCaCrl(),
            c.pckCaCrl());
    TeeVerification.Failed f = fails(v, v.quote(), c);
    assertEquals(IntelQuotes.TCB_STATUS, f.step());
    assertTrue(f.message().startsWith("the TCB info is for FMSPC ff"), f.message());
  }

  @ParameterizedTest
  @EnumSource(
      value = Vectors.class,
      names = {"TDX_V4_PROD"})
  void unsignedQeIdentity_editedMrSigner_failsAtTcbStatus(Vectors v) throws Exception {
    IntelCollateral c = IntelCollateral.load(v.dir());
    String qe = c.qeIdentity().replaceFirst("\"mrsigner\":\"(.)", "\"mrsigner\":\"0");
    c =
        new IntelCollateral(
            c.pckCertChain(),
            c.tcbInfo(),
            c.tcbSignChain(),
            qe,
            c.qeIdentitySignChain(),
            c.rootCaCrl(),
            c.pckCaCrl());
    TeeVerification.Failed f = fails(v, v.quote(), c);
    assertEquals(IntelQuotes.TCB_STATUS, f.step());
    assertTrue(f.message().startsWith("the QE's MRSIGNER"), f.message());
  }

  private static IntelCollateral withPckChain(IntelCollateral c, byte[] chain) {
    return new IntelCollateral(
        chain,
        c.tcbInfo(),
        c.tcbSignChain(),
        c.qeIdentity(),
        c.qeIdentitySignChain(),
        c.rootCaCrl(),
        c.pckCaCrl());
  }

  /** An offset inside the leaf certificate's signed part, as PEM text or DER. */
  private static int flipIn(byte[] chain) {
    String s = new String(chain, StandardCharsets.ISO_8859_1);
    int pem = s.indexOf("-----BEGIN CERTIFICATE-----");
    if (pem >= 0) {
      return pem + 28 + 64 * 6 + 10; // 7th base64 line of the first certificate
    }
    try {
      for (var cert : dev.cairn.attest.tee.intel.internal.Certs.parseAll(chain)) {
        if (cert.getSubjectX500Principal().getName().contains("PCK Certificate")) {
          return indexOf(chain, cert.getEncoded()) + 200; // inside its to-be-signed part
        }
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no PCK leaf certificate");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}

package dev.cairn.attest.tee.intel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.TcbStatus;
import dev.cairn.attest.tee.TeeType;
import dev.cairn.attest.tee.TeeVerification;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IntelQuotesTest {
  private static final List<String> ALL_BUT_TCB_STATUS =
      IntelQuotes.STEPS.subList(0, IntelQuotes.STEPS.size() - 1);

  static TeeVerification verify(Vectors v, byte[] quote, IntelCollateral c) throws Exception {
    return IntelQuotes.verify(IntelQuotes.parse(quote), c, v.policy());
  }

  static TeeVerification.Failed failed(TeeVerification r) {
    return assertInstanceOf(TeeVerification.Failed.class, r, r.toString());
  }

  static List<String> stepNames(List<String> passed) {
    return passed.stream().map(s -> s.split(" ", 2)[0]).toList();
  }

  @Test
  void sgxDcapV3_verifiesWithTheSampleRoot_upToDate() throws Exception {
    Vectors v = Vectors.SGX_DCAP_V3;
    TeeVerification.Verified ok =
        assertInstanceOf(
            TeeVerification.Verified.class, verify(v, v.quote(), IntelCollateral.load(v.dir())));
    assertEquals(TcbStatus.UP_TO_DATE, ok.tcbStatus());
    assertEquals(IntelQuotes.STEPS, ok.passed());
    assertEquals(TeeType.SGX, ok.evidence().type());
  }

  @Test
  void tdxV4IntelSample_everySignatureHolds_butItsQeIdentityIsForAnotherQe() throws Exception {
    // Intel's sample TDX quote and its sample QE identity do not belong together: the quote's QE
    // MRSIGNER is not the identity's. Every signature, chain and CRL step holds; tcb-status says
    // so.
    Vectors v = Vectors.TDX_V4_INTEL_SAMPLE;
    TeeVerification.Failed f = failed(verify(v, v.quote(), IntelCollateral.load(v.dir())));
    assertEquals(IntelQuotes.TCB_STATUS, f.step());
    assertEquals(
        "the QE's MRSIGNER e4bd9fc2129835ba1dcca1939d57d08e88561b34740d59405972d4ba25a7e5f7 is not"
            + " the QE identity's",
        f.message());
    assertEquals(ALL_BUT_TCB_STATUS, f.passed());
  }

  @Test
  void tdxV4IntelSample_withoutQeIdentity_verifiesUpToDateWhenThePolicyAcceptsThat()
      throws Exception {
    Vectors v = Vectors.TDX_V4_INTEL_SAMPLE;
    IntelCollateral c = IntelCollateral.load(v.dir());
    IntelCollateral noQe =
        new IntelCollateral(
            c.pckCertChain(),
            c.tcbInfo(),
            c.tcbSignChain(),
            null,
            null,
            c.rootCaCrl(),
            c.pckCaCrl());
    TeeVerification r =
        IntelQuotes.verify(
            IntelQuotes.parse(v.quote()),
            noQe,
            v.policy().acceptingUnverifiable(Set.of(IntelQuotes.QE_IDENTITY_SIGNATURE)));
    TeeVerification.Verified ok = assertInstanceOf(TeeVerification.Verified.class, r, r.toString());
    assertEquals(TcbStatus.UP_TO_DATE, ok.tcbStatus());
    assertEquals(List.of("INTEL-SA-00079", "INTEL-SA-00076"), ok.advisories());
    // and the default policy fails closed on the missing QE identity
    TeeVerification.Failed f =
        failed(IntelQuotes.verify(IntelQuotes.parse(v.quote()), noQe, v.policy()));
    assertEquals(IntelQuotes.QE_IDENTITY_SIGNATURE, f.step());
    assertTrue(f.message().startsWith("not verifiable: no QE identity"), f.message());
  }

  @Test
  void tdxV4Prod_chainsToThePinnedRoot_andItsSampleTcbInfoIsNewerThanThePlatform()
      throws Exception {
    Vectors v = Vectors.TDX_V4_PROD;
    TeeVerification.Failed f = failed(verify(v, v.quote(), IntelCollateral.load(v.dir())));
    assertEquals(IntelQuotes.TCB_STATUS, f.step());
    assertEquals(
        "the PCK certificate's TCB (components [3, 3, 2, 2, 2, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0],"
            + " PCESVN 11) is below every TCB level of the TCB info (Intel: TCB not supported)",
        f.message());
    assertEquals(ALL_BUT_TCB_STATUS, stepNames(f.passed()));
    assertEquals(
        List.of("pck-chain", "crl", "qe-report-signature", "qe-report-data", "quote-signature"),
        f.passed().subList(0, 5));
  }

  @Test
  void tdxV4Prod_defaultPolicy_failsClosedAtTcbInfoSignature_noSigningChain() throws Exception {
    Vectors v = Vectors.TDX_V4_PROD;
    TeeVerification.Failed f =
        failed(
            IntelQuotes.verify(
                IntelQuotes.parse(v.quote()),
                IntelCollateral.load(v.dir()),
                IntelPolicy.defaults(v.at)));
    assertEquals(IntelQuotes.TCB_INFO_SIGNATURE, f.step());
    assertEquals(
        "not verifiable: no signing chain for the TCB info (tcbSignChain.pem) (the policy"
            + " requires this step)",
        f.message());
    assertEquals(IntelQuotes.STEPS.subList(0, 5), f.passed());
  }

  @Test
  void tdxV5Sample_td15_verifiesUpToDate_asFarAsItsFilesAllow() throws Exception {
    Vectors v = Vectors.TDX_V5_SAMPLE;
    TeeVerification.Verified ok =
        assertInstanceOf(
            TeeVerification.Verified.class, verify(v, v.quote(), IntelCollateral.load(v.dir())));
    assertEquals(TcbStatus.UP_TO_DATE, ok.tcbStatus());
    assertEquals(IntelQuotes.STEPS, stepNames(ok.passed()));
    assertTrue(ok.passed().get(1).startsWith("crl (not verifiable"), ok.passed().get(1));
    TdxQuote q = (TdxQuote) ok.evidence();
    assertEquals(3, q.bodyType());
    assertEquals(16, q.body().teeTcbSvn2().length);
    TeeVerification.Failed strict =
        failed(IntelQuotes.verify(q, IntelCollateral.load(v.dir()), IntelPolicy.defaults(v.at)));
    assertEquals(IntelQuotes.CRL, strict.step());
  }

  @ParameterizedTest
  @EnumSource(
      value = Vectors.class,
      names = {"SGX_DCAP_V3", "TDX_V4_INTEL_SAMPLE"})
  void sampleVector_withoutItsRoot_failsAtPckChain(Vectors v) throws Exception {
    TeeVerification.Failed f =
        failed(
            IntelQuotes.verify(
                IntelQuotes.parse(v.quote()),
                IntelCollateral.load(v.dir()),
                IntelPolicy.defaults(v.at)));
    assertEquals(IntelQuotes.PCK_CHAIN, f.step());
    assertTrue(
        f.message().contains("is not signed by the trusted root (sha256 fingerprint 44a0196b"),
        f.message());
    assertEquals(List.of(), f.passed());
  }

  @Test
  void aLaterTime_failsAtCollateralOrCrlValidity() throws Exception {
    Vectors v = Vectors.TDX_V4_PROD;
    TeeVerification.Failed f =
        failed(
            IntelQuotes.verify(
                IntelQuotes.parse(v.quote()),
                IntelCollateral.load(v.dir()),
                v.policy()
                    .withTrustRoot(null)
                    .acceptingUnverifiable(IntelQuotes.OPTIONAL_STEPS)
                    .accepting(EnumSet.allOf(TcbStatus.class))
                    .withTrustRoot(null)
                    .withAt(java.time.Instant.parse("2023-08-01T00:00:00Z"))));
    assertEquals(IntelQuotes.CRL, f.step());
    assertTrue(
        f.message().startsWith("the PCK CA CRL expired at 2023-07-08T07:27:52Z"), f.message());
  }

  @Test
  void parsedFields_sgx() throws Exception {
    SgxQuote q = (SgxQuote) IntelQuotes.parse(Vectors.SGX_DCAP_V3.quote());
    assertEquals(3, q.header().version());
    assertEquals(HexFormat.of().formatHex(q.body().mrEnclave()), q.fields().get("mr-enclave"));
    assertEquals(q.measurementHex(), q.fields().get("mr-enclave"));
    assertEquals(1, q.signatureData().certificationDataType());
    assertEquals(64, q.reportData().length);
  }

  @Test
  void parsedFields_tdx() throws Exception {
    TdxQuote q = (TdxQuote) IntelQuotes.parse(Vectors.TDX_V4_PROD.quote());
    assertEquals(4, q.header().version());
    assertEquals(2, q.bodyType());
    assertEquals(q.measurementHex(), q.fields().get("mr-td"));
    assertEquals("03000400000000000000000000000000", q.fields().get("tee-tcb-svn"));
    assertEquals(QuoteSignature.PCK_CERT_CHAIN, q.signatureData().certificationDataType());
    assertEquals(32, q.signatureData().qeAuthData().length);
    assertTrue(q.fields().containsKey("rtmr3"));
  }

  @Test
  void truncatedHeader_namesOffsetAndField() throws Exception {
    byte[] q = java.util.Arrays.copyOf(Vectors.SGX_DCAP_V3.quote(), 40);
    MalformedEvidenceException e =
        assertThrows(MalformedEvidenceException.class, () -> IntelQuotes.parse(q));
    assertEquals("header.user-data", e.field());
    assertEquals(28, e.offset());
    assertEquals(
        "Intel quote: header.user-data at offset 28: needs 20 bytes, 12 left", e.getMessage());
  }

  @Test
  void signatureLengthPastTheEnd_isMalformed() throws Exception {
    byte[] q = Vectors.TDX_V4_PROD.quote();
    int at = 48 + 584;
    q[at + 3] = 0x7f;
    MalformedEvidenceException e =
        assertThrows(MalformedEvidenceException.class, () -> IntelQuotes.parse(q));
    assertEquals("signature-data", e.field());
    assertEquals(at + 4, e.offset());
  }

  @Test
  void unknownVersion_isMalformedAtOffsetZero() throws Exception {
    byte[] q = Vectors.SGX_DCAP_V3.quote();
    q[0] = 9;
    MalformedEvidenceException e =
        assertThrows(MalformedEvidenceException.class, () -> IntelQuotes.parse(q));
    assertEquals("header.version", e.field());
    assertEquals(0, e.offset());
    assertTrue(IntelQuotes.looksLikeQuote(Vectors.SGX_DCAP_V3.quote()));
    assertTrue(!IntelQuotes.looksLikeQuote("hello".getBytes(StandardCharsets.US_ASCII)));
  }
}

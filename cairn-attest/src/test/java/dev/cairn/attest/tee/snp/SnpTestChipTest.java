package dev.cairn.attest.tee.snp;

import static dev.cairn.attest.tee.snp.SnpVerifierTest.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.attest.tee.TcbStatus;
import dev.cairn.attest.tee.TeeVerification;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reports signed by a test chip under a test root given explicitly: the steps a recorded vector
 * cannot reach once its signature holds (reported TCB, chip id, VLEK), and the explicit root.
 */
class SnpTestChipTest {
  static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");
  static final SnpTcb TCB = SnpTcb.of(3, 0, new int[4], 8, 115);
  static TestChip vcekChip;
  static TestChip vlekChip;

  @BeforeAll
  static void chips() throws Exception {
    vcekChip = new TestChip(TCB, false);
    vlekChip = new TestChip(TCB, true);
  }

  static TeeVerification verify(TestChip chip, byte[] report) throws Exception {
    return chip.verifier().verify(SnpReport.parse(report), chip.collateral(), AT);
  }

  @Test
  void testChip_verifiesOnlyWithItsRootGivenExplicitly() throws Exception {
    TeeVerification v = verify(vcekChip, vcekChip.report());
    assertThat(v).isInstanceOf(TeeVerification.Verified.class);
    assertThat(((TeeVerification.Verified) v).tcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    // with AMD's pinned roots only, its ARK in the collateral is refused
    v =
        SnpVerifier.standard()
            .verify(SnpReport.parse(vcekChip.report()), vcekChip.collateral(), AT);
    assertFailed(v, "vcek-chain", "the ARK in the collateral (CN=ARK-Test");
    // and without its chain, no pinned ASK issued its VCEK
    v =
        SnpVerifier.standard()
            .verify(
                SnpReport.parse(vcekChip.report()),
                SnpCollateral.of(vcekChip.endorsementKey.getEncoded()),
                AT);
    assertFailed(
        v, "vcek-chain", "VCEK is issued by CN=SEV-Test, not by the ASK of Milan, Genoa or Turin");
  }

  @Test
  void reportedTcbOtherThanTheVceks_failsAtReportedTcb() throws Exception {
    int[] parts = {0, 1, 6, 7, 2};
    String[] names = {"blSPL", "teeSPL", "snpSPL", "ucodeSPL", "spl4"};
    for (int i = 0; i < parts.length; i++) {
      byte[] b = vcekChip.report();
      b[0x180 + parts[i]] += 1;
      TeeVerification v = verify(vcekChip, vcekChip.sign(b));
      assertFailed(v, "reported-tcb", "REPORTED_TCB " + names[i] + " is ");
      assertFailed(v, "reported-tcb", "fetch the VCEK for the reported TCB");
    }
  }

  @Test
  void chipIdOtherThanTheVceksHwid_failsAtReportedTcb() throws Exception {
    byte[] b = vcekChip.report();
    b[0x1DF] ^= 1;
    assertFailed(
        verify(vcekChip, vcekChip.sign(b)),
        "reported-tcb",
        "is not the VCEK's hwID a0a1a2a3a4a5a6a7...: the VCEK belongs to another chip");
  }

  @Test
  void maskedChipId_failsAtReportedTcb() throws Exception {
    byte[] b = vcekChip.report();
    b[0x48] = 2;
    java.util.Arrays.fill(b, 0x1A0, 0x1E0, (byte) 0);
    assertFailed(verify(vcekChip, vcekChip.sign(b)), "reported-tcb", "CHIP_ID is masked");
  }

  @Test
  void debugGuest_failsAtPolicy() throws Exception {
    byte[] b = vcekChip.report();
    b[0x0A] |= 0x08;
    assertFailed(verify(vcekChip, vcekChip.sign(b)), "policy", "allows debugging");
  }

  @Test
  void vlekSignedReport_verifiesWithoutAChipId() throws Exception {
    byte[] b = vlekChip.report();
    java.util.Arrays.fill(b, 0x1A0, 0x1E0, (byte) 0);
    TeeVerification v = verify(vlekChip, vlekChip.sign(b));
    assertThat(v).isInstanceOf(TeeVerification.Verified.class);
    assertThat(v.passed()).isEqualTo(SnpVerifierTest.ALL_STEPS);
  }

  @Test
  void vlekCertificateForAVcekReport_failsAtReportSignature() throws Exception {
    byte[] b = vlekChip.report();
    b[0x48] = 0;
    assertFailed(
        verify(vlekChip, vlekChip.sign(b)),
        "report-signature",
        "signed by its VCEK (SIGNER_INFO), but the collateral's certificate is CN=SEV-VLEK");
  }

  @Test
  void anotherChipsReport_failsAtReportSignature() throws Exception {
    assertFailed(
        vcekChip.verifier().verify(SnpReport.parse(vlekChip.report()), vcekChip.collateral(), AT),
        "report-signature",
        "signed by its VLEK");
    TestChip other = new TestChip(TCB, false);
    TeeVerification v =
        SnpVerifier.builder()
            .trustRoot(vcekChip.ark)
            .trustRoot(other.ark)
            .build()
            .verify(SnpReport.parse(other.report()), vcekChip.collateral(), AT);
    assertFailed(v, "report-signature", "does not verify with the VCEK's key");
    assertThat(List.of(v.passed())).hasSize(1);
  }
}

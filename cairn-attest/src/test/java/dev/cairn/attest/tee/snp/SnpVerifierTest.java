package dev.cairn.attest.tee.snp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.attest.tee.TcbStatus;
import dev.cairn.attest.tee.TeeVerification;
import dev.cairn.attest.tee.snp.internal.AmdRoots;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recorded Milan report against its VCEK and AMD's pinned Milan chain, and tampered copies. */
class SnpVerifierTest {
  /** Within the VCEK's validity (2022-09-24 to 2029-09-24). */
  static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");

  /** The vector comes from a debug guest: accepted only with the debug bit permitted. */
  static final SnpVerifier VERIFIER =
      SnpVerifier.builder().policy(SnpPolicyCheck.permitDebug()).build();

  static final List<String> ALL_STEPS =
      List.of("vcek-chain", "report-signature", "reported-tcb", "policy");

  static TeeVerification verify(byte[] report, SnpCollateral collateral) throws Exception {
    return VERIFIER.verify(SnpReport.parse(report), collateral, AT);
  }

  @Test
  void milanVector_verifiesWithVcekAndPinnedChain() throws Exception {
    TeeVerification v = verify(Vectors.report(), SnpCollateral.of(Vectors.vcek()));
    assertThat(v).isInstanceOf(TeeVerification.Verified.class);
    TeeVerification.Verified ok = (TeeVerification.Verified) v;
    assertThat(ok.tcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(ok.passed()).isEqualTo(ALL_STEPS);
    assertThat(ok.advisories()).isEmpty();
    assertThat(ok.evidence().measurementHex()).startsWith("b07af962");
  }

  @Test
  void milanVector_verifiesWithTheChainFromTheCollateralDirectory() throws Exception {
    SnpCollateral c = SnpCollateral.fromDirectory(Vectors.dir());
    assertThat(c.chain()).hasSize(1);
    assertThat(verify(Vectors.report(), c)).isInstanceOf(TeeVerification.Verified.class);
  }

  @Test
  void milanVector_defaultPolicy_refusesItsDebugGuest() throws Exception {
    TeeVerification v =
        SnpVerifier.standard()
            .verify(SnpReport.parse(Vectors.report()), SnpCollateral.of(Vectors.vcek()), AT);
    assertFailed(v, "policy", "the guest policy allows debugging (POLICY bit 19)");
    assertThat(v.passed()).containsExactly("vcek-chain", "report-signature", "reported-tcb");
  }

  @Test
  void customPolicyCheck_runsAfterTheDefault() throws Exception {
    SnpPolicyCheck measurement =
        r ->
            r.measurementHex().startsWith("00")
                ? java.util.Optional.empty()
                : java.util.Optional.of(
                    "measurement " + r.measurementHex().substring(0, 8) + " is not approved");
    TeeVerification v =
        SnpVerifier.builder()
            .policy(SnpPolicyCheck.permitDebug().and(measurement))
            .build()
            .verify(SnpReport.parse(Vectors.report()), SnpCollateral.of(Vectors.vcek()), AT);
    assertFailed(v, "policy", "measurement b07af962 is not approved");
  }

  @Test
  void flippedSignatureByte_failsAtReportSignature() throws Exception {
    byte[] b = Vectors.report();
    b[0x2A0] ^= 1;
    assertFailed(
        verify(b, SnpCollateral.of(Vectors.vcek())),
        "report-signature",
        "the signature over bytes 0x000-0x29F does not verify with the VCEK's key");
  }

  @Test
  void flippedMeasurementOrReportDataOrTcb_failsAtReportSignature() throws Exception {
    for (int at : new int[] {0x090, 0x0BF, 0x050, 0x08F, 0x180, 0x1A0, 0x004}) {
      byte[] b = Vectors.report();
      b[at] ^= 0x04;
      assertFailed(
          verify(b, SnpCollateral.of(Vectors.vcek())), "report-signature", "does not verify");
    }
  }

  @Test
  void signatureWiderThan384Bits_failsAtReportSignature() throws Exception {
    byte[] b = Vectors.report();
    b[0x2A0 + 48] = 1;
    assertFailed(
        verify(b, SnpCollateral.of(Vectors.vcek())), "report-signature", "larger than 384 bits");
  }

  @Test
  void flippedVcekByte_failsAtVcekChain() throws Exception {
    byte[] vcek = Vectors.vcek();
    vcek[vcek.length - 1] ^= 1; // in its RSA-PSS signature
    TeeVerification v = verify(Vectors.report(), SnpCollateral.of(vcek));
    assertFailed(
        v, "vcek-chain", "VCEK CN=SEV-VCEK: its signature by ASK CN=SEV-Milan does not verify");
    assertThat(v.passed()).isEmpty();
  }

  @Test
  void vcekWithAChangedHwid_failsAtVcekChain() throws Exception {
    byte[] vcek = Vectors.vcek();
    int at = indexOf(vcek, java.util.Arrays.copyOfRange(Vectors.report(), 0x1A0, 0x1B0));
    assertThat(at).isPositive();
    vcek[at] ^= 1;
    assertFailed(verify(Vectors.report(), SnpCollateral.of(vcek)), "vcek-chain", "does not verify");
  }

  @Test
  void unreadableVcek_failsAtVcekChain() throws Exception {
    assertFailed(
        verify(Vectors.report(), SnpCollateral.of(new byte[] {0x30, 0x03, 1, 2, 3})),
        "vcek-chain",
        "VCEK certificate is unreadable");
  }

  @Test
  void vcekWithTrailingBytesOrAsPem_isReadExactly() throws Exception {
    byte[] der = Vectors.vcek();
    byte[] trailing = java.util.Arrays.copyOf(der, der.length + 2);
    assertFailed(
        verify(Vectors.report(), SnpCollateral.of(trailing)),
        "vcek-chain",
        "VCEK certificate is unreadable: 2 bytes after the certificate");
    assertThat(verify(Vectors.report(), SnpCollateral.of(pem(der))))
        .isInstanceOf(TeeVerification.Verified.class);
    byte[] unterminated = "-----BEGIN CERTIFICATE-----\nMIIB\n".getBytes(StandardCharsets.US_ASCII);
    assertFailed(
        verify(Vectors.report(), SnpCollateral.of(unterminated)),
        "vcek-chain",
        "PEM certificate without its END line");
  }

  @Test
  void flippedAskByte_failsAtVcekChain() throws Exception {
    List<byte[]> chain = pemCerts(Vectors.askArk());
    chain.get(0)[chain.get(0).length - 1] ^= 1;
    assertFailed(
        verify(Vectors.report(), new SnpCollateral(Vectors.vcek(), chain)),
        "vcek-chain",
        "ASK CN=SEV-Milan: its signature by ARK CN=ARK-Milan does not verify");
  }

  @Test
  void flippedArkByte_failsAtVcekChain_asNotPinned() throws Exception {
    List<byte[]> chain = pemCerts(Vectors.askArk());
    chain.get(1)[chain.get(1).length - 1] ^= 1;
    assertFailed(
        verify(Vectors.report(), new SnpCollateral(Vectors.vcek(), chain)),
        "vcek-chain",
        "the ARK in the collateral (CN=ARK-Milan, sha256 ");
    assertFailed(
        verify(Vectors.report(), new SnpCollateral(Vectors.vcek(), chain)),
        "vcek-chain",
        "is not one of AMD's pinned ARKs");
  }

  @Test
  void foreignArk_failsAtVcekChain() throws Exception {
    X509Certificate genoa = AmdRoots.products().get(1).ark();
    TeeVerification v =
        SnpVerifier.builder()
            .trustRoot(genoa)
            .policy(SnpPolicyCheck.permitDebug())
            .build()
            .verify(SnpReport.parse(Vectors.report()), SnpCollateral.of(Vectors.vcek()), AT);
    assertFailed(
        v,
        "vcek-chain",
        "ASK CN=SEV-Milan is issued by CN=ARK-Milan, which is not a trusted root (trusted:"
            + " CN=ARK-Genoa)");
    // the Milan ARK in the collateral is refused too: it was not given as trusted
    v =
        SnpVerifier.builder()
            .trustRoot(genoa)
            .build()
            .verify(
                SnpReport.parse(Vectors.report()),
                new SnpCollateral(Vectors.vcek(), List.of(Vectors.askArk())),
                AT);
    assertFailed(v, "vcek-chain", "is not a root given as trusted");
  }

  @Test
  void chainWithoutTheVceksIssuer_failsAtVcekChain() throws Exception {
    byte[] genoaChain =
        pem(
            AmdRoots.products().get(1).ask().getEncoded(),
            AmdRoots.products().get(1).ark().getEncoded());
    assertFailed(
        verify(Vectors.report(), new SnpCollateral(Vectors.vcek(), List.of(genoaChain))),
        "vcek-chain",
        "the collateral's chain has no ASK named CN=SEV-Milan, the VCEK's issuer");
  }

  @Test
  void outsideTheVceksValidity_failsAtVcekChain() throws Exception {
    TeeVerification v =
        VERIFIER.verify(
            SnpReport.parse(Vectors.report()),
            SnpCollateral.of(Vectors.vcek()),
            Instant.parse("2030-01-01T00:00:00Z"));
    assertFailed(
        v,
        "vcek-chain",
        "VCEK CN=SEV-VCEK is not valid at 2030-01-01T00:00:00Z (valid 2022-09-24T00:55:28Z to"
            + " 2029-09-24T00:55:28Z)");
    v =
        VERIFIER.verify(
            SnpReport.parse(Vectors.report()),
            SnpCollateral.of(Vectors.vcek()),
            Instant.parse("2020-01-01T00:00:00Z"));
    assertFailed(v, "vcek-chain", "ARK CN=ARK-Milan is not valid at 2020-01-01T00:00:00Z");
  }

  @Test
  void reportClaimingVlek_failsAtReportSignatureAgainstAVcek() throws Exception {
    byte[] b = Vectors.report();
    b[0x48] = 1 << 2;
    TeeVerification v = verify(b, SnpCollateral.of(Vectors.vcek()));
    assertFailed(
        v,
        "report-signature",
        "the report is signed by its VLEK (SIGNER_INFO), but the collateral's certificate is"
            + " CN=SEV-VCEK");
  }

  @Test
  void unsignedReport_failsAtReportSignature() throws Exception {
    byte[] b = Vectors.report();
    b[0x48] = 7 << 2;
    assertFailed(
        verify(b, SnpCollateral.of(Vectors.vcek())),
        "report-signature",
        "is not signed (SIGNING_KEY 7)");
  }

  static void assertFailed(TeeVerification v, String step, String message) {
    assertThat(v).isInstanceOf(TeeVerification.Failed.class);
    TeeVerification.Failed f = (TeeVerification.Failed) v;
    assertThat(f.step()).isEqualTo(step);
    assertThat(f.message()).contains(message).doesNotContain("\n");
    assertThat(f.passed()).isEqualTo(ALL_STEPS.subList(0, ALL_STEPS.indexOf(step)));
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The DER certificates of a PEM bundle, each as its own (mutable) array. */
  static List<byte[]> pemCerts(byte[] pem) {
    String s = new String(pem, StandardCharsets.US_ASCII);
    List<byte[]> out = new java.util.ArrayList<>();
    for (String part : s.split("-----END CERTIFICATE-----")) {
      int b = part.indexOf("-----BEGIN CERTIFICATE-----");
      if (b >= 0) {
        out.add(
            Base64.getMimeDecoder()
                .decode(part.substring(b + "-----BEGIN CERTIFICATE-----".length())));
      }
    }
    return out;
  }

  static byte[] pem(byte[]... ders) {
    StringBuilder b = new StringBuilder();
    for (byte[] d : ders) {
      b.append("-----BEGIN CERTIFICATE-----\n")
          .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(d))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}

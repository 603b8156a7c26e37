package dev.cairn.attest.tee.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.TeeType;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SnpReportTest {
  static final HexFormat HEX = HexFormat.of();

  @Test
  void milanVector_parsesEveryField() throws Exception {
    SnpReport r = SnpReport.parse(Vectors.report());
    assertThat(r.type()).isEqualTo(TeeType.SEV_SNP);
    assertThat(r.version()).isEqualTo(2);
    assertThat(r.guestSvn()).isZero();
    assertThat(r.policy().raw()).isEqualTo(0xb0000L);
    assertThat(r.policy().smt()).isTrue();
    assertThat(r.policy().debug()).isTrue();
    assertThat(r.policy().migrateMa()).isFalse();
    assertThat(r.policy().singleSocket()).isFalse();
    assertThat(r.policy().abiMajor()).isZero();
    assertThat(r.vmpl()).isZero();
    assertThat(r.signatureAlgo()).isEqualTo(SnpReport.ECDSA_P384_SHA384);
    assertThat(r.signingKey()).isEqualTo(SnpReport.SigningKey.VCEK);
    assertThat(r.maskChipKey()).isFalse();
    assertThat(r.authorKeyEn()).isFalse();
    assertThat(r.platformInfo()).isEqualTo(1L);
    assertThat(HEX.formatHex(r.reportData())).startsWith("0102030405000000");
    assertThat(r.measurementHex())
        .isEqualTo(
            "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b"
                + "6bdf8a9ece31a5a608eb0cf2e4872b01");
    assertThat(r.reportedTcb().bootloader()).isEqualTo(2);
    assertThat(r.reportedTcb().tee()).isZero();
    assertThat(r.reportedTcb().snp()).isEqualTo(5);
    assertThat(r.reportedTcb().microcode()).isEqualTo(0x44);
    assertThat(r.currentTcb()).isEqualTo(r.reportedTcb());
    assertThat(r.launchTcb()).isEqualTo(r.reportedTcb());
    assertThat(r.committedTcb()).isEqualTo(r.reportedTcb());
    assertThat(r.currentVersion()).isEqualTo("1.49.3");
    assertThat(r.committedVersion()).isEqualTo("1.49.3");
    assertThat(HEX.formatHex(r.chipId())).startsWith("3ac3fe21e13fb0990eb28a802e3fb6a2");
    assertThat(HEX.formatHex(r.reportIdMa())).isEqualTo("ff".repeat(32));
    assertThat(r.cpuid()).isNull();
    assertThat(HEX.formatHex(r.signatureR())).startsWith("4f8e8b5ab8f8f969");
    assertThat(r.fields())
        .containsEntry("version", "2")
        .containsEntry("policy-debug", "true")
        .containsEntry("signing-key", "vcek")
        .containsEntry("reported-tcb-microcode", "68")
        .containsEntry("measurement", r.measurementHex())
        .doesNotContainKey("cpuid-fam-id");
    assertThat(r.fields().firstEntry().getKey()).isEqualTo("version");
    assertThat(r.raw()).isEqualTo(Vectors.report());
  }

  @Test
  void version3_readsCpuidFamilyModelStepping() throws Exception {
    byte[] b = Vectors.report();
    b[0] = 3;
    b[0x188] = 0x19;
    b[0x189] = 0x01;
    b[0x18A] = 0x01;
    SnpReport r = SnpReport.parse(b);
    assertThat(r.cpuid()).isEqualTo(new SnpReport.Cpuid(0x19, 1, 1));
    assertThat(r.fields()).containsEntry("cpuid-fam-id", "25").containsEntry("cpuid-step", "1");
  }

  @Test
  void version2_cpuidBytesAreReserved() {
    byte[] b = Vectors.report();
    b[0x189] = 1;
    assertMalformed(b, 0x189, "reserved", "must be zero");
  }

  @Test
  void truncated_namesTheFirstFieldThatDoesNotFit() {
    assertMalformed(new byte[0], 0, "VERSION", "needs 4 bytes, but the blob ends at offset 0");
    assertMalformed(
        Arrays.copyOf(Vectors.report(), 0x100), 0xE0, "ID_KEY_DIGEST", "ends at offset 256");
    assertMalformed(Arrays.copyOf(Vectors.report(), 0x2A0), 0x2A0, "SIGNATURE.R", "needs 72 bytes");
    assertMalformed(
        Arrays.copyOf(Vectors.report(), SnpReport.SIZE - 1),
        0x330,
        "SIGNATURE reserved",
        "ends at offset 1183");
  }

  @Test
  void trailingBytes_areRejected() {
    assertMalformed(
        Arrays.copyOf(Vectors.report(), SnpReport.SIZE + 3),
        SnpReport.SIZE,
        "end of report",
        "3 bytes follow the 1184-byte report");
  }

  @Test
  void unknownVersion_isRejected() {
    byte[] b = Vectors.report();
    b[0] = 1;
    assertMalformed(b, 0, "VERSION", "version 1 is not 2 to 5");
    b[0] = 6;
    assertMalformed(b, 0, "VERSION", "version 6");
  }

  @Test
  void policy_reservedBitsAreChecked() {
    byte[] b = Vectors.report();
    b[0x0A] = 0x09; // bit 17 cleared
    assertMalformed(b, 8, "POLICY", "bit 17 is reserved and must be 1");
    b = Vectors.report();
    b[0x0F] = 0x01; // bit 56
    assertMalformed(b, 8, "POLICY", "undefined bits 26-63");
  }

  @Test
  void signerInfo_reservedSigningKeyIsRejected() {
    byte[] b = Vectors.report();
    b[0x48] = 3 << 2;
    assertMalformed(b, 0x48, "SIGNER_INFO", "SIGNING_KEY 3 is reserved");
    b[0x48] = 0x20;
    assertMalformed(b, 0x48, "SIGNER_INFO", "reserved bits 5-31");
  }

  @Test
  void reservedRanges_mustBeZero() {
    for (int at : new int[] {0x04C, 0x1EB, 0x1EF, 0x208, 0x29F, 0x330, 0x49F}) {
      byte[] b = Vectors.report();
      b[at] = 1;
      assertThatThrownBy(() -> SnpReport.parse(b))
          .isInstanceOf(MalformedEvidenceException.class)
          .satisfies(e -> assertThat(((MalformedEvidenceException) e).offset()).isEqualTo(at))
          .hasMessageContaining("must be zero");
    }
  }

  @Test
  void constructor_refusesWhatParseRefuses_andCopiesItsInput() {
    assertThatThrownBy(() -> new SnpReport(new byte[10]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VERSION at offset 0");
    byte[] b = Vectors.report();
    SnpReport r = new SnpReport(b);
    b[0x90] ^= 1;
    assertThat(r.measurement()[0]).isEqualTo((byte) 0xb0);
    assertThat(r)
        .isEqualTo(new SnpReport(Vectors.report()))
        .hasSameHashCodeAs(new SnpReport(Vectors.report()));
  }

  static void assertMalformed(byte[] blob, long offset, String field, String problem) {
    assertThatThrownBy(() -> SnpReport.parse(blob))
        .isInstanceOf(MalformedEvidenceException.class)
        .hasMessageContaining("SEV-SNP attestation report: " + field + " at offset " + offset)
        .hasMessageContaining(problem)
        .satisfies(
            e -> {
              MalformedEvidenceException m = (MalformedEvidenceException) e;
              assertThat(m.offset()).isEqualTo(offset);
              assertThat(m.field()).isEqualTo(field);
            });
  }
}

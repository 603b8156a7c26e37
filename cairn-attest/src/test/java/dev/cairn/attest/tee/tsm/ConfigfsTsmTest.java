package dev.cairn.attest.tee.tsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.tee.TeeType;
import dev.cairn.attest.tee.TeeVerification;
import dev.cairn.attest.tee.snp.SnpCollateral;
import dev.cairn.attest.tee.snp.SnpReport;
import dev.cairn.attest.tee.snp.SnpTcb;
import dev.cairn.attest.tee.snp.TestChip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configfs-tsm provider against a fake kernel on a temp dir ({@link FakeTsmKernel}): the
 * SEV-SNP guest driver's files, with reports signed by a test chip, verified end to end.
 */
class ConfigfsTsmTest {
  static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");
  static TestChip chip;

  @TempDir Path root;
  FakeTsmKernel kernel;

  @BeforeAll
  static void makeChip() throws Exception {
    chip = new TestChip(SnpTcb.of(3, 0, new int[4], 8, 115), false);
  }

  @BeforeEach
  void kernel() throws Exception {
    kernel =
        new FakeTsmKernel(
            "sev_guest",
            chip.certTable(),
            0,
            (inblob, privlevel) -> {
              try {
                return chip.report(inblob, privlevel);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
  }

  static byte[] reportData() {
    byte[] d = new byte[64];
    for (int i = 0; i < 64; i++) {
      d[i] = (byte) (i * 7 + 1);
    }
    return d;
  }

  long entriesLeft() throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.count();
    }
  }

  @Test
  void report_bindsTheInblob_andVerifiesWithTheAuxblobsCertificates() throws Exception {
    TsmReport r = ConfigfsTsm.at(root, kernel).report(reportData());
    assertThat(r.provider()).isEqualTo("sev_guest");
    assertThat(r.teeType()).isEqualTo(TeeType.SEV_SNP);
    assertThat(r.generation()).isEqualTo(1);
    SnpReport report = SnpReport.parse(r.outblob());
    assertThat(report.reportData()).isEqualTo(reportData());
    assertThat(report.vmpl()).isZero();
    TeeVerification v =
        chip.verifier().verify(report, SnpCollateral.fromCertTable(r.auxblob()), AT);
    assertThat(v).isInstanceOf(TeeVerification.Verified.class);
    assertThat(kernel.reportsMade.get()).isEqualTo(1);
    assertThat(entriesLeft()).as("the entry is removed").isZero();
  }

  @Test
  void privlevel_isWrittenBeforeTheInblob_andReachesTheReport() throws Exception {
    TsmReport r = ConfigfsTsm.at(root, kernel).report(reportData(), 2);
    assertThat(SnpReport.parse(r.outblob()).vmpl()).isEqualTo(2);
    assertThat(r.generation()).isEqualTo(2);
    assertThat(entriesLeft()).isZero();
  }

  @Test
  void privlevelBelowTheFloor_isRefusedBeforeAnyWrite() throws Exception {
    FakeTsmKernel floored =
        new FakeTsmKernel("sev_guest", new byte[0], 1, (in, p) -> new byte[SnpReport.SIZE]);
    assertThatThrownBy(() -> ConfigfsTsm.at(root, floored).report(reportData(), 0))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("privlevel 0 is below the provider's floor 1");
    assertThat(floored.reportsMade.get()).isZero();
    assertThat(entriesLeft()).isZero();
  }

  @Test
  void anotherWriterBetweenWriteAndRead_failsTheRequest() throws Exception {
    kernel.raceOnce();
    assertThatThrownBy(() -> ConfigfsTsm.at(root, kernel).report(reportData()))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("was written by another process between our write and read")
        .hasMessageContaining("(generation 1 became 2)");
    assertThat(entriesLeft()).isZero();
    // the next request, with no race, succeeds
    assertThat(ConfigfsTsm.at(root, kernel).report(reportData()).outblob()).hasSize(SnpReport.SIZE);
  }

  @Test
  void noAuxblob_givesAnEmptyOne() throws Exception {
    FakeTsmKernel bare = new FakeTsmKernel("tdx_guest", new byte[0], 0, (in, p) -> in.clone());
    TsmReport r = ConfigfsTsm.at(root, bare).report(reportData());
    assertThat(r.teeType()).isEqualTo(TeeType.TDX);
    assertThat(r.auxblob()).isEmpty();
    assertThat(r.outblob()).isEqualTo(reportData());
  }

  @Test
  void missingRoot_saysItIsNotAConfidentialVm() {
    ConfigfsTsm tsm = ConfigfsTsm.at(root.resolve("tsm/report"));
    assertThat(tsm.available()).isFalse();
    assertThatThrownBy(() -> tsm.report(reportData()))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("does not exist: not a confidential VM with TSM reports")
        .satisfies(
            e ->
                assertThat(((AttestationException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("CONFIG_TSM_REPORTS")));
  }

  @Test
  void plainDirectory_isNotAReportEntry_andTheEntryIsRemoved() throws Exception {
    // no fake kernel: mkdir makes an empty directory, as on a filesystem that is not configfs
    assertThatThrownBy(() -> ConfigfsTsm.at(root).report(reportData()))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("write ")
        .hasMessageContaining("inblob failed: no such file: is ")
        .hasMessageContaining("a configfs-tsm report entry?");
    assertThat(entriesLeft()).isZero();
  }

  @Test
  void reportDataOfAnotherLength_isABug() {
    assertThatThrownBy(() -> ConfigfsTsm.at(root, kernel).report(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("report data must be 64 bytes, not 32");
    assertThatThrownBy(() -> ConfigfsTsm.at(root, kernel).report(reportData(), 4))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.cairn.attest.tee.snp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.TeeVerification;
import java.time.Instant;

/**
 * Fuzz target for the SEV-SNP report parser and verifier: any input gives a report or a {@link
 * MalformedEvidenceException} with a one-line message, and a report that parses gives a
 * verification result, never another exception. The normal build runs the seeds under {@code
 * SnpReportFuzzTestInputs/} (the Milan vector, a version 3 copy, truncations); {@code scripts/fuzz
 * 60s snpReports} fuzzes it (docs/testing.md).
 */
class SnpReportFuzzTest {
  static final SnpVerifier VERIFIER = SnpVerifier.standard();
  static final SnpCollateral COLLATERAL = SnpCollateral.of(Vectors.vcek());
  static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");

  @FuzzTest(maxDuration = "30s")
  void snpReports(byte[] data) {
    SnpReport report;
    try {
      report = SnpReport.parse(data);
    } catch (MalformedEvidenceException e) {
      if (String.valueOf(e.getMessage()).contains("\n")) {
        throw new AssertionError("message is not one line: " + e.getMessage());
      }
      return;
    }
    report.fields();
    TeeVerification v = VERIFIER.verify(report, COLLATERAL, AT);
    if (v instanceof TeeVerification.Failed f && f.message().contains("\n")) {
      throw new AssertionError("message is not one line: " + f.message());
    }
  }
}

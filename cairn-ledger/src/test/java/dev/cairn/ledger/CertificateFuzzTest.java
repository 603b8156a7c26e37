package dev.cairn.ledger;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.core.CairnException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for what verify reads: certificate files (with their DSSE envelope and statement)
 * and checkpoints (signed notes). Any input gives a value or a {@code CairnException} in one line,
 * never another exception, a stack overflow or a hang. The normal build runs the seeds under {@code
 * CertificateFuzzTestInputs/}; {@code scripts/fuzz} fuzzes them (docs/testing.md).
 */
class CertificateFuzzTest {
  private static final String VERIFIER_KEY = NoteSigner.generate("cairn-fuzz-log").verifierKey();

  private static void oneLine(CairnException e) {
    String m = String.valueOf(e.getMessage());
    if (m.isBlank() || m.contains("\n") || m.contains("\r")) {
      throw new AssertionError("message is not one line: " + m);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void certificates(byte[] data) {
    try {
      CertificateBundle b =
          CertificateBundle.parse(new String(data, StandardCharsets.UTF_8), "c.cert.json");
      Certificate.parse(b.envelope().payload());
    } catch (CairnException e) {
      oneLine(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void checkpoints(byte[] data) {
    String note = new String(data, StandardCharsets.UTF_8);
    try {
      Checkpoint.parse(note);
    } catch (CairnException e) {
      oneLine(e);
    }
    try {
      NoteSigner.verify(note, VERIFIER_KEY);
    } catch (CairnException e) {
      oneLine(e);
    }
  }
}

package dev.cairn.attest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.core.CairnException;
import dev.cairn.core.Diagnostic;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for attestation policies: any input gives a policy or a {@code CairnException} whose
 * diagnostics are one line each, never another exception, a stack overflow or a hang. The normal
 * build runs the seeds under {@code PolicyFuzzTestInputs/}; {@code scripts/fuzz} fuzzes it
 * (docs/testing.md).
 */
class PolicyFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void policies(byte[] data) {
    try {
      Policies.parse("p.yaml", new String(data, StandardCharsets.UTF_8), null);
    } catch (Policies.PolicyException e) {
      for (Diagnostic d : e.diagnostics()) {
        if (d.oneLine().contains("\n")) {
          throw new AssertionError("diagnostic is not one line: " + d.oneLine());
        }
      }
    } catch (CairnException e) {
      if (String.valueOf(e.getMessage()).contains("\n")) {
        throw new AssertionError("message is not one line: " + e.getMessage());
      }
    }
  }
}

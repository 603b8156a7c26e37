package dev.cairn.attest.tee.intel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.TeeVerification;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the Intel quote parser and the collateral readers: any quote gives a quote or a
 * {@link MalformedEvidenceException} with a one-line message, and any parsed quote or TCB info
 * verifies to a result, never an exception. The normal build runs the seeds under {@code
 * IntelQuotesFuzzTestInputs/}; {@code scripts/fuzz 5m quotes} fuzzes (docs/testing.md).
 */
class IntelQuotesFuzzTest {
  private static final IntelCollateral SGX_COLLATERAL;
  private static final IntelPolicy SGX_POLICY;
  private static final IntelQuote V5_QUOTE;
  private static final IntelPolicy V5_POLICY;

  static {
    try {
      SGX_COLLATERAL = IntelCollateral.load(Vectors.SGX_DCAP_V3.dir());
      SGX_POLICY = Vectors.SGX_DCAP_V3.policy();
      V5_QUOTE = IntelQuotes.parse(Vectors.TDX_V5_SAMPLE.quote());
      V5_POLICY = Vectors.TDX_V5_SAMPLE.policy();
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void quotes(byte[] data) {
    IntelQuote q;
    try {
      q = IntelQuotes.parse(data);
    } catch (MalformedEvidenceException e) {
      oneLine(e.getMessage());
      return;
    }
    q.fields();
    if (IntelQuotes.verify(q, SGX_COLLATERAL, SGX_POLICY) instanceof TeeVerification.Failed f) {
      oneLine(f.message());
    }
  }

  @FuzzTest(maxDuration = "30s")
  void tcbInfo(byte[] data) {
    IntelCollateral c =
        new IntelCollateral(
            null, new String(data, StandardCharsets.UTF_8), null, null, null, null, null);
    if (IntelQuotes.verify(V5_QUOTE, c, V5_POLICY) instanceof TeeVerification.Failed f) {
      oneLine(f.message());
    }
  }

  private static void oneLine(String s) {
    if (s.contains("\n")) {
      throw new AssertionError("message is not one line: " + s);
    }
  }
}

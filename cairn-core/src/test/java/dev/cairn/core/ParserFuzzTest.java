package dev.cairn.core;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the parsers of cairn-core: any input gives a value or the parser's own error in
 * one line, never another exception, a stack overflow or a hang. In the normal build they run the
 * seed inputs under {@code ParserFuzzTestInputs/}; {@code scripts/fuzz} fuzzes them
 * (docs/testing.md).
 */
class ParserFuzzTest {
  /** Small limits, so that each input is cheap and the limits themselves are exercised. */
  private static final Yaml.Limits LIMITS = new Yaml.Limits(1 << 20, 1 << 16, 64, 10_000);

  static void oneLine(String kind, @org.jspecify.annotations.Nullable String message) {
    if (message == null || message.isBlank() || message.contains("\n") || message.contains("\r")) {
      throw new AssertionError(kind + " message is not one line: " + message);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void yaml(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      Yaml.Document d = Yaml.parseDocument("f.yaml", text, 0, LIMITS);
      if (d.node() != null) {
        d.node().toValue();
      }
    } catch (Yaml.YamlSyntaxException e) {
      for (Diagnostic diag : e.diagnostics()) {
        oneLine("YAML", diag.oneLine());
        diag.render();
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void dsse(byte[] data) {
    try {
      Dsse.Envelope e = Dsse.parse(new String(data, StandardCharsets.UTF_8));
      Dsse.verify(e, Keys.ed25519().getPublic());
    } catch (CairnException e) {
      oneLine("DSSE", e.getMessage());
    }
  }

  @FuzzTest(maxDuration = "30s")
  void json(byte[] data) {
    try {
      Object v = Json.parse(new String(data, StandardCharsets.UTF_8));
      if (v != null) {
        Json.canonical(v);
      }
    } catch (java.io.IOException e) {
      // not JSON: Jackson says why
    }
  }
}

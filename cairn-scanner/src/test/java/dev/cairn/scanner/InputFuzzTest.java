package dev.cairn.scanner;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.core.Diagnostic;
import dev.cairn.scanner.internal.CheckLoader;
import dev.cairn.scanner.internal.ManifestReader;
import dev.cairn.scanner.internal.WaiverParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz targets for what a scan reads from users: manifests (YAML streams and JSON), check files and
 * exceptions files. Any input gives objects, notices or diagnostics, each one line, never an
 * exception, a stack overflow or a hang. The normal build runs the seeds under {@code
 * InputFuzzTestInputs/}; {@code scripts/fuzz} fuzzes them (docs/testing.md).
 */
class InputFuzzTest {
  private static final InputLimits LIMITS = new InputLimits(1 << 20, 4 << 20);

  private static void oneLine(String kind, String message) {
    if (message.isBlank() || message.contains("\n") || message.contains("\r")) {
      throw new AssertionError(kind + " message is not one line: " + message);
    }
  }

  private static final ObjectSource.Sink SINK =
      new ObjectSource.Sink() {
        @Override
        public void object(KubeObject object) {
          object.display();
        }

        @Override
        public void notice(Notice notice) {
          oneLine("notice", notice.toString());
        }
      };

  @FuzzTest(maxDuration = "30s")
  void manifests(byte[] data) throws Exception {
    ManifestReader.readStream("f.yaml", new ByteArrayInputStream(data), SINK, LIMITS);
  }

  @FuzzTest(maxDuration = "30s")
  void jsonManifests(byte[] data) throws Exception {
    try {
      ManifestReader.readJson("f.json", new ByteArrayInputStream(data), SINK, LIMITS);
    } catch (java.io.IOException e) {
      // the stream failed: not for an in-memory one, and not what a file gives
      throw new AssertionError(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void checkFiles(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    CheckLoader.Loaded l = CheckLoader.load("c.yaml", text, "c.yaml");
    for (Diagnostic d : l.diagnostics()) {
      oneLine("check diagnostic", d.oneLine());
      d.render();
    }
  }

  @FuzzTest(maxDuration = "30s")
  void exceptionsFiles(byte[] data) {
    List<Diagnostic> diags = new ArrayList<>();
    WaiverParser.parse("ex.yaml", new String(data, StandardCharsets.UTF_8), diags);
    for (Diagnostic d : diags) {
      oneLine("exceptions diagnostic", d.oneLine());
      d.render();
    }
  }
}
